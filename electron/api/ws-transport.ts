/**
 * The browser host's transport: the same router over a WebSocket. Requests and responses use the
 * contract's wire format; every event on the bus goes to every connected page.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { MAX_REQUEST_BYTES, type EventMessage } from './contract';
import type { EventBus } from './event-bus';
import type { Router } from './router';

export interface WebSocketTransport {
  /** Hand an already-authorised upgrade request to the transport. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): Promise<void>;
}

/**
 * The id of a request too large to parse, read from its start: `{"id":N,…` as the renderer's client
 * writes it. Undefined when the text doesn't start that way.
 */
export function leadingRequestId(buffer: Buffer): number | undefined {
  const match = /^\s*\{\s*"id"\s*:\s*(\d{1,15})\s*[,}]/.exec(buffer.subarray(0, 64).toString('latin1'));
  return match ? Number(match[1]) : undefined;
}

export function createWebSocketTransport(router: Router, bus: EventBus): WebSocketTransport {
  // Frames a little over the router's limit still reach it, so an oversized request gets a typed
  // PAYLOAD_TOO_LARGE answer; anything far larger just closes the socket (1009).
  const server = new WebSocketServer({ noServer: true, maxPayload: MAX_REQUEST_BYTES * 4 });
  let nextClient = 1;

  server.on('connection', (socket: WebSocket) => {
    const clientId = `ws-${nextClient++}`;
    const unsubscribe = bus.subscribe((event, payload) => {
      const message: EventMessage = { event, payload };
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
    });
    socket.on('message', (data: RawData, isBinary: boolean) => {
      void answer(socket, data, isBinary, clientId);
    });
    socket.on('close', unsubscribe);
    socket.on('error', unsubscribe);
  });

  async function answer(
    socket: WebSocket,
    data: RawData,
    isBinary: boolean,
    clientId: string,
  ): Promise<void> {
    const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    let request: unknown = undefined;
    if (!isBinary && buffer.length <= MAX_REQUEST_BYTES) {
      try {
        request = JSON.parse(buffer.toString('utf8'));
      } catch {
        request = undefined;
      }
    }
    const fallbackId = isBinary ? undefined : leadingRequestId(buffer);
    const response = await router.handle(request, buffer.length, { clientId }, fallbackId);
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(response));
  }

  return {
    handleUpgrade(request, socket, head) {
      server.handleUpgrade(request, socket, head, (client) => server.emit('connection', client, request));
    },
    close() {
      for (const client of server.clients) client.terminate();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
