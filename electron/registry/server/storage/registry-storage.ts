/**
 * Wires the stores over one data folder (the storage layer's composition root) and prepares the
 * folder on start: creates the tree, empties tmp/, sweeps stale uploads.
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DirectoryCache, removeQuietly } from './atomic-file';
import { BlobGuard } from './blob-guard';
import { BlobStore } from './blob-store';
import { HashPool } from './hash-pool';
import { ManifestStore } from './manifest-store';
import { StoragePaths } from './paths';
import { RepositoryStore } from './repository-store';
import { TagStore } from './tag-store';
import { DEFAULT_UPLOAD_LIMITS, UploadStore } from './upload-store';

/** Options for `RegistryStorage`. */
export interface StorageOptions {
  /** Uploads idle longer than this are removed (on start and periodically). Default 1 hour. */
  uploadMaxIdleMs?: number;
  /** How long a blob pushed without a manifest yet is kept from GC. Default 15 minutes. */
  pendingGraceMs?: number;
  /** Open upload sessions one client address may hold (default in upload-store.ts). */
  uploadsPerClient?: number;
}

/** Marks a folder as a Berth registry's storage (see `prepare`). */
const MARKER = '.berth-registry';
/** What the registry itself creates at the top of its folder. */
const OWN_FOLDERS = new Set(['blobs', 'repositories', 'uploads', 'tmp']);

/** Every store of one registry data folder. */
export class RegistryStorage {
  readonly paths: StoragePaths;
  readonly dirs = new DirectoryCache();
  readonly guard: BlobGuard;
  readonly blobs: BlobStore;
  readonly repositories: RepositoryStore;
  readonly tags: TagStore;
  readonly uploads: UploadStore;
  readonly manifests: ManifestStore;
  readonly hashes = new HashPool();
  readonly uploadMaxIdleMs: number;

  constructor(root: string, options: StorageOptions = {}) {
    this.paths = new StoragePaths(root);
    this.guard = new BlobGuard(options.pendingGraceMs);
    this.uploadMaxIdleMs = options.uploadMaxIdleMs ?? 60 * 60_000;
    this.blobs = new BlobStore(this.paths, this.dirs, this.guard);
    this.repositories = new RepositoryStore(this.paths, this.dirs);
    this.tags = new TagStore(this.paths, this.dirs);
    this.uploads = new UploadStore(this.paths, this.dirs, this.blobs, this.repositories, this.hashes, {
      perClient: options.uploadsPerClient ?? DEFAULT_UPLOAD_LIMITS.perClient,
      // A client near its limit loses its sessions idle for a twelfth of the regular limit (5 min of 1 h).
      busyIdleMs: Math.min(DEFAULT_UPLOAD_LIMITS.busyIdleMs, this.uploadMaxIdleMs / 12),
    });
    this.manifests = new ManifestStore(this.blobs, this.repositories, this.tags);
  }

  /**
   * Creates the folder tree and empties tmp/ (temp files of a previous run are never complete).
   * Start-up deletes inside tmp/ and uploads/, so only a folder that is the registry's own is used:
   * empty, marked by `.berth-registry`, or holding nothing but the registry's own folders (one made
   * before the mark existed). Anything else (`--data ~`, a folder of the user's files, another
   * registry's storage) is refused with the reason, and nothing in it is touched.
   */
  async prepare(): Promise<void> {
    const marker = join(this.paths.root, MARKER);
    let entries: string[] = [];
    try {
      entries = await readdir(this.paths.root);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const foreign = entries.filter((entry) => entry !== MARKER && !OWN_FOLDERS.has(entry));
    if (!entries.includes(MARKER) && foreign.length > 0) {
      const shown = foreign.slice(0, 3).join(', ') + (foreign.length > 3 ? ', …' : '');
      throw new Error(
        `it already holds files that are not a Berth registry's (${shown}); choose an empty folder or one Berth's registry made`,
      );
    }
    await mkdir(this.paths.root, { recursive: true });
    if (!entries.includes(MARKER))
      await writeFile(marker, "This folder is storage of Berth's local registry.\n", { flag: 'wx' }).catch(
        (error: NodeJS.ErrnoException) => {
          if (error.code !== 'EEXIST') throw error;
        },
      );
    await removeQuietly(this.paths.tmpRoot, true);
    await Promise.all(
      [this.paths.blobsRoot, this.paths.repositoriesRoot, this.paths.uploadsRoot, this.paths.tmpRoot].map(
        (dir) => mkdir(dir, { recursive: true }),
      ),
    );
  }

  /** Removes uploads idle for longer than the configured limit; returns how many. */
  sweepUploads(): Promise<number> {
    return this.uploads.sweep(this.uploadMaxIdleMs);
  }
}
