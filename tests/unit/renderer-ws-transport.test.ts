/** The browser host's WebSocket transport answers every call, also while the socket is down. */
import { describe, expect, it } from 'vitest';
import { webSocketTransport } from '../../renderer/src/api/ws-transport';

/** A WebSocket double the test opens and closes by hand; it records what was sent. */
class FakeSocket extends EventTarget {
  static readonly OPEN = 1;
  static made: FakeSocket[] = [];
  readyState = 0;
  sent: string[] = [];
  constructor(readonly url: string) {
    super();
    FakeSocket.made.push(this);
  }
  send(data: string) {
    if (this.readyState !== FakeSocket.OPEN) return; // a closed socket drops it, as a browser does
    this.sent.push(data);
  }
  open() {
    this.readyState = FakeSocket.OPEN;
    this.dispatchEvent(new Event('open'));
  }
  close() {
    this.readyState = 3;
    this.dispatchEvent(new Event('close'));
  }
  answer(message: unknown) {
    this.dispatchEvent(Object.assign(new Event('message'), { data: JSON.stringify(message) }));
  }
}

const request = (id: number) => ({ id, command: 'app.info' as const, input: {} });

/** A transport over fresh socket doubles (FakeSocket.made[0] is its first socket). */
function freshTransport() {
  FakeSocket.made = [];
  return webSocketTransport('ws://x/api', FakeSocket as unknown as typeof WebSocket)(
    () => undefined,
    () => undefined,
  );
}

describe('browser-host transport', () => {
  it('answers calls made before the first open, when the socket opens; and "connection lost" when it drops', async () => {
    const transport = freshTransport();
    const early = transport.send(request(1));
    const first = FakeSocket.made[0]!;
    first.open();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(first.sent.map((data) => (JSON.parse(data) as { id: number }).id)).toEqual([1]);
    first.answer({ id: 1, ok: true, result: {} });
    expect(await early).toEqual({ id: 1, ok: true, result: {} });

    const waiting = transport.send(request(2));
    await new Promise((resolve) => setTimeout(resolve, 0));
    first.close();
    expect(await waiting).toMatchObject({
      id: 2,
      ok: false,
      error: { message: /connection to Berth was lost/ },
    });
    // Between the drop and the reconnect: answered at once, not sent into a closed socket and forgotten.
    expect(await transport.send(request(3))).toMatchObject({ id: 3, ok: false });
  });

  it('answers a call that waited for a socket that closed without ever opening', async () => {
    const transport = freshTransport();
    const waiting = transport.send(request(4));
    FakeSocket.made[0]!.close();
    expect(await waiting).toMatchObject({ id: 4, ok: false });
  });
});
