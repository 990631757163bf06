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
import { webSocketTransport, type LinkState, type Transport } from './ws-transport';

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
  /** The WebSocket host can drop, stop or restart (LinkState); the bridge never does. */
  onConnection(listener: (state: LinkState) => void): () => void;
}

function createClient(
  transport: (deliver: (message: EventMessage) => void, connection: (state: LinkState) => void) => Transport,
): ApiClient {
  const listeners = new Map<string, Set<Listener>>();
  const connectionListeners = new Set<(state: LinkState) => void>();
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
