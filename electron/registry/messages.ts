/**
 * The protocol between the host's registry supervisor (host/) and the registry process (server/),
 * over the child's IPC channel (child_process in Node, utilityProcess in Electron). Plain JSON values
 * only. Every request is declared once in `RegistryRequests` (its payload, its result), so the
 * process's answers and the supervisor's callers are checked against the same types at compile
 * time; a failed request's reply carries an error code of `RegistryReplyErrorCode`, decided where the
 * failure happened, never guessed back from its message. The data shapes are the contract's own.
 */
import type {
  GarbageCollectionResult,
  RegistryActivity,
  RegistryStats,
  RepositorySummary,
  RepositoryTag,
} from '../api/contract/registry';
import type { ErrorCode } from '../api/contract/errors';

export type { GarbageCollectionResult, RegistryActivity, RegistryStats, RepositorySummary, RepositoryTag };

/** Every request the host makes of the registry process: what it sends, what it gets back. */
export interface RegistryRequests {
  /** Every repository with its tags. */
  repositories: { payload: Record<never, never>; result: RepositorySummary[] };
  /** Removes a tag; answers the digest it pointed at. */
  deleteTag: { payload: { repository: string; tag: string }; result: { digest: string } };
  /** Removes a repository with no tags left (its links only; blobs go at the next GC). */
  deleteRepository: { payload: { repository: string }; result: Record<never, never> };
  /** Garbage collection, or (dry run) what it would remove. */
  gc: { payload: { dryRun: boolean }; result: GarbageCollectionResult };
  /** Fresh figures. */
  stats: { payload: Record<never, never>; result: RegistryStats };
}

/** The name of a request. */
export type RegistryRequestType = keyof RegistryRequests;
/** What request `K` sends besides its type and id. */
export type RegistryRequestPayload<K extends RegistryRequestType> = RegistryRequests[K]['payload'];
/** What request `K` answers. */
export type RegistryRequestResult<K extends RegistryRequestType> = RegistryRequests[K]['result'];

/** The codes a failed request can carry: each is also the host's AppError code for it. */
export type RegistryReplyErrorCode = Extract<
  ErrorCode,
  'REPOSITORY_NOT_FOUND' | 'MANIFEST_UNKNOWN' | 'NAME_INVALID' | 'NO_SPACE' | 'INTERNAL'
>;

/** Why a request failed, as it crosses the boundary. */
export interface RegistryReplyError {
  code: RegistryReplyErrorCode;
  /** Words a person can act on. */
  message: string;
  /** What to do about it, when there is something. */
  hint?: string;
  /** The failure's own words (an OCI error message, a system error), for display and logs. */
  raw?: string;
}

/** A request as sent: its type, its id (the reply carries the same), its payload. */
export type RegistryRequestMessage = {
  [K in RegistryRequestType]: { type: K; requestId: number } & RegistryRequestPayload<K>;
}[RegistryRequestType];

/** The reply to request `K`. */
export type RegistryReply<K extends RegistryRequestType = RegistryRequestType> = {
  [T in K]:
    | { type: 'reply'; request: T; requestId: number; ok: true; result: RegistryRequestResult<T> }
    | { type: 'reply'; request: T; requestId: number; ok: false; error: RegistryReplyError };
}[K];

/** Registry process → supervisor. */
export type RegistryToHostMessage =
  | {
      type: 'ready';
      url: string;
      port: number;
      host: string;
      dataDir: string;
      startedInMs: number;
      /** What the host's fast push shows to `/_berth/docker-export` (kept by the supervisor, never shown). */
      dockerExportToken?: string;
    }
  | { type: 'activity'; activity: RegistryActivity }
  | { type: 'stats'; stats: RegistryStats }
  | { type: 'error'; code: 'PORT_IN_USE' | 'DATA_DIR_UNUSABLE' | 'INTERNAL'; message: string }
  | RegistryReply;

/** Supervisor → registry process. Each request gets exactly one reply with the same requestId. */
export type HostToRegistryMessage = RegistryRequestMessage | { type: 'shutdown' };
