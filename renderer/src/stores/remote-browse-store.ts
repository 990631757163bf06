/**
 * What the open registry view shows of another registry (issue 20): its repositories (a page at a
 * time, fetched as the list scrolls), the chosen repository's tags (likewise), and the chosen tag's
 * details; delete. One registry at a time: opening another starts afresh. Every list request carries a
 * requestId, and a newer request of the same kind makes the host drop the older one (remote.cancel), so
 * moving on never leaves a stale answer to land.
 */
import { create } from 'zustand';
import type { AppErrorData } from '../../../electron/api/contract';
import type { RemoteConnection, RemoteRepository, TagDetails } from '../../../electron/api/contract/remote';
import { api, errorData } from '../api/client';

/** How many names a page asks for. */
export const PAGE_SIZE = 100;

export interface PagedList<T> {
  items: T[];
  next: string | undefined;
  loading: boolean;
  /** True once the first page arrived. */
  loaded: boolean;
  error: AppErrorData | undefined;
}

const emptyList = <T>(): PagedList<T> => ({
  items: [],
  next: undefined,
  loading: false,
  loaded: false,
  error: undefined,
});

export type DetailsState =
  { state: 'loading' } | { state: 'loaded'; details: TagDetails } | { state: 'failed'; error: AppErrorData };

/** Where a delete stands: asked to confirm the digest delete, or failed. */
export type DeleteState =
  | { tag: string; state: 'deleting' }
  | { tag: string; state: 'confirm-digest'; digest: string; raw?: string | undefined }
  | { tag: string; state: 'failed'; error: AppErrorData };

interface RemoteBrowseState {
  host: string | undefined;
  /** Docker Hub: the namespace listed; undefined for the login's own. */
  namespace: string | undefined;
  source: 'catalog' | 'hub' | 'none' | undefined;
  listedNamespace: string | undefined;
  total: number | undefined;
  reason: string | undefined;
  connection: RemoteConnection | undefined;
  repositories: PagedList<RemoteRepository>;
  repository: string | undefined;
  tags: PagedList<string>;
  tag: string | undefined;
  details: Record<string, DetailsState>;
  deleting: DeleteState | undefined;
  open: (host: string) => void;
  setNamespace: (namespace: string | undefined) => void;
  loadMoreRepositories: () => Promise<void>;
  reloadRepositories: () => Promise<void>;
  selectRepository: (name: string | undefined) => void;
  loadMoreTags: () => Promise<void>;
  selectTag: (tag: string | undefined) => void;
  loadDetails: (tag: string, force?: boolean) => Promise<void>;
  deleteTag: (tag: string, digest?: string) => Promise<void>;
  cancelDelete: () => void;
}

let sequence = 0;
const requestId = (kind: string) => `${kind}-${(sequence += 1)}`;
/** The request in flight per kind, to cancel when a newer one replaces it. */
const inFlight: Record<string, string | undefined> = {};

function startRequest(kind: string): string {
  const previous = inFlight[kind];
  if (previous) void api.call('remote.cancel', { requestId: previous }).catch(() => undefined);
  const id = requestId(kind);
  inFlight[kind] = id;
  return id;
}

