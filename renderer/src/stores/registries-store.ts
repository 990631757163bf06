/**
 * The registries the user works with, for the sidebar and the Tag dialog's picker: the local registry
 * (from the registry store), Docker Hub, and the others saved in the settings; plus who is logged in
 * where during this session (logins are checked through the daemon and kept by the host, never here).
 */
import { create } from 'zustand';
import type { Settings } from '../../../electron/api/contract/app';
import { DOCKER_HUB_DOMAIN, normalizeRegistryHost } from '../../../electron/common/reference';
import { api, errorData } from '../api/client';
import type { AppErrorData } from '../../../electron/api/contract';

export type SavedRegistry = Settings['registries'][number];

interface RegistriesState {
  saved: SavedRegistry[];
  /** Registry host → the user name that logged in this session. */
  logins: Record<string, string>;
  /** Check a login through the daemon and keep it (in the host) for pushes and pulls. */
  login: (registry: string, username: string, password: string) => Promise<AppErrorData | undefined>;
  /** Save another registry in the settings, so it shows in the sidebar and the picker. */
  add: (host: string, name?: string) => Promise<AppErrorData | undefined>;
  remove: (host: string) => Promise<AppErrorData | undefined>;
}

export const useRegistriesStore = create<RegistriesState>((set, get) => ({
  saved: [],
  logins: {},
  async login(registry, username, password) {
    try {
      const result = await api.call('transfers.login', { registry, username, password });
      set((state) => ({ logins: { ...state.logins, [normalizeRegistryHost(result.registry)]: username } }));
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

/** The user name logged in to `host` this session, if any. */
export function loggedInUser(logins: Record<string, string>, host: string): string | undefined {
  return logins[normalizeRegistryHost(host)];
}

/** Wire the store to the host once, at start-up. */
export function connectRegistriesStore(): void {
  const load = async () => {
    const settings = await api.call('settings.get', {});
    useRegistriesStore.setState({ saved: settings.registries });
  };
  api.on('settings.changed', (settings) => useRegistriesStore.setState({ saved: settings.registries }));
  api.onConnection((link) => {
    if (link === 'open') void load().catch(() => undefined);
  });
  void load().catch(() => undefined);
}
