/**
 * The browser host's transport: requests and events over one WebSocket that reconnects with backoff.
 * Every request is answered: a call made while the socket is down (or that was waiting when it
 * dropped) gets "connection lost" at once, so the UI's busy states end and the user sees why.
 */
import type { EventMessage, RequestMessage, ResponseMessage } from '../../../electron/api/contract';

export interface Transport {
  send(request: RequestMessage): Promise<ResponseMessage>;
}

export function webSocketTransport(url: string, Socket: typeof WebSocket = WebSocket) {
  return (
    deliver: (message: EventMessage) => void,
    connection: (state: 'open' | 'reconnecting') => void,
  ): Transport => {
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

    const connect = () => {
      socket = new Socket(url);
      const current = socket;
      ready = new Promise((resolve) => {
        current.addEventListener('open', () => resolve(true), { once: true });
        current.addEventListener('close', () => resolve(false), { once: true });
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
        connection('reconnecting');
        setTimeout(connect, retryMs);
        retryMs = Math.min(retryMs * 2, 4000);
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
