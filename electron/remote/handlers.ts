/**
 * The `remote.*` commands over RemoteRegistries. A call that names a `requestId` can be stopped with
 * `remote.cancel` (the renderer does when the user moves on: another repository, another filter); all
 * of a window's calls stop when it goes away.
 */
import type { HandlersFor } from '../api/router';
import type { RemoteRegistries } from './remote-registries';

/** What the handlers are given, built by the composition root. */
export interface RemoteServices {
  remote: RemoteRegistries;
}

export function createRemoteHandlers({ remote }: RemoteServices): HandlersFor<'remote'> {
  const running = new Map<string, AbortController>();
  const track = async <T>(
    clientId: string,
    requestId: string | undefined,
    work: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> => {
    const controller = new AbortController();
    const key = `${clientId}\u0000${requestId ?? ''}`;
    if (requestId !== undefined) {
      // The same id again replaces the earlier call (a newer page of the same list).
      running.get(key)?.abort();
      running.set(key, controller);
    }
    try {
      return await work(controller.signal);
    } finally {
      if (requestId !== undefined && running.get(key) === controller) running.delete(key);
    }
  };
  return {
    'remote.repositories': ({ host, cursor, n, namespace, requestId }, { clientId }) =>
      track(clientId, requestId, (signal) => remote.repositories(host, { cursor, n, namespace }, signal)),
    'remote.tags': ({ host, repository, cursor, n, requestId }, { clientId }) =>
      track(clientId, requestId, (signal) => remote.tags(host, repository, { cursor, n }, signal)),
    'remote.tagDetails': ({ host, repository, tag, requestId }, { clientId }) =>
      track(clientId, requestId, (signal) => remote.tagDetails(host, repository, tag, signal)),
    'remote.deleteTag': ({ host, repository, tag, digest }) =>
      remote.deleteTag(host, repository, tag, digest),
    'remote.cancel': ({ requestId }, { clientId }) => {
      const key = `${clientId}\u0000${requestId}`;
      const controller = running.get(key);
      controller?.abort();
      running.delete(key);
      return { cancelled: controller !== undefined };
    },
  };
}