export const useRemoteBrowseStore = create<RemoteBrowseState>((set, get) => ({
  host: undefined,
  namespace: undefined,
  source: undefined,
  listedNamespace: undefined,
  total: undefined,
  reason: undefined,
  connection: undefined,
  repositories: emptyList(),
  repository: undefined,
  tags: emptyList(),
  tag: undefined,
  details: {},
  deleting: undefined,

  open(host) {
    if (get().host === host) return;
    set({
      host,
      namespace: undefined,
      source: undefined,
      listedNamespace: undefined,
      total: undefined,
      reason: undefined,
      connection: undefined,
      repositories: emptyList(),
      repository: undefined,
      tags: emptyList(),
      tag: undefined,
      details: {},
      deleting: undefined,
    });
    void get().loadMoreRepositories();
  },

  setNamespace(namespace) {
    set({ namespace, repositories: emptyList(), repository: undefined, tags: emptyList(), tag: undefined });
    void get().loadMoreRepositories();
  },

  async reloadRepositories() {
    set({ repositories: emptyList() });
    await get().loadMoreRepositories();
  },

  async loadMoreRepositories() {
    const { host, repositories, namespace } = get();
    if (!host || repositories.loading || (repositories.loaded && repositories.next === undefined)) return;
    const id = startRequest('repositories');
    set({ repositories: { ...repositories, loading: true, error: undefined } });
    try {
      const page = await api.call('remote.repositories', {
        host,
        n: PAGE_SIZE,
        requestId: id,
        ...(repositories.next ? { cursor: repositories.next } : {}),
        ...(namespace ? { namespace } : {}),
      });
      if (get().host !== host || get().namespace !== namespace || inFlight.repositories !== id) return;
      const current = get().repositories;
      set({
        source: page.source,
        listedNamespace: page.namespace,
        total: page.total,
        reason: page.reason,
        connection: page.connection ?? get().connection,
        repositories: {
          items: [...current.items, ...page.repositories],
          next: page.next,
          loading: false,
          loaded: true,
          error: undefined,
        },
      });
    } catch (error) {
      if (get().host !== host || inFlight.repositories !== id) return;
      const data = errorData(error);
      if (data.code === 'CANCELLED') return;
      set({ repositories: { ...get().repositories, loading: false, loaded: true, error: data } });
    }
  },

  selectRepository(name) {
    if (get().repository === name) return;
    set({ repository: name, tags: emptyList(), tag: undefined, deleting: undefined });
    if (name) void get().loadMoreTags();
  },

  async loadMoreTags() {
    const { host, repository, tags } = get();
    if (!host || !repository || tags.loading || (tags.loaded && tags.next === undefined)) return;
    const id = startRequest('tags');
    set({ tags: { ...tags, loading: true, error: undefined } });
    try {
      const page = await api.call('remote.tags', {
        host,
        repository,
        n: PAGE_SIZE,
        requestId: id,
        ...(tags.next ? { cursor: tags.next } : {}),
      });
      if (get().host !== host || get().repository !== repository || inFlight.tags !== id) return;
      const current = get().tags;
      set({
        // Registries that page their tags send them sorted; some that don't (distribution 2.8) don't.
        tags: {
          items: [...current.items, ...page.tags].sort(),
          next: page.next,
          loading: false,
          loaded: true,
          error: undefined,
        },
      });
    } catch (error) {
      if (get().repository !== repository || inFlight.tags !== id) return;
      const data = errorData(error);
      if (data.code === 'CANCELLED') return;
      set({ tags: { ...get().tags, loading: false, loaded: true, error: data } });
    }
  },

  selectTag(tag) {
    set({ tag, deleting: undefined });
    if (tag) void get().loadDetails(tag);
  },

  async loadDetails(tag, force = false) {
    const { host, repository } = get();
    if (!host || !repository) return;
    const key = `${repository}:${tag}`;
    const existing = get().details[key];
    if (!force && existing && existing.state !== 'failed') return;
    set({ details: { ...get().details, [key]: { state: 'loading' } } });
    try {
      const details = await api.call('remote.tagDetails', {
        host,
        repository,
        tag,
        requestId: startRequest('details'),
      });
      if (get().host !== host) return;
      set({ details: { ...get().details, [key]: { state: 'loaded', details } } });
    } catch (error) {
      if (get().host !== host) return;
      const data = errorData(error);
      if (data.code === 'CANCELLED') {
        const { [key]: _dropped, ...rest } = get().details;
        set({ details: rest });
        return;
      }
      set({ details: { ...get().details, [key]: { state: 'failed', error: data } } });
    }
  },

  async deleteTag(tag, digest) {
    const { host, repository } = get();
    if (!host || !repository) return;
    set({ deleting: { tag, state: 'deleting' } });
    try {
      const outcome = await api.call('remote.deleteTag', {
        host,
        repository,
        tag,
        ...(digest ? { digest } : {}),
      });
      if (get().host !== host || get().repository !== repository) return;
      if (outcome.deleted === 'none') {
        set({ deleting: { tag, state: 'confirm-digest', digest: outcome.digest, raw: outcome.raw } });
        return;
      }
      // Every tag on the digest went with a digest delete: the list is read again.
      const details = { ...get().details };
      for (const key of Object.keys(details)) if (key.startsWith(`${repository}:`)) delete details[key];
      set({ deleting: undefined, tag: undefined, details, tags: emptyList() });
      await get().loadMoreTags();
    } catch (error) {
      set({ deleting: { tag, state: 'failed', error: errorData(error) } });
    }
  },

  cancelDelete() {
    set({ deleting: undefined });
  },
}));
