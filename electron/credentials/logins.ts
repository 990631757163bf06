/**
 * The `logins.*` commands and the `logins.changed` event: a login is checked through the daemon's
 * `/auth` (as `docker login` does) before it is stored where Docker keeps logins; any change, in Berth
 * or by the CLI in a terminal (config.json is watched), is published as a fresh overview.
 */
import type Dockerode from 'dockerode';
import type { LoginsOverview } from '../api/contract/logins';
import type { HandlersFor } from '../api/router';
import { normalizeRegistryHost } from '../common/reference';
import { checkLogin } from '../docker/registry-auth';
import { ConfigFileWatcher, type ConfigWatcherOptions } from './config-watcher';
import type { DockerCredentials } from './docker-credentials';

export interface LoginsDependencies {
  credentials: DockerCredentials;
  docker: () => Dockerode;
  /** Where `logins.changed` goes (the event bus). */
  publish: (overview: LoginsOverview) => void;
  watch?: ConfigWatcherOptions;
}

export interface Logins {
  handlers: HandlersFor<'logins'>;
  /** Start watching config.json. */
  start(): Promise<void>;
  stop(): void;
}

export function createLogins({ credentials, docker, publish, watch }: LoginsDependencies): Logins {
  const announce = async () => publish(await credentials.list());
  const watcher = new ConfigFileWatcher(credentials.configPath, () => void announce(), watch);
  return {
    handlers: {
      'logins.list': () => credentials.list(),
      'logins.login': async ({ registry, username, password }) => {
        const host = normalizeRegistryHost(registry);
        const login = await checkLogin(docker(), host, username, password);
        const storage = await credentials.store(host, login);
        await announce();
        return { registry: host, username, storage };
      },
      'logins.logout': async ({ registry }) => {
        const host = normalizeRegistryHost(registry);
        const outcome = await credentials.erase(host);
        await announce();
        return { registry: host, ...outcome };
      },
    },
    start: () => watcher.start(),
    stop: () => watcher.stop(),
  };
}
