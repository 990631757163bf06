/**
 * The system notifications the Electron shell shows when pushes and pulls end, so the user can look
 * away meanwhile. Transfers that end within a short window of each other are told together, in the
 * words of the renderer's toasts (electron/common/transfer-notices.ts): one success with its digest,
 * "Pushed 10 images" for a batch, "3 pushes failed" for failures that end together, nothing for a
 * cancel (the user's own doing). One notification per transfer stacked a dozen of them in the
 * system's notification centre for one batch of pushes.
 */
import type { Notice } from '../api/contract/app';
import type { TransferSnapshot } from '../api/contract/transfers';
import { finishedNotices, type FinishedTransfer } from '../common/transfer-notices';

/** Transfers that end this close to the first of a batch are told with it. */
export const FINISH_WINDOW_MS = 400;

interface Timers {
  set: (callback: () => void, ms: number) => unknown;
}

/**
 * Feed it every `transfers.progress` snapshot; it calls `show` with the notifications for each batch
 * of transfers that ended (each transfer once, however many final snapshots arrive).
 */
export class FinishNotifier {
  private readonly told = new Set<string>();
  private batch: FinishedTransfer[] = [];

  constructor(
    private readonly show: (notice: Notice) => void,
    private readonly timers: Timers = { set: (callback, ms) => setTimeout(callback, ms) },
  ) {}

  add(snapshot: FinishedTransfer & Pick<TransferSnapshot, 'id'>): void {
    if (snapshot.state === 'queued' || snapshot.state === 'running' || this.told.has(snapshot.id)) return;
    this.told.add(snapshot.id);
    this.batch.push(snapshot);
    if (this.batch.length === 1) this.timers.set(() => this.flush(), FINISH_WINDOW_MS);
  }

  private flush(): void {
    const finished = this.batch;
    this.batch = [];
    // The window may be in the background: failures are told too (the toasts skip them while the
    // transfers panel, which shows each error, is open).
    for (const notice of finishedNotices(finished, false)) this.show(notice);
  }
}
