/**
 * Logins and the `logins.changed` event: a login is checked through the daemon's `/auth` (as
 * `docker login` does) before it is stored where Docker keeps logins; any change, in Berth or by the
 * CLI in a terminal (config.json is watched), is published as a fresh overview.
 */
import type Dockerode from 'dockerode';
import type { LoginsOverview } from '../api/contract/logins';
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

/** Logins as the app uses them: list, log in (checked, then stored), log out, and the watch on config.json. */
export class LoginService {
  private readonly watcher: ConfigFileWatcher;

  constructor(private readonly deps: LoginsDependencies) {
    this.watcher = new ConfigFileWatcher(deps.credentials.configPath, () => void this.announce(), deps.watch);
  }

  list(): Promise<LoginsOverview> {
    return this.deps.credentials.list();
  }

  /** Checks the login through the daemon's /auth, then stores it where Docker keeps logins. */
  async login(registry: string, username: string, password: string) {
    const host = normalizeRegistryHost(registry);
    const login = await checkLogin(this.deps.docker(), host, username, password);
    const storage = await this.deps.credentials.store(host, login);
    await this.announce();
    return { registry: host, username, storage };
  }

  /** Erases every spelling of the registry's login, as `docker logout` does. */
  async logout(registry: string) {
    const host = normalizeRegistryHost(registry);
    const outcome = await this.deps.credentials.erase(host);
    await this.announce();
    return { registry: host, ...outcome };
  }

  /** Start watching config.json. */
  start(): Promise<void> {
    return this.watcher.start();
  }

  stop(): void {
    this.watcher.stop();
  }

  private async announce(): Promise<void> {
    this.deps.publish(await this.deps.credentials.list());
  }
}
