/**
 * HTTP over a raw TCP socket, for requests an HTTP client refuses to send (`GET //[`, a target in
 * absolute form, headers that never finish, a body that stops half way).
 *
 *   const answer = await rawExchange(port, 'GET //[ HTTP/1.1\r\nHost: 127.0.0.1:5000\r\n\r\n');
 *   expect(answer.status).toBe(400);
 */
import { connect, type Socket } from 'node:net';

/** What came back: the status of the first response (if any) and everything received. */
export interface RawAnswer {
  status: number | undefined;
  text: string;
  /** True when the server closed the connection (rather than the exchange timing out). */
  closedByServer: boolean;
}

/** Opens a connection to 127.0.0.1:`port`; resolves once connected. */
export function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/**
 * Collects what `socket` receives until the first response's headers are complete (`untilHeaders`)
 * or the server closes the connection, or `timeoutMs` passes.
 */
export function collect(
  socket: Socket,
  options: { timeoutMs: number; untilHeaders?: boolean },
): Promise<RawAnswer> {
  return new Promise((resolve) => {
    let text = '';
    let done = false;
    const finish = (closedByServer: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1];
      resolve({ status: status === undefined ? undefined : Number(status), text, closedByServer });
    };
    const timer = setTimeout(() => finish(false), options.timeoutMs);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      text += chunk;
      if (options.untilHeaders && text.includes('\r\n\r\n')) finish(false);
    });
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true));
  });
}

/** Sends `request` as is on a new connection and answers the first response's status. */
export async function rawExchange(port: number, request: string, timeoutMs = 5_000): Promise<RawAnswer> {
  const socket = await openSocket(port);
  const answer = collect(socket, { timeoutMs, untilHeaders: true });
  socket.write(request);
  return answer;
}
