/**
 * The Electron transport: the router behind one `ipcMain.handle` channel, events pushed to every
 * window. Calls are accepted only from the app's own page (not from any frame that navigated away).
 */
import { ipcMain, webContents, type IpcMainInvokeEvent } from 'electron';
import { AppError } from './app-error';
import { UNREADABLE_REQUEST_ID } from './contract';
import type { EventBus } from './event-bus';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from './ipc-channels';
import type { Router } from './router';

export function attachIpcTransport(
  router: Router,
  bus: EventBus,
  isTrustedUrl: (url: string) => boolean,
): () => void {
  ipcMain.handle(IPC_CALL_CHANNEL, async (event: IpcMainInvokeEvent, request: unknown) => {
    const frameUrl = event.senderFrame?.url ?? '';
    if (!isTrustedUrl(frameUrl)) {
      return {
        id: UNREADABLE_REQUEST_ID,
        ok: false,
        error: new AppError('INVALID_INPUT', 'Calls are accepted only from Berth’s own window.').toData(),
      };
    }
    let size: number;
    try {
      size = Buffer.byteLength(JSON.stringify(request) ?? '');
    } catch {
      size = Number.POSITIVE_INFINITY;
    }
    return router.handle(request, size, { clientId: `ipc-${event.sender.id}` });
  });
  const unsubscribe = bus.subscribe((name, payload) => {
    for (const contents of webContents.getAllWebContents()) {
      if (!contents.isDestroyed() && isTrustedUrl(contents.getURL()))
        contents.send(IPC_EVENT_CHANNEL, { event: name, payload });
    }
  });
  return () => {
    unsubscribe();
    ipcMain.removeHandler(IPC_CALL_CHANNEL);
  };
}
