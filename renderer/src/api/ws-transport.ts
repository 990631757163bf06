/**
 * The browser host's transport: requests and events over one WebSocket that reconnects with backoff.
 * Every request is answered: a call made while the socket is down (or that was waiting when it
 * dropped) gets "connection lost" at once, so the UI's busy states end and the user sees why.
 *
 * A host that restarted has a new token, so this tab's cookie no longer opens it: a reconnect that
 * fails asks the host's page over plain HTTP why. 401 means a new host that doesn't know this tab
 * (`host-restarted`, no more retries: only the address it printed opens it); no answer at all means
 * the host is not running (`host-stopped`; retries go on, slowly, to notice it come back).
 */
import type { EventMessage, RequestMessage, ResponseMessage } from '../../../electron/api/contract';

export interface Transport {
  send(request: RequestMessage): Promise<ResponseMessage>;
}

/** The link to the host, as the status bar tells it. */
export type LinkState = 'open' | 'reconnecting' | 'host-restarted' | 'host-stopped';

/** What the host's page answers now: 'refused' (401: it doesn't know this tab), 'answered', 'unreachable'. */
export type HostProbe = () => Promise<'refused' | 'answered' | 'unreachable'>;

/** Asks the host's own page (same origin as the socket, http for ws) with the tab's cookie. */
export function httpProbe(socketUrl: string): HostProbe {
  const pageUrl = socketUrl.replace(/^ws/, 'http').replace(/\/api$/, '/');
  return async () => {
    try {
      const response = await fetch(pageUrl, { method: 'HEAD' });
      return response.status === 401 ? 'refused' : 'answered';
    } catch {
      return 'unreachable';
    }
  };
}

export function webSocketTransport(
  url: string,
  Socket: typeof WebSocket = WebSocket,
  probe: HostProbe = httpProbe(url),
) {
  return (deliver: (message: EventMessage) => void, connection: (state: LinkState) => void): Transport => {
    const pending = new Map<number, (response: ResponseMessage) => void>();
    let socket: WebSocket;
    /** Settles when this socket opens (true) or closes without opening (false). */
    let ready: Promise<boolean>;
    let retryMs = 250;
    const lost = (id: number): ResponseMessage => ({
      id,
      ok: false,
      error: { code: 'INTERNAL', message: 'The connection to Berth was lost. Retrying…' },
    });

    let everOpened = false;
    let gaveUp = false;
    const connect = () => {
      socket = new Socket(url);
      const current = socket;
      let opened = false;
      ready = new Promise((resolve) => {
        current.addEventListener('open', () => resolve(true), { once: true });
        current.addEventListener('close', () => resolve(false), { once: true });
      });
      current.addEventListener('open', () => {
        opened = true;
        everOpened = true;
      });
      socket.addEventListener('open', () => {
        retryMs = 250;
        connection('open');
      });
      socket.addEventListener('message', (event: Event) => {
        const message = JSON.parse((event as Event & { data: string }).data) as
          ResponseMessage | EventMessage;
        if ('event' in message) {
          deliver(message);
        } else {
          pending.get(message.id)?.(message);
          pending.delete(message.id);
        }
      });
      socket.addEventListener('close', () => {
        for (const [id, resolve] of pending) resolve(lost(id));
        pending.clear();
        const retry = () => {
          setTimeout(connect, retryMs);
          retryMs = Math.min(retryMs * 2, 4000);
        };
        if (opened || !everOpened) {
          // The first drop (or a first connect that failed): try again before saying anything worse.
          connection('reconnecting');
          retry();
          return;
        }
        // A reconnect failed: ask the host why, and tell the user what it means.
        void probe().then((answer) => {
          if (gaveUp) return;
          if (answer === 'refused') {
            gaveUp = true;
            connection('host-restarted');
            return;
          }
          connection(answer === 'unreachable' ? 'host-stopped' : 'reconnecting');
          retry();
        });
      });
    };
    connect();

    return {
      // A call made while the socket is down is answered at once with "connection lost" (the UI shows
      // it and the busy state ends), never left waiting on a socket that will not answer.
      async send(request) {
        if (!(await ready) || socket.readyState !== Socket.OPEN) return lost(request.id);
        return new Promise((resolve) => {
          pending.set(request.id, resolve);
          socket.send(JSON.stringify(request));
        });
      },
    };
  };
}
