/**
 * Talks messages.ts to a registry started with `startRegistry({ ipc: true })`, the way the
 * supervisor does: requests with ids and their replies, and a log of everything the process sent.
 */
import type { ChildProcess } from 'node:child_process';
import type {
  RegistryReplyError,
  RegistryRequestPayload,
  RegistryRequestResult,
  RegistryRequestType,
  RegistryToHostMessage,
} from '../../electron/registry/messages';

/** An error reply, as a thrown error that keeps the reply's code. */
export class RegistryReplyFailure extends Error {
  constructor(readonly reply: RegistryReplyError) {
    super(`${reply.code}: ${reply.message}`);
  }
}

/** A message channel to the registry process. */
export class RegistryIpc {
  readonly received: RegistryToHostMessage[] = [];
  private nextId = 1;
  private readonly waiters: Array<{
    test: (m: RegistryToHostMessage) => boolean;
    done: (m: RegistryToHostMessage) => void;
  }> = [];

  constructor(private readonly child: ChildProcess) {
    child.on('message', (raw) => {
      const message = raw as RegistryToHostMessage;
      this.received.push(message);
      for (const waiter of [...this.waiters]) {
        if (waiter.test(message)) {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          waiter.done(message);
        }
      }
    });
  }

  /** Resolves with the first message (already received or future) matching `test`. */
  waitFor(test: (m: RegistryToHostMessage) => boolean, timeoutMs = 15_000): Promise<RegistryToHostMessage> {
    const seen = this.received.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((done, fail) => {
      const timer = setTimeout(
        () => fail(new Error('no matching message from the registry in time')),
        timeoutMs,
      );
      this.waiters.push({ test, done: (m) => (clearTimeout(timer), done(m)) });
    });
  }

  /**
   * Sends request `type` and resolves with its reply's result (rejects with a RegistryReplyFailure
   * on an error reply, or when the reply names another request).
   */
  async request<K extends RegistryRequestType>(
    type: K,
    payload: RegistryRequestPayload<K>,
  ): Promise<RegistryRequestResult<K>> {
    const requestId = this.nextId++;
    const reply = this.waitFor((m) => m.type === 'reply' && m.requestId === requestId, 60_000);
    this.child.send({ ...payload, type, requestId });
    const answer = await reply;
    if (answer.type !== 'reply' || answer.request !== type) throw new Error('unexpected message');
    if (!answer.ok) throw new RegistryReplyFailure(answer.error);
    return answer.result;
  }
}
