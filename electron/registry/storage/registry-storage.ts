/**
 * Wires the stores over one data folder (the storage layer's composition root) and prepares the
 * folder on start: creates the tree, empties tmp/, sweeps stale uploads.
 */
import { mkdir } from 'node:fs/promises';
import { DirectoryCache, removeQuietly } from './atomic-file';
import { BlobGuard } from './blob-guard';
import { BlobStore } from './blob-store';
import { HashPool } from './hash-pool';
import { ManifestStore } from './manifest-store';
import { StoragePaths } from './paths';
import { RepositoryStore } from './repository-store';
import { TagStore } from './tag-store';
import { UploadStore } from './upload-store';

/** Options for `RegistryStorage`. */
export interface StorageOptions {
  /** Uploads idle longer than this are removed (on start and periodically). Default 1 hour. */
  uploadMaxIdleMs?: number;
  /** How long a blob pushed without a manifest yet is kept from GC. Default 15 minutes. */
  pendingGraceMs?: number;
}

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
    this.uploads = new UploadStore(this.paths, this.dirs, this.blobs, this.repositories, this.hashes);
    this.manifests = new ManifestStore(this.blobs, this.repositories, this.tags);
  }

  /** Creates the folder tree and empties tmp/ (temp files of a previous run are never complete). */
  async prepare(): Promise<void> {
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
