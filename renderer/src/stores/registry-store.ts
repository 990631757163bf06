/**
 * The local registry as the UI sees it: status (live from `registry.status` / `registry.stats`), its
 * repositories and tags, and the activity feed. Kept by the store, not the view, so leaving and
 * coming back to the view shows the same state.
 */
import { create } from 'zustand';
import type { AppErrorData } from '../../../electron/api/contract';
import type {
  GarbageCollectionResult,
  RegistryActivity,
  RegistryStatus,
  RepositorySummary,
} from '../../../electron/api/contract/registry';
import { api, errorData } from '../api/client';
import { useAppStore } from './app-store';

interface RegistryStoreState {
  status: RegistryStatus | undefined;
  repositories: RepositorySummary[];
  activity: RegistryActivity[];
  /** The last error of an action the user took (start, delete, clean up). */
  actionError: AppErrorData | undefined;
  busy: 'start' | 'stop' | 'gc' | undefined;
  gcPreview: GarbageCollectionResult | undefined;
  lastGc: GarbageCollectionResult | undefined;
  start: (port?: number) => Promise<void>;
  stop: () => Promise<void>;
  loadRepositories: () => Promise<void>;
  deleteTag: (repository: string, tag: string) => Promise<void>;
  /** Delete a repository with no tags left (its layers go at the next clean-up). */
  deleteRepository: (repository: string) => Promise<void>;
  previewGc: () => Promise<void>;
  runGc: () => Promise<void>;
  cancelGc: () => void;
  clearError: () => void;
}

const ACTIVITY_KEPT = 200;

/** Counts repository loads: see loadRepositories. */
let latestRepositoriesLoad = 0;

export const useRegistryStore = create<RegistryStoreState>((set, get) => ({
  status: undefined,
  repositories: [],
  activity: [],
  actionError: undefined,
  busy: undefined,
  gcPreview: undefined,
  lastGc: undefined,
  async start(port) {
    set({ busy: 'start', actionError: undefined });
    try {
      const status = await api.call('registry.start', port === undefined ? {} : { port });
      set({ status });
      await get().loadRepositories();
    } catch (error) {
      set({ actionError: errorData(error) });
    } finally {
      set({ busy: undefined });
    }
  },
  async stop() {
    set({ busy: 'stop', actionError: undefined });
    try {
      set({ status: await api.call('registry.stop', {}) });
    } catch (error) {
      set({ actionError: errorData(error) });
    } finally {
      set({ busy: undefined });
    }
  },
  async loadRepositories() {
    if (get().status?.state !== 'running') return;
    // Only the newest load's answer is kept (a slower older one would bring back a deleted tag).
    const mine = ++latestRepositoriesLoad;
    try {
      const repositories = await api.call('registry.repositories', {});
      if (mine === latestRepositoriesLoad) set({ repositories });
    } catch (error) {
      if (mine === latestRepositoriesLoad) set({ actionError: errorData(error) });
    }
  },
  async deleteTag(repository, tag) {
    try {
      await api.call('registry.deleteTag', { repository, tag });
      await get().loadRepositories();
    } catch (error) {
      set({ actionError: errorData(error) });
    }
  },
  async deleteRepository(repository) {
    try {
      await api.call('registry.deleteRepository', { repository });
      await get().loadRepositories();
    } catch (error) {
      set({ actionError: errorData(error) });
    }
  },
  async previewGc() {
    set({ busy: 'gc', actionError: undefined, lastGc: undefined });
    try {
      set({ gcPreview: await api.call('registry.gc', { dryRun: true }) });
    } catch (error) {
      set({ actionError: errorData(error) });
    } finally {
      set({ busy: undefined });
    }
  },
  async runGc() {
    set({ busy: 'gc', actionError: undefined });
    try {
      set({ lastGc: await api.call('registry.gc', { dryRun: false }), gcPreview: undefined });
    } catch (error) {
      set({ actionError: errorData(error) });
    } finally {
      set({ busy: undefined });
    }
  },
  cancelGc: () => set({ gcPreview: undefined }),
  clearError: () => set({ actionError: undefined }),
}));

export function connectRegistryStore(): void {
  let reloadTimer: ReturnType<typeof setTimeout> | undefined;
  const reloadSoon = () => {
    clearTimeout(reloadTimer);
    reloadTimer = setTimeout(() => void useRegistryStore.getState().loadRepositories(), 200);
  };
  api.on('registry.status', (status) => {
    useRegistryStore.setState({ status });
    if (status.state === 'running') reloadSoon();
  });
  api.on('registry.stats', (stats) => {
    const current = useRegistryStore.getState().status;
    if (current) useRegistryStore.setState({ status: { ...current, stats } });
    reloadSoon();
  });
  api.on('registry.activity', (entry) => {
    useRegistryStore.setState((state) => ({ activity: [...state.activity, entry].slice(-ACTIVITY_KEPT) }));
    // The registry survived it, but pushes to it fail until it is fixed: say so wherever the user is.
    if (entry.kind === 'failure') {
      useAppStore.getState().notify({
        level: 'error',
        title: `Local registry: ${entry.detail ?? 'its storage failed'}`,
        detail: `Pushes to it fail until this is fixed; what it stores is still served. Storage folder: ${
          useRegistryStore.getState().status?.dataDir ?? 'see the Local registry view'
        }`,
      });
    }
  });
  const load = async () => {
    const [status, activity] = await Promise.all([
      api.call('registry.status', {}),
      api.call('registry.activity', {}),
    ]);
    useRegistryStore.setState({ status, activity });
    await useRegistryStore.getState().loadRepositories();
  };
  api.onConnection((state) => {
    if (state === 'open') void load().catch(() => undefined);
  });
  void load().catch(() => undefined);
}
