/**
 * Requests to the registry process that are waiting for their `reply`, by requestId. Each has a
 * timeout, so a wedged registry gives the UI an error instead of a spinner forever, and all of them
 * fail at once when the process exits.
 */
import { AppError } from '../../api/app-error';
import type {
  HostToRegistryMessage,
  RegistryReply,
  RegistryReplyError,
  RegistryRequestPayload,
  RegistryRequestResult,
  RegistryRequestType,
} from '../messages';

interface Pending {
  type: RegistryRequestType;
  resolve(result: unknown): void;
  reject(error: AppError): void;
  timer: NodeJS.Timeout;
}

export class PendingRequests {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  /**
   * Numbers request `type` with its `payload`, hands the numbered message to `send`, and resolves
   * with the reply's result. Rejects with an AppError (the reply's own code) on an error reply, a
   * timeout, or `failAll`.
   */
  start<K extends RegistryRequestType>(
    type: K,
    payload: RegistryRequestPayload<K>,
    timeoutMs: number,
    send: (message: HostToRegistryMessage) => void,
  ): Promise<RegistryRequestResult<K>> {
    const requestId = this.nextId++;
    return new Promise<RegistryRequestResult<K>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(
          new AppError(
            'INTERNAL',
            `The registry did not answer "${type}" within ${Math.round(timeoutMs / 1000)} s.`,
            { fix: { kind: 'retry' } },
          ),
        );
      }, timeoutMs);
      this.pending.set(requestId, {
        type,
        resolve,
        reject,
        timer,
      });
      send({ ...payload, type, requestId } as HostToRegistryMessage);
    });
  }

  /**
   * Settles the request a reply belongs to; replies nobody waits for (timed out) are dropped, and so
   * is one that names another request type than was sent under its id.
   */
  settle(reply: RegistryReply): void {
    const entry = this.pending.get(reply.requestId);
    if (!entry || entry.type !== reply.request) return;
    this.pending.delete(reply.requestId);
    clearTimeout(entry.timer);
    if (reply.ok) entry.resolve(reply.result);
    else entry.reject(replyError(reply.error));
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

/** The AppError for a failed request: its code as the registry decided it, its words kept. */
function replyError(error: RegistryReplyError): AppError {
  return new AppError(error.code, error.message, {
    ...(error.hint === undefined ? {} : { hint: error.hint }),
    ...(error.raw === undefined ? {} : { raw: error.raw }),
  });
}
