/**
 * The core both hosts share: it builds the services with their dependencies and the router over them.
 * Each host (Electron main, browser host) passes what only it can provide — where settings live, how
 * to start a child process, how to notify — and adds its own transport on top.
 */
import type { Notice } from './api/contract/app';
import { EventBus } from './api/event-bus';
import { createRouter, type Handlers, type Router } from './api/router';
import { DockerConnection, type Logger } from './docker/connection';
import { systemEndpointEnvironment } from './docker/endpoint';
import { createDockerHandlers } from './docker/handlers';
import { ImageService } from './docker/images';
import { createSettingsHandlers } from './settings/handlers';
import type { SettingsStore } from './settings/settings-store';
import { TransferService } from './docker/transfers';
import { createTransfersHandlers } from './docker/transfers-handlers';
import { join } from 'node:path';
import { createDaemonConfigHandlers } from './daemon-config/handlers';
import { DockerCredentials } from './credentials/docker-credentials';
import { createLoginsHandlers } from './credentials/handlers';
import { LoginService } from './credentials/logins';
import type { Elevator } from './daemon-config/elevator';
import { DaemonConfigService, systemLocateEnvironment } from './daemon-config/service';
import { createRegistryHandlers } from './registry/host/handlers';
import { fetchDaemonInfo, registryConfigReport } from './daemon-config/daemon-info';
import { createGuideHandlers } from './guide/handlers';
import { GuideService } from './guide/guide-service';
import { createRemoteHandlers } from './remote/handlers';
import { RemoteRegistries } from './remote/remote-registries';
import { RegistryCopier } from './remote/copy/registry-copier';
import { RegistrySupervisor } from './registry/host/supervisor';
import type { RegistrySpawner } from './registry/host/supervisor-child';

export interface HostAdapter {
  kind: 'electron' | 'web';
  version: string;
  userDataDir: string;
  settings: SettingsStore;
  /** Notices raised while starting (e.g. settings moved aside), shown when the window connects. */
  startupNotices: Notice[];
  log: Logger & { error(message: string): void };
  /** Starts the registry process: child_process.fork in Node, utilityProcess in Electron. */
  spawnRegistry: RegistrySpawner;
  /** Copies a file into place with the OS's own elevation prompt (daemon.json under /etc). */
  elevator: Elevator;
}

export interface Core {
  router: Router;
  bus: EventBus;
  docker: DockerConnection;
  registry: RegistrySupervisor;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createCore(host: HostAdapter): Core {
  // The services, each with its dependencies…
  const bus = new EventBus();
  const docker = new DockerConnection(systemEndpointEnvironment(), bus, host.log);
  const images = new ImageService(() => docker.docker);
  const registry = new RegistrySupervisor({
    spawnRegistry: host.spawnRegistry,
    readSettings: () => {
      const { port, dataDir, exposeOnNetwork } = host.settings.get().registry;
      return { port, dataDir: dataDir ?? join(host.userDataDir, 'registry'), exposeOnNetwork };
    },
    events: bus,
    logger: host.log,
    activityFile: join(host.userDataDir, 'registry-activity.jsonl'),
  });
  const daemonConfig = new DaemonConfigService({
    docker: docker.docker,
    settings: { daemonConfigPath: () => host.settings.get().daemonConfigPath },
    elevator: host.elevator,
    environment: systemLocateEnvironment(),
  });
  // Logins are Docker's own (config.json and its credential helpers), shared with the CLI both ways.
  const credentials = new DockerCredentials({ env: process.env, log: host.log });
  const logins = new LoginService({
    credentials,
    docker: () => docker.docker,
    publish: (overview) => {
      remote.loginsChanged();
      bus.emit('logins.changed', overview);
    },
  });
  // Browsing any registry (issue 20): the host's own registry client, with the same logins.
  const remote = new RemoteRegistries({
    authFor: (host) => credentials.authFor(host),
    daemonRegistryConfig: async () => registryConfigReport(await fetchDaemonInfo(docker.docker)),
    ...(process.env.BERTH_DOCKER_HUB_API ? { hubApi: process.env.BERTH_DOCKER_HUB_API } : {}),
    ...(process.env.BERTH_DOCKER_HUB_REGISTRY ? { hubRegistry: process.env.BERTH_DOCKER_HUB_REGISTRY } : {}),
  });
  // The Getting started checklist, ticked from what Docker, the registry and the logins show.
  const guide = new GuideService({
    docker: () => docker.status(),
    images: () => images.list(),
    registry: () => registry.status(),
    activity: () => registry.recentActivity(),
    logins: () => logins.list(),
    store: host.settings,
    bus,
  });

  const transfers = new TransferService(() => docker.docker, bus, credentials, {
    onDockerGone: () => void docker.check().catch(() => undefined),
    localRegistryPort: () => registry.status().port,
    // Pushes to Berth's own registry take the fast path unless the settings say "through Docker".
    localRegistry: {
      url: () => registry.status().url,
      dockerExportToken: () => registry.dockerExportToken(),
      settings: () => host.settings.get().localPush,
    },
    // Registry to registry (issue 21): the same client as browsing, with the same logins.
    copier: new RegistryCopier(remote),
  });
  // …and one handlers.ts per feature, given the services it maps the contract onto.
  const handlers: Handlers = {
    ...createSettingsHandlers({
      info: () => ({
        version: host.version,
        host: host.kind,
        platform: process.platform,
        userDataDir: host.userDataDir,
        notices: host.startupNotices,
      }),
      settings: host.settings,
      events: bus,
    }),
    ...createDockerHandlers({ connection: docker, images }),
    ...createRegistryHandlers({
      supervisor: registry,
      settings: {
        saveRegistry: (patch) => bus.emit('settings.changed', host.settings.update({ registry: patch })),
        autoStartChosen: () => host.settings.get().registry.autoStartChosen === true,
      },
    }),
    ...createDaemonConfigHandlers({ service: daemonConfig, events: bus }),
    ...createTransfersHandlers({ transfers }),
    ...createLoginsHandlers({ logins }),
    ...createRemoteHandlers({ remote }),
    ...createGuideHandlers({ guide }),
  };
  const router = createRouter(handlers, {
    onInternalError: (command, error) =>
      host.log.error(`${command} failed: ${error instanceof Error ? error.stack : String(error)}`),
  });

  return {
    router,
    bus,
    docker,
    registry,
    async start() {
      await docker.start();
      await logins.start();
      guide.start();
      if (host.settings.get().registry.autoStart) {
        registry
          .start()
          .catch((error: unknown) => host.log.warn(`registry did not auto-start: ${String(error)}`));
      }
    },
    async stop() {
      guide.stop();
      docker.stop();
      logins.stop();
      await registry.stop();
    },
  };
}
