/**
 * The registries the user works with, for the sidebar and the Tag dialog's picker: the local registry
 * (from the registry store), Docker Hub, and the others saved in the settings; plus who is logged in
 * where. Logins are Docker's own (config.json or its credential helper), read and written by the host;
 * this store only holds the host's overview (user names and places, never a secret), kept fresh by
 * `logins.changed`, which also reports a `docker login` / `docker logout` done in a terminal.
 */
import { create } from 'zustand';
import type { Settings } from '../../../electron/api/contract/app';
import type { LoginsOverview } from '../../../electron/api/contract/logins';
import { DOCKER_HUB_DOMAIN, normalizeRegistryHost } from '../../../electron/common/reference';
import { api, errorData } from '../api/client';
import type { AppErrorData } from '../../../electron/api/contract';

export type SavedRegistry = Settings['registries'][number];

interface RemoteRegistriesState {
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
  /** Remember a repository name typed for a registry that offers no list of its own (issue 20). */
  rememberRepository: (host: string, name: string) => Promise<AppErrorData | undefined>;
  forgetRepository: (host: string, name: string) => Promise<AppErrorData | undefined>;
}

export const useRemoteRegistriesStore = create<RemoteRegistriesState>((set, get) => ({
  saved: [],
  overview: undefined,
  logins: {},
  async login(registry, username, password) {
    try {
      await api.call('logins.login', { registry, username, password });
      // The host publishes logins.changed too; asking keeps this independent of the event's timing.
      await reloadLogins();
      return undefined;
    } catch (error) {
      return errorData(error);
    }
  },
  async logout(registry) {
    try {
      await api.call('logins.logout', { registry });
      await reloadLogins();
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
  async rememberRepository(host, name) {
    const entries = get().saved;
    const existing = entries.find((entry) => entry.host === host);
    const names = [...new Set([...(existing?.repositories ?? []), name])].sort();
    const next = existing
      ? entries.map((entry) => (entry.host === host ? { ...entry, repositories: names } : entry))
      : [...entries, { host, name: host, repositories: names }];
    return saveRegistries(next);
  },
  async forgetRepository(host, name) {
    const next = get().saved.map((entry) =>
      entry.host === host
        ? { ...entry, repositories: (entry.repositories ?? []).filter((kept) => kept !== name) }
        : entry,
    );
    return saveRegistries(next);
  },
}));

async function saveRegistries(registries: SavedRegistry[]): Promise<AppErrorData | undefined> {
  try {
    const settings = await api.call('settings.update', { registries });
    useRemoteRegistriesStore.setState({ saved: settings.registries });
    return undefined;
  } catch (error) {
    return errorData(error);
  }
}

/** Counts logins.changed events, so an answer to logins.list asked before the latest one is dropped. */
let loginEvents = 0;

/** Ask the host for the overview; keep it unless a newer one arrived meanwhile as an event. */
async function reloadLogins(): Promise<void> {
  const before = loginEvents;
  const overview = await api.call('logins.list', {});
  if (loginEvents === before) setOverview(overview);
}

function setOverview(overview: LoginsOverview): void {
  const logins: Record<string, string> = {};
  for (const login of overview.logins) logins[login.registry] = login.username;
  useRemoteRegistriesStore.setState({ overview, logins });
}

/** Wire the store to the host once, at start-up. */
export function connectRemoteRegistriesStore(): void {
  const load = async () => {
    const settings = await api.call('settings.get', {});
    useRemoteRegistriesStore.setState({ saved: settings.registries });
  };
  api.on('settings.changed', (settings) => useRemoteRegistriesStore.setState({ saved: settings.registries }));
  api.on('logins.changed', (overview) => {
    loginEvents += 1;
    setOverview(overview);
  });
  api.onConnection((link) => {
    if (link === 'open') {
      void load().catch(() => undefined);
      void reloadLogins().catch(() => undefined);
    }
  });
  void load().catch(() => undefined);
  void reloadLogins().catch(() => undefined);
  // A helper's store can change with config.json untouched (docker login again as someone else):
  // coming back from the terminal to the window asks again.
  window.addEventListener('focus', () => void reloadLogins().catch(() => undefined));
}
