/**
 * Requests to the registry process that are waiting for their `reply`, by requestId. Each has a
 * timeout, so a wedged registry gives the UI an error instead of a spinner forever, and all of them
 * fail at once when the process exits.
 */
import { AppError } from '../../api/app-error';
import type { HostToRegistryMessage, RegistryToHostMessage } from '../messages';

/** A request message before the supervisor numbers it. */
export type RegistryRequest = HostToRegistryMessage extends infer M
  ? M extends { requestId: number }
    ? Omit<M, 'requestId'>
    : never
  : never;

type Reply = Extract<RegistryToHostMessage, { type: 'reply' }>;

interface Pending {
  resolve(result: unknown): void;
  reject(error: AppError): void;
  timer: NodeJS.Timeout;
}

export class PendingRequests {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  /**
   * Numbers `request`, hands the numbered message to `send`, and resolves with the reply's result.
   * Rejects with an AppError on an error reply, a timeout, or `failAll`.
   */
  start(
    request: RegistryRequest,
    timeoutMs: number,
    send: (message: HostToRegistryMessage) => void,
  ): Promise<unknown> {
    const requestId = this.nextId++;
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(
          new AppError(
            'INTERNAL',
            `The registry did not answer "${request.type}" within ${Math.round(timeoutMs / 1000)} s.`,
            {
              fix: { kind: 'retry' },
            },
          ),
        );
      }, timeoutMs);
      this.pending.set(requestId, { resolve, reject, timer });
      send({ ...request, requestId });
    });
  }

  /** Settles the request a reply belongs to; replies nobody waits for (timed out) are dropped. */
  settle(reply: Reply): void {
    const entry = this.pending.get(reply.requestId);
    if (!entry) return;
    this.pending.delete(reply.requestId);
    clearTimeout(entry.timer);
    if (reply.ok) entry.resolve(reply.result);
    else entry.reject(registryReplyError(reply.error));
  }

  /** Fails every waiting request, e.g. because the process exited. */
  failAll(error: AppError): void {
    for (const entry of this.pending.values()) {
      clearTimeout(entry.timer);
      entry.reject(error);
    }
    this.pending.clear();
  }

  get size(): number {
    return this.pending.size;
  }
}

/**
 * The protocol carries only a message for a failed request; the registry's OCI error names (which it
 * uses in those messages) are the one structured hint, so the UI can tell "no such tag" from a failure.
 */
function registryReplyError(message: string): AppError {
  if (/NAME_UNKNOWN/.test(message)) return new AppError('REPOSITORY_NOT_FOUND', message, { raw: message });
  if (/MANIFEST_UNKNOWN|not found|unknown tag/i.test(message))
    return new AppError('MANIFEST_UNKNOWN', message, { raw: message });
  if (/NAME_INVALID/.test(message)) return new AppError('NAME_INVALID', message, { raw: message });
  if (/ENOSPC|no space/i.test(message)) return new AppError('NO_SPACE', message, { raw: message });
  return new AppError('INTERNAL', 'The registry could not do that.', { raw: message });
}
