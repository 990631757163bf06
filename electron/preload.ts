/**
 * The preload: the renderer's one door to the host. It exposes exactly two functions on
 * `window.berth` — send a contract request, listen to events — and nothing of Node or Electron.
 * Runs sandboxed with context isolation.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { EventMessage, RequestMessage, ResponseMessage } from './api/contract';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from './api/ipc-channels';

contextBridge.exposeInMainWorld('berth', {
  invoke: (request: RequestMessage): Promise<ResponseMessage> =>
    ipcRenderer.invoke(IPC_CALL_CHANNEL, request) as Promise<ResponseMessage>,
  onEvent: (listener: (message: EventMessage) => void): (() => void) => {
    const handler = (_event: IpcRendererEvent, message: EventMessage) => listener(message);
    ipcRenderer.on(IPC_EVENT_CHANNEL, handler);
    return () => ipcRenderer.removeListener(IPC_EVENT_CHANNEL, handler);
  },
});
