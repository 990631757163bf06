/** The browser host's WebSocket transport answers every call, also while the socket is down. */
import { describe, expect, it, vi } from 'vitest';
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

describe('the host behind the socket went away', () => {
  /** A transport whose failed reconnects are explained by `answer`, with the link states it reported. */
  function transportAfterRestart(answer: 'refused' | 'unreachable') {
    FakeSocket.made = [];
    const states: string[] = [];
    let probes = 0;
    webSocketTransport('ws://x/api', FakeSocket as unknown as typeof WebSocket, () => {
      probes += 1;
      return Promise.resolve(answer);
    })(
      () => undefined,
      (state) => states.push(state),
    );
    return { states, probes: () => probes };
  }

  it('says the host restarted (it refuses this tab) and stops retrying, instead of "reconnecting…" forever', async () => {
    vi.useFakeTimers();
    try {
      const { states, probes } = transportAfterRestart('refused');
      FakeSocket.made[0]!.open();
      FakeSocket.made[0]!.close();
      expect(states).toEqual(['open', 'reconnecting']);
      await vi.advanceTimersByTimeAsync(300);
      FakeSocket.made[1]!.close();
      await vi.advanceTimersByTimeAsync(0);
      expect(states).toEqual(['open', 'reconnecting', 'host-restarted']);
      expect(probes()).toBe(1);
      await vi.advanceTimersByTimeAsync(10_000);
      expect(FakeSocket.made).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('says the host stopped when nothing answers, and keeps trying', async () => {
    vi.useFakeTimers();
    try {
      const { states } = transportAfterRestart('unreachable');
      FakeSocket.made[0]!.open();
      FakeSocket.made[0]!.close();
      await vi.advanceTimersByTimeAsync(300);
      FakeSocket.made[1]!.close();
      await vi.advanceTimersByTimeAsync(0);
      expect(states.at(-1)).toBe('host-stopped');
      await vi.advanceTimersByTimeAsync(1000);
      expect(FakeSocket.made.length).toBeGreaterThan(2);
    } finally {
      vi.useRealTimers();
    }
  });
});
