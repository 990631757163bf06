/**
 * Messages between the host's registry supervisor and the registry process (over the child's IPC
 * channel: child_process in Node, utilityProcess in Electron). Plain JSON values only.
 */

export interface RepositoryTag {
  tag: string;
  /** Digest of the manifest the tag points at. */
  digest: string;
  mediaType: string;
  /** Sum of config and layer sizes (for an index: of the largest child image). */
  size: number;
  /** `os/arch[/variant]` for each image in an index, or the single image's platform when known. */
  platforms: string[];
}

export interface RepositorySummary {
  name: string;
  tags: RepositoryTag[];
}

export interface RegistryStats {
  repositories: number;
  tags: number;
  blobs: number;
  /** Bytes used on disk by blobs. */
  diskUsed: number;
}

export interface RegistryActivity {
  /**
   * e.g. 'push' (manifest PUT), 'pull' (manifest GET), 'blob-upload', 'delete'; 'failure' when the
   * storage failed a request (disk full, permission denied) and the registry carried on.
   */
  kind: 'push' | 'pull' | 'blob-upload' | 'blob-mount' | 'delete' | 'gc' | 'failure';
  repository: string;
  reference?: string;
  digest?: string;
  bytes?: number;
  /** For a failure: what went wrong, in words ("the disk is full"). */
  detail?: string;
  /** ms since epoch. */
  at: number;
}

export interface GarbageCollectionResult {
  dryRun: boolean;
  blobsRemoved: number;
  bytesFreed: number;
  /** Digests that were (or, in a dry run, would be) removed. */
  digests: string[];
}

/** Registry process → supervisor. */
export type RegistryToHostMessage =
  | { type: 'ready'; url: string; port: number; host: string; dataDir: string; startedInMs: number }
  | { type: 'activity'; activity: RegistryActivity }
  | { type: 'stats'; stats: RegistryStats }
  | { type: 'error'; code: 'PORT_IN_USE' | 'DATA_DIR_UNUSABLE' | 'INTERNAL'; message: string }
  | { type: 'reply'; requestId: number; ok: true; result: unknown }
  | { type: 'reply'; requestId: number; ok: false; error: string };

/** Supervisor → registry process. Each request gets exactly one `reply` with the same requestId. */
export type HostToRegistryMessage =
  | { type: 'repositories'; requestId: number }
  | { type: 'deleteTag'; requestId: number; repository: string; tag: string }
  | { type: 'gc'; requestId: number; dryRun: boolean }
  | { type: 'stats'; requestId: number }
  | { type: 'shutdown' };
