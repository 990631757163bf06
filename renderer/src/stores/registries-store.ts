/**
 * The registries the user works with, for the sidebar and the Tag dialog's picker: the local registry
 * (from the registry store), Docker Hub, and the others saved in the settings; plus who is logged in
 * where. Logins are Docker's own (config.json or its credential helper), read and written by the host;
 * this store only holds the host's overview (user names and places, never a secret), kept fresh by
 * `logins.changed`, which also reports a `docker login` / `docker logout` done in a terminal.
 */
import { create } from 'zustand';
import type { Settings } from '../../../electron/api/contract/app';
import type { LoginStorage, LoginsOverview } from '../../../electron/api/contract/logins';
import { DOCKER_HUB_DOMAIN, normalizeRegistryHost } from '../../../electron/common/reference';
import { api, errorData } from '../api/client';
import type { AppErrorData } from '../../../electron/api/contract';

export type SavedRegistry = Settings['registries'][number];

interface RegistriesState {
  saved: SavedRegistry[];
  /** What the host says about Docker's logins; undefined until it answered. */
  overview: LoginsOverview | undefined;
  /** Registry host → the user name Docker has a login for ('' for an identity token only). */
  logins: Record<string, string>;
  /** Check a login through the daemon, then store it where Docker keeps logins. */
  login: (registry: string, username: string, password: string) => Promise<AppErrorData | undefined>;
  /** Remove a registry's login, as `docker logout` does. */
  logout: (registry: string) => Promise<AppErrorData | undefined>;
  /** Save another registry in the settings, so it shows in the sidebar and the picker. */
  add: (host: string, name?: string) => Promise<AppErrorData | undefined>;
  remove: (host: string) => Promise<AppErrorData | undefined>;
}

export const useRegistriesStore = create<RegistriesState>((set, get) => ({
  saved: [],
  overview: undefined,
  logins: {},
  async login(registry, username, password) {
    try {
      await api.call('logins.login', { registry, username, password });
      // The host publishes logins.changed too; asking keeps this independent of the event's timing.
      setOverview(await api.call('logins.list', {}));
      return undefined;
    } catch (error) {
      return errorData(error);
    }
  },
  async logout(registry) {
    try {
      await api.call('logins.logout', { registry });
      setOverview(await api.call('logins.list', {}));
      return undefined;
    } catch (error) {
      return errorData(error);
    }
  },
  async add(host, name) {
    const normalized = normalizeRegistryHost(host);
    if (normalized === DOCKER_HUB_DOMAIN || get().saved.some((entry) => entry.host === normalized))
      return undefined;
    try {
      const settings = await api.call('settings.update', {
        registries: [...get().saved, { host: normalized, name: name?.trim() || normalized }],
      });
      set({ saved: settings.registries });
      return undefined;
    } catch (error) {
      return errorData(error);
    }
  },
  async remove(host) {
    try {
      const settings = await api.call('settings.update', {
        registries: get().saved.filter((entry) => entry.host !== host),
      });
      set({ saved: settings.registries });
      return undefined;
    } catch (error) {
      return errorData(error);
    }
  },
}));

function setOverview(overview: LoginsOverview): void {
  const logins: Record<string, string> = {};
  for (const login of overview.logins) logins[login.registry] = login.username;
  useRegistriesStore.setState({ overview, logins });
}

/** The user name logged in to `host`, if any ('' when only an identity token is kept). */
export function loggedInUser(logins: Record<string, string>, host: string): string | undefined {
  return logins[normalizeRegistryHost(host)];
}

/** The login Docker has for `host`, if any. */
export function loginFor(overview: LoginsOverview | undefined, host: string) {
  const registry = normalizeRegistryHost(host);
  return overview?.logins.find((login) => login.registry === registry);
}

/** Where a new login to `host` would be kept: its own helper, else the default helper, else the file. */
export function storageForNewLogin(overview: LoginsOverview, host: string): LoginStorage {
  const registry = normalizeRegistryHost(host);
  const helper =
    overview.credHelpers.find((entry) => entry.registry === registry)?.helper ?? overview.credsStore;
  return helper !== undefined ? { kind: 'helper', helper } : { kind: 'file', path: overview.configPath };
}

/** In words: "docker-credential-pass", "config.json (not encrypted)", "DOCKER_AUTH_CONFIG". */
export function describeStorage(storage: LoginStorage): string {
  if (storage.kind === 'helper') return `docker-credential-${storage.helper}`;
  if (storage.kind === 'environment') return 'DOCKER_AUTH_CONFIG (read-only)';
  return `${storage.path} (not encrypted)`;
}

/** Wire the store to the host once, at start-up. */
export function connectRegistriesStore(): void {
  const load = async () => {
    const settings = await api.call('settings.get', {});
    useRegistriesStore.setState({ saved: settings.registries });
  };
  const loadLogins = async () => setOverview(await api.call('logins.list', {}));
  api.on('settings.changed', (settings) => useRegistriesStore.setState({ saved: settings.registries }));
  api.on('logins.changed', setOverview);
  api.onConnection((link) => {
    if (link === 'open') {
      void load().catch(() => undefined);
      void loadLogins().catch(() => undefined);
    }
  });
  void load().catch(() => undefined);
  void loadLogins().catch(() => undefined);
}
