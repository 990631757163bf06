/**
 * The renderer's only way to the host: typed by the contract, over the Electron preload bridge when
 * it exists, else over the browser host's WebSocket. Failures reject with ApiError carrying the
 * host's AppErrorData (code, message, hint, fix, raw).
 */
import type {
  AppErrorData,
  CommandInput,
  CommandName,
  CommandOutput,
  EventMessage,
  EventName,
  EventPayload,
  RequestMessage,
  ResponseMessage,
} from '../../../electron/api/contract';

export class ApiError extends Error {
  constructor(readonly data: AppErrorData) {
    super(data.message);
    this.name = 'ApiError';
  }
}

/** What the Electron preload exposes as `window.berth`. */
export interface BerthBridge {
  invoke(request: RequestMessage): Promise<ResponseMessage>;
  onEvent(listener: (message: EventMessage) => void): () => void;
}

declare global {
  interface Window {
    berth?: BerthBridge;
  }
}

type Listener = (payload: unknown) => void;

export interface ApiClient {
  call<K extends CommandName>(command: K, input: CommandInput<K>): Promise<CommandOutput<K>>;
  on<K extends EventName>(event: K, listener: (payload: EventPayload<K>) => void): () => void;
  /** 'open' | 'reconnecting' — the WebSocket host can drop; the bridge never does. */
  onConnection(listener: (state: 'open' | 'reconnecting') => void): () => void;
}

interface Transport {
  send(request: RequestMessage): Promise<ResponseMessage>;
}

function createClient(
  transport: (
    deliver: (message: EventMessage) => void,
    connection: (state: 'open' | 'reconnecting') => void,
  ) => Transport,
): ApiClient {
  const listeners = new Map<string, Set<Listener>>();
  const connectionListeners = new Set<(state: 'open' | 'reconnecting') => void>();
  const link = transport(
    (message) => listeners.get(message.event)?.forEach((listener) => listener(message.payload)),
    (state) => connectionListeners.forEach((listener) => listener(state)),
  );
  let nextId = 1;
  return {
    async call(command, input) {
      const response = await link.send({ id: nextId++, command, input });
      if (!response.ok) throw new ApiError(response.error);
      return response.result as CommandOutput<typeof command>;
    },
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as Listener);
      return () => set.delete(listener as Listener);
    },
    onConnection(listener) {
      connectionListeners.add(listener);
      return () => connectionListeners.delete(listener);
    },
  };
}

function bridgeTransport(bridge: BerthBridge) {
  return (deliver: (message: EventMessage) => void): Transport => {
    bridge.onEvent(deliver);
    return { send: (request) => bridge.invoke(request) };
  };
}

function webSocketTransport(url: string) {
  return (
    deliver: (message: EventMessage) => void,
    connection: (state: 'open' | 'reconnecting') => void,
  ): Transport => {
    const pending = new Map<number, (response: ResponseMessage) => void>();
    let socket: WebSocket;
    let ready: Promise<void>;
    let retryMs = 250;

    const connect = () => {
      socket = new WebSocket(url);
      ready = new Promise((resolve) => socket.addEventListener('open', () => resolve(), { once: true }));
      socket.addEventListener('open', () => {
        retryMs = 250;
        connection('open');
      });
      socket.addEventListener('message', (event: MessageEvent<string>) => {
        const message = JSON.parse(event.data) as ResponseMessage | EventMessage;
        if ('event' in message) {
          deliver(message);
        } else {
          pending.get(message.id)?.(message);
          pending.delete(message.id);
        }
      });
      socket.addEventListener('close', () => {
        for (const [id, resolve] of pending) {
          resolve({
            id,
            ok: false,
            error: { code: 'INTERNAL', message: 'The connection to Berth was lost. Retrying…' },
          });
        }
        pending.clear();
        connection('reconnecting');
        setTimeout(connect, retryMs);
        retryMs = Math.min(retryMs * 2, 4000);
      });
    };
    connect();

    return {
      async send(request) {
        await ready;
        return new Promise((resolve) => {
          pending.set(request.id, resolve);
          socket.send(JSON.stringify(request));
        });
      },
    };
  };
}

function create(): ApiClient {
  if (window.berth) return createClient(bridgeTransport(window.berth));
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return createClient(webSocketTransport(`${scheme}://${location.host}/api`));
}

/** The one client of this window. */
export const api: ApiClient = create();

/** A message for any error a call may reject with. */
export function errorData(error: unknown): AppErrorData {
  if (error instanceof ApiError) return error.data;
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}
