/**
 * The registry process's side of messages.ts: one handler per request type (checked against
 * `RegistryRequests` at compile time), and the translation of any failure into a reply error whose
 * code is decided here, from the failure itself (an OCI error code, a system error code).
 */
import type {
  RegistryActivity,
  RegistryReply,
  RegistryReplyError,
  RegistryRequestMessage,
  RegistryRequestPayload,
  RegistryRequestResult,
  RegistryRequestType,
} from '../messages';
import { RegistryError } from './errors';
import type { GarbageCollector } from './gc';
import type { Inventory } from './inventory';

/** A handler for every request type. */
export type RegistryRequestHandlers = {
  [K in RegistryRequestType]: (payload: RegistryRequestPayload<K>) => Promise<RegistryRequestResult<K>>;
};

/** The handlers over the process's inventory and collector; deletions and collections are reported. */
export function createRequestHandlers(
  inventory: Inventory,
  collector: GarbageCollector,
  onActivity: (activity: RegistryActivity) => void,
): RegistryRequestHandlers {
  return {
    repositories: () => inventory.repositories(),
    stats: () => inventory.stats(),
    deleteTag: async ({ repository, tag }) => {
      const { digest } = await inventory.deleteTag(repository, tag);
      onActivity({ kind: 'delete', repository, reference: tag, digest, at: Date.now() });
      return { digest };
    },
    deleteRepository: async ({ repository }) => {
      await inventory.deleteUntaggedRepository(repository);
      onActivity({ kind: 'delete', repository, at: Date.now() });
      return {};
    },
    gc: async ({ dryRun }) => {
      const result = await collector.run(dryRun);
      if (!dryRun) onActivity({ kind: 'gc', repository: '', bytes: result.bytesFreed, at: Date.now() });
      return result;
    },
  };
}

/** Runs `message` through its handler; resolves with its reply, never rejects. */
export async function answerRequest(
  handlers: RegistryRequestHandlers,
  message: RegistryRequestMessage,
): Promise<RegistryReply> {
  const { type, requestId } = message;
  try {
    // The union of messages and the map of handlers are two views of one declaration; TypeScript
    // can't correlate them through a union, so the call is typed by hand once, here.
    const handler = handlers[type] as (payload: RegistryRequestMessage) => Promise<unknown>;
    const result = await handler(message);
    return { type: 'reply', request: type, requestId, ok: true, result } as RegistryReply;
  } catch (error) {
    return { type: 'reply', request: type, requestId, ok: false, error: toReplyError(error) };
  }
}

const SPACE_ERRORS = new Set(['ENOSPC', 'EDQUOT']);

/** The reply error for any failure: its code from the failure's own code, its words kept as `raw`. */
export function toReplyError(error: unknown): RegistryReplyError {
  const raw = error instanceof Error ? error.message : String(error);
  if (error instanceof RegistryError) {
    switch (error.code) {
      case 'NAME_UNKNOWN':
        return { code: 'REPOSITORY_NOT_FOUND', message: error.message, raw };
      case 'MANIFEST_UNKNOWN':
        return {
          code: 'MANIFEST_UNKNOWN',
          message: error.message,
          hint: 'It may have been deleted already; refresh the list.',
          raw,
        };
      case 'NAME_INVALID':
        return { code: 'NAME_INVALID', message: error.message, raw };
      default:
        break;
    }
  }
  const systemCode = (error as NodeJS.ErrnoException | undefined)?.code;
  if (systemCode && SPACE_ERRORS.has(systemCode))
    return { code: 'NO_SPACE', message: 'The disk holding the registry’s data is full.', raw };
  return { code: 'INTERNAL', message: 'The registry could not do that.', raw };
}
