/**
 * The core both hosts share: it builds the services with their dependencies and the router over them.
 * Each host (Electron main, browser host) passes what only it can provide — where settings live, how
 * to start a child process, how to notify — and adds its own transport on top.
 */
import type { Notice } from './api/contract/app';
import { EventBus } from './api/event-bus';
import { createRouter, type Handlers, type HandlersFor, type Router } from './api/router';
import { DockerConnection, type Logger } from './docker/connection';
import { systemEndpointEnvironment } from './docker/endpoint';
import { ImageService } from './docker/images';
import type { SettingsStore } from './settings/settings-store';

export interface HostAdapter {
  kind: 'electron' | 'web';
  version: string;
  userDataDir: string;
  settings: SettingsStore;
  /** Notices raised while starting (e.g. settings moved aside), shown when the window connects. */
  startupNotices: Notice[];
  log: Logger & { error(message: string): void };
}

export interface Core {
  router: Router;
  bus: EventBus;
  docker: DockerConnection;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createCore(host: HostAdapter): Core {
  const bus = new EventBus();
  const docker = new DockerConnection(systemEndpointEnvironment(), bus, host.log);
  const images = new ImageService(() => docker.docker);

  const appHandlers: HandlersFor<'app'> & HandlersFor<'settings'> & HandlersFor<'docker'> = {
    'app.info': () => ({
      version: host.version,
      host: host.kind,
      platform: process.platform,
      userDataDir: host.userDataDir,
      notices: host.startupNotices,
    }),
    'settings.get': () => host.settings.get(),
    'settings.update': (patch) => {
      const next = host.settings.update(patch);
      bus.emit('settings.changed', next);
      return next;
    },
    'docker.status': () => docker.status(),
  };
  const imageHandlers: HandlersFor<'images'> = {
    'images.list': () => images.list(),
    'images.tag': ({ source, target }) => images.tag(source, target),
    'images.remove': ({ reference, force }) => images.remove(reference, force),
  };

  const handlers: Handlers = { ...appHandlers, ...imageHandlers };
  const router = createRouter(handlers, {
    onInternalError: (command, error) => host.log.error(`${command} failed: ${error instanceof Error ? error.stack : String(error)}`),
  });

  return {
    router,
    bus,
    docker,
    async start() {
      await docker.start();
    },
    async stop() {
      docker.stop();
      await Promise.resolve();
    },
  };
}
