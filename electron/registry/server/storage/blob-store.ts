/**
 * The content-addressed blob store: blobs/<algorithm>/<xx>/<hex>, each written once by renaming a
 * fully written, fsynced and verified file into place. Knows nothing about repositories.
 */
import type { FileHandle } from 'node:fs/promises';
import { open, readFile, readdir, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { BlobGuard } from './blob-guard';
import { type DirectoryCache, isNotFound, removeQuietly, tempName } from './atomic-file';
import type { StoragePaths } from './paths';
import { type Digest, tryParseDigest } from '../names';

/** Count and bytes of the blobs on disk. */
export interface BlobTotals {
  blobs: number;
  bytes: number;
}

/** A blob found by `list()`. */
export interface StoredBlob {
  digest: Digest;
  size: number;
  modifiedMs: number;
}

/** Reads, commits and removes blobs; caches their sizes (blobs never change once written). */
export class BlobStore {
  private readonly sizes = new Map<string, number>();
  private totals: BlobTotals | undefined;

  constructor(
    private readonly paths: StoragePaths,
    private readonly dirs: DirectoryCache,
    readonly guard: BlobGuard,
  ) {}

  /**
   * The blob's size, or undefined when it isn't stored (or is being removed by GC). With `touch`,
   * a client is about to rely on it: it is protected from GC in the same tick it is found.
   */
  async size(digest: Digest, touch = false): Promise<number | undefined> {
    if (this.guard.isDeleting(digest.value)) return undefined;
    const cached = this.sizes.get(digest.value);
    if (cached !== undefined) {
      if (touch) this.guard.touch(digest.value);
      return cached;
    }
    try {
      const info = await stat(this.paths.blob(digest));
      if (this.guard.isDeleting(digest.value)) return undefined;
      this.sizes.set(digest.value, info.size);
      if (touch) this.guard.touch(digest.value);
      return info.size;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /**
   * The blob's file, open for reading; the caller closes it. Opened before any answer is sent, so a
   * blob removed afterwards still reads to the end.
   */
  async open(digest: Digest): Promise<FileHandle | undefined> {
    if (this.guard.isDeleting(digest.value)) return undefined;
    try {
      return await open(this.paths.blob(digest), 'r');
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** Reads a small blob (a manifest) whole. */
  async read(digest: Digest): Promise<Buffer | undefined> {
    if (this.guard.isDeleting(digest.value)) return undefined;
    try {
      return await readFile(this.paths.blob(digest));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /**
   * Moves a complete, fsynced file whose digest was verified into its content address. Two commits
   * of the same digest queue on its lock; the second finds the blob there and drops its own copy,
   * so both clients succeed and one copy is kept.
   */
  async commit(digest: Digest, verifiedFile: string, size: number): Promise<void> {
    await this.guard.locks.run(digest.value, async () => {
      const target = this.paths.blob(digest);
      let exists = false;
      try {
        exists = (await stat(target)).isFile();
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
      if (exists) {
        await removeQuietly(verifiedFile);
      } else {
        await this.dirs.ensure(this.paths.blobDir(digest));
        await rename(verifiedFile, target);
        if (this.totals) {
          this.totals.blobs += 1;
          this.totals.bytes += size;
        }
      }
      this.sizes.set(digest.value, size);
      this.guard.touch(digest.value);
    });
  }

  /** Writes a small blob (a manifest's bytes) given whole; `digest` must already be verified. */
  async put(digest: Digest, bytes: Uint8Array): Promise<void> {
    if (this.sizes.has(digest.value) && !this.guard.isDeleting(digest.value)) {
      this.guard.touch(digest.value);
      return;
    }
    await this.dirs.ensure(this.paths.tmpRoot);
    const temp = join(this.paths.tmpRoot, tempName('blob'));
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(bytes);
      // datasync: a new file's size is flushed with its data; its times needn't be.
      await handle.datasync();
    } finally {
      await handle.close();
    }
    try {
      await this.commit(digest, temp, bytes.byteLength);
    } catch (error) {
      await removeQuietly(temp);
      throw error;
    }
  }

  /**
   * Removes a blob unless the running collection must keep it; returns the bytes freed, or
   * undefined when it was kept or already gone. Only GC calls this: repositories drop links, never blobs.
   */
  async remove(digest: Digest): Promise<number | undefined> {
    return this.guard.locks.run(digest.value, async () => {
      // Protection check and "deleting" mark in one tick: see blob-guard.ts.
      if (this.guard.isProtected(digest.value)) return undefined;
      this.guard.markDeleting(digest.value);
      try {
        const size = (await stat(this.paths.blob(digest))).size;
        await unlink(this.paths.blob(digest));
        this.sizes.delete(digest.value);
        if (this.totals) {
          this.totals.blobs -= 1;
          this.totals.bytes -= size;
        }
        return size;
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      } finally {
        this.guard.doneDeleting(digest.value);
      }
    });
  }

  /** Every stored blob (walks the tree; for GC and the first totals). */
  async *list(): AsyncGenerator<StoredBlob> {
    for (const algorithm of await readdirQuiet(this.paths.blobsRoot)) {
      const algorithmDir = join(this.paths.blobsRoot, algorithm);
      for (const prefix of await readdirQuiet(algorithmDir)) {
        const prefixDir = join(algorithmDir, prefix);
        for (const hex of await readdirQuiet(prefixDir)) {
          const digest = tryParseDigest(`${algorithm}:${hex}`);
          if (!digest) continue;
          try {
            const info = await stat(join(prefixDir, hex));
            yield { digest, size: info.size, modifiedMs: info.mtimeMs };
          } catch (error) {
            if (!isNotFound(error)) throw error;
          }
        }
      }
    }
  }

  /** Blob count and bytes; the first call walks the tree, later calls are kept up to date in memory. */
  async getTotals(): Promise<BlobTotals> {
    if (!this.totals) {
      const totals = { blobs: 0, bytes: 0 };
      for await (const blob of this.list()) {
        totals.blobs += 1;
        totals.bytes += blob.size;
      }
      this.totals ??= totals;
    }
    return { ...this.totals };
  }
}

/** readdir that answers [] for a missing folder. */
export async function readdirQuiet(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
}
