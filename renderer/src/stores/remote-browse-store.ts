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

/** A list with a page just added. */
function loadedPage<T>(items: T[], next: string | undefined): PagedList<T> {
  return { items, next, loading: false, loaded: true, error: undefined };
}

/**
 * One more page of a paged list (repositories or tags), the same way for both: nothing while a page
 * loads or once the last one came; the answer lands only while it is the newest request of its kind
 * and the same list is still shown (`stillShown`); a cancelled request lands nowhere; a failure stays
 * on the list, for its Retry.
 */
async function loadPage<T, Page extends { next?: string | undefined }>(options: {
  kind: 'repositories' | 'tags';
  list: () => PagedList<T>;
  setList: (list: PagedList<T>) => void;
  request: (requestId: string, cursor: string | undefined) => Promise<Page>;
  stillShown: () => boolean;
  land: (page: Page, current: PagedList<T>) => void;
}): Promise<void> {
  const { kind, list, setList } = options;
  const before = list();
  if (before.loading || (before.loaded && before.next === undefined)) return;
  const id = startRequest(kind);
  setList({ ...before, loading: true, error: undefined });
  const current = () => options.stillShown() && inFlight[kind] === id;
  try {
    const page = await options.request(id, before.next);
    if (current()) options.land(page, list());
  } catch (error) {
    const data = errorData(error);
    if (current() && data.code !== 'CANCELLED')
      setList({ ...list(), loading: false, loaded: true, error: data });
  }
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
    const { host, namespace } = get();
    if (!host) return;
    await loadPage({
      kind: 'repositories',
      list: () => get().repositories,
      setList: (repositories) => set({ repositories }),
      request: (requestId, cursor) =>
        api.call('remote.repositories', {
          host,
          n: PAGE_SIZE,
          requestId,
          ...(cursor ? { cursor } : {}),
          ...(namespace ? { namespace } : {}),
        }),
      stillShown: () => get().host === host && get().namespace === namespace,
      land: (page, current) =>
        set({
          source: page.source,
          listedNamespace: page.namespace,
          total: page.total,
          reason: page.reason,
          connection: page.connection ?? get().connection,
          repositories: loadedPage([...current.items, ...page.repositories], page.next),
        }),
    });
  },

  selectRepository(name) {
    if (get().repository === name) return;
    set({ repository: name, tags: emptyList(), tag: undefined, deleting: undefined });
    if (name) void get().loadMoreTags();
  },

  async loadMoreTags() {
    const { host, repository } = get();
    if (!host || !repository) return;
    await loadPage({
      kind: 'tags',
      list: () => get().tags,
      setList: (tags) => set({ tags }),
      request: (requestId, cursor) =>
        api.call('remote.tags', { host, repository, n: PAGE_SIZE, requestId, ...(cursor ? { cursor } : {}) }),
      stillShown: () => get().host === host && get().repository === repository,
      // Registries that page their tags send them sorted; some that don't (distribution 2.8) don't.
      land: (page, current) => set({ tags: loadedPage([...current.items, ...page.tags].sort(), page.next) }),
    });
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
