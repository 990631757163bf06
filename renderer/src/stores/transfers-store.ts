/**
 * Pushes and pulls as the UI sees them: whole snapshots by transfer id (so a view that remounts shows
 * exactly what it showed), loaded from `transfers.list` at start and kept live by `transfers.progress`
 * events, coalesced to one store update per animation frame however many events arrive.
 */
import { create } from 'zustand';
import type { AppErrorData } from '../../../electron/api/contract';
import {
  isTransferFinished,
  type CopyRequestInput,
  type TransferKind,
  type TransferSnapshot,
} from '../../../electron/api/contract/transfers';
import { api, errorData } from '../api/client';
import { useAppStore } from './app-store';
import { finishedNotices } from '../../../electron/common/transfer-notices';
import {
  applySnapshots,
  emptyTransfers,
  removeTransfer,
  SnapshotBatcher,
  type TransfersData,
} from './transfer-updates';
import type { FixNote } from '../components/insecure-fix';

interface TransfersState extends TransfersData {
  /** Whether the docked panel shows its transfers or only its header. */
  expanded: boolean;
  /** A push or pull that could not even start (bad name, Docker gone). */
  startError:
    { kind: TransferKind; reference: string; error: AppErrorData; copy?: CopyRequestInput } | undefined;
  setExpanded: (expanded: boolean) => void;
  /** Start a push; answers the transfer id, or undefined when it could not start (see startError). */
  push: (reference: string) => Promise<string | undefined>;
  /** Start a pull; answers the transfer id, or undefined when it could not start. */
  pull: (reference: string) => Promise<string | undefined>;
  /** Start a copy between registries (issue 21); answers the transfer id, or undefined. */
  copy: (request: CopyRequestInput) => Promise<string | undefined>;
  /** Answers false when the host could not cancel (a notice says why). */
  cancel: (id: string) => Promise<boolean>;
  dismiss: (id: string) => Promise<void>;
  /** Run the same push or pull again (after a fix), replacing the failed one in the list. */
  retry: (id: string, note?: FixNote) => Promise<string | undefined>;
  /** By transfer id: what a fix changed before this transfer was retried (its card says it). */
  fixNotes: Record<string, FixNote>;
  clearStartError: () => void;
  /** Dismiss every finished transfer. */
  dismissFinished: () => Promise<void>;
}

/**
 * Progress reaches the screen at most this often (5 a second; the overall bar glides in between).
 * New and finished transfers show on the next frame regardless.
 */
const FLUSH_INTERVAL_MS = 200;

/** Ids the user dismissed: late events for them are ignored. */
const forgotten = new Set<string>();
/** What each copy of this window was asked, by transfer id: a retry asks the same again. */
const copyRequests = new Map<string, CopyRequestInput>();

export const useTransfersStore = create<TransfersState>((set, get) => {
  const start = async (kind: TransferKind, reference: string): Promise<string | undefined> => {
    set({ startError: undefined, expanded: true });
    try {
      const { id } = await api.call(kind === 'pull' ? 'transfers.pull' : 'transfers.push', { reference });
      return id;
    } catch (error) {
      set({ startError: { kind, reference, error: errorData(error) } });
      return undefined;
    }
  };
  const startCopy = async (request: CopyRequestInput): Promise<string | undefined> => {
    const reference = `${request.target.host}/${request.target.repository}:${request.target.tag}`;
    set({ startError: undefined, expanded: true });
    try {
      const { id } = await api.call('transfers.copy', request);
      copyRequests.set(id, request);
      return id;
    } catch (error) {
      set({ startError: { kind: 'copy', reference, error: errorData(error), copy: request } });
      return undefined;
    }
  };
  return {
    ...emptyTransfers,
    expanded: true,
    startError: undefined,
    fixNotes: {},
    setExpanded: (expanded) => set({ expanded }),
    push: (reference) => start('push', reference),
    pull: (reference) => start('pull', reference),
    copy: (request) => startCopy(request),
    async cancel(id) {
      try {
        await api.call('transfers.cancel', { id });
        return true;
      } catch (error) {
        useAppStore
          .getState()
          .notify({ level: 'error', title: 'Could not cancel', detail: errorData(error).message });
        return false;
      }
    },
    async dismiss(id) {
      forgotten.add(id);
      set((state) => removeTransfer(state, id));
      try {
        await api.call('transfers.dismiss', { id });
      } catch {
        // Already gone on the host (it keeps a bounded history); nothing to tell the user.
      }
    },
    async retry(id, note) {
      const previous = get().byId[id];
      if (previous === undefined) return undefined;
      const request = copyRequests.get(id);
      if (previous.kind === 'copy' && request === undefined) return undefined;
      const next =
        previous.kind === 'copy' && request
          ? await startCopy(request)
          : await start(previous.kind === 'pull' ? 'pull' : 'push', previous.reference);
      if (next !== undefined && note) set((state) => ({ fixNotes: { ...state.fixNotes, [next]: note } }));
      if (next !== undefined && isTransferFinished(previous.state)) await get().dismiss(id);
      return next;
    },
    clearStartError: () => set({ startError: undefined }),
    async dismissFinished() {
      const state = get();
      await Promise.all(
        state.order
          .filter((id) => isTransferFinished(state.byId[id]?.state ?? 'running'))
          .map((id) => state.dismiss(id)),
      );
    },
  };
});

/**
 * Pull an image by reference and show it in the transfers panel; for other views (the local
 * registry's repository list). Answers the transfer id, or undefined if it could not start.
 */
export function pullImage(reference: string): Promise<string | undefined> {
  return useTransfersStore.getState().pull(reference);
}

/** Push a local image to the registry its name points at. */
export function pushImage(reference: string): Promise<string | undefined> {
  return useTransfersStore.getState().push(reference);
}

function announce(finished: readonly TransferSnapshot[]): void {
  const notify = useAppStore.getState().notify;
  for (const notice of finishedNotices(finished, useTransfersStore.getState().expanded)) notify(notice);
}

function applyBatch(snapshots: Iterable<TransferSnapshot>): void {
  const state = useTransfersStore.getState();
  const { data, finished } = applySnapshots(state, snapshots, { forgotten, live: true });
  if (data !== state) useTransfersStore.setState({ byId: data.byId, order: data.order });
  if (finished.length > 0) announce(finished);
}

/** Wire the store to the host once, at start-up. */
export function connectTransfersStore(
  schedule: (callback: () => void) => void = (callback) => requestAnimationFrame(callback),
): void {
  const batcher = new SnapshotBatcher(schedule, applyBatch, { minIntervalMs: FLUSH_INTERVAL_MS });
  api.on('transfers.progress', (snapshot) => batcher.add(snapshot));
  const load = async () => {
    const list = await api.call('transfers.list', {});
    batcher.flushNow();
    // Finished ones from the list were never seen running here: no notices for them.
    const state = useTransfersStore.getState();
    const { data } = applySnapshots(state, list, { forgotten });
    if (data !== state) useTransfersStore.setState({ byId: data.byId, order: data.order });
  };
  api.onConnection((link) => {
    if (link === 'open') void load().catch(() => undefined);
  });
  void load().catch(() => undefined);
}
