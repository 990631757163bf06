/**
 * The pure part of the transfers store: how whole-transfer snapshots are merged into what the UI
 * holds, and how bursts of them are coalesced into one update per frame. No DOM, no zustand, no API:
 * the store wires these to `requestAnimationFrame` and the host's events, and unit tests drive them
 * directly.
 */
import {
  isTransferFinished,
  type TransferRow,
  type TransferSnapshot,
} from '../../../electron/api/contract/transfers';

/** What the UI keeps about transfers: snapshots by id, and the ids newest first. */
export interface TransfersData {
  byId: Readonly<Record<string, TransferSnapshot>>;
  /** Newest first (by `startedAt`, then by arrival). */
  order: readonly string[];
}

export const emptyTransfers: TransfersData = { byId: {}, order: [] };

/**
 * Whether `incoming` may replace `current`. Snapshots are whole, so the newest simply wins — except
 * that a finished transfer never goes back to running (a `transfers.list` answer computed before the
 * final event can arrive after it), and between two running snapshots the one that moved fewer
 * bytes is older.
 */
export function supersedes(incoming: TransferSnapshot, current: TransferSnapshot | undefined): boolean {
  if (current === undefined) return true;
  if (isTransferFinished(current.state)) return false;
  if (isTransferFinished(incoming.state)) return true;
  return incoming.bytesDone >= current.bytesDone;
}

/** What one batch changed: the new data, and the transfers that finished while we watched. */
export interface BatchResult {
  data: TransfersData;
  /** Transfers seen running before and finished in this batch (each once): for notices. */
  finished: TransferSnapshot[];
}

export interface ApplyOptions {
  /** Ids dismissed by the user: snapshots for them are ignored. */
  forgotten?: ReadonlySet<string>;
  /**
   * True for live events: a transfer first seen already finished (it ran and ended between two
   * frames) counts as finished. False for `transfers.list`, whose finished transfers are history.
   */
  live?: boolean;
}

/**
 * Merge snapshots (in arrival order) into `data`. Returns the same `data` object when nothing
 * changed, so subscribers don't re-render.
 */
export function applySnapshots(
  data: TransfersData,
  snapshots: Iterable<TransferSnapshot>,
  options: ApplyOptions = {},
): BatchResult {
  const forgotten = options.forgotten ?? new Set<string>();
  let byId: Record<string, TransferSnapshot> | undefined;
  let added: TransferSnapshot[] | undefined;
  const finished: TransferSnapshot[] = [];
  for (const snapshot of snapshots) {
    if (forgotten.has(snapshot.id)) continue;
    const current = (byId ?? data.byId)[snapshot.id];
    if (!supersedes(snapshot, current)) continue;
    byId ??= { ...data.byId };
    byId[snapshot.id] = snapshot;
    if (current === undefined) (added ??= []).push(snapshot);
    if (
      isTransferFinished(snapshot.state) &&
      (current === undefined ? options.live === true : !isTransferFinished(current.state))
    )
      finished.push(snapshot);
  }
  if (byId === undefined) return { data, finished };
  const order =
    added === undefined
      ? data.order
      : sortNewestFirst([...added.map((snapshot) => snapshot.id), ...data.order], byId);
  return { data: { byId, order }, finished };
}

/** Forget one transfer (dismissed). */
export function removeTransfer(data: TransfersData, id: string): TransfersData {
  if (!(id in data.byId)) return data;
  const byId = { ...data.byId };
  delete byId[id];
  return { byId, order: data.order.filter((other) => other !== id) };
}

function sortNewestFirst(ids: string[], byId: Record<string, TransferSnapshot>): string[] {
  const unique = [...new Set(ids)];
  // Stable sort: equal start times keep arrival order (newest arrivals were put first).
  return unique.sort((a, b) => (byId[b]?.startedAt ?? 0) - (byId[a]?.startedAt ?? 0));
}

/** Schedules one callback before the next paint; `requestAnimationFrame` in the window. */
export type FrameScheduler = (callback: () => void) => void;

/** Runs one callback after `ms` milliseconds; `setTimeout` in the window. */
export type Timer = (callback: () => void, ms: number) => void;

export interface BatcherOptions {
  /**
   * Least time between two flushes, in ms (0: every frame). Progress then reaches the screen a few
   * times a second however fast events come; a transfer's first and final snapshots skip the wait.
   */
  minIntervalMs?: number;
  now?: () => number;
  /** How the rest of an interval is waited out: one timer, not a frame callback every frame. */
  wait?: Timer;
}

/**
 * Coalesces progress snapshots: any number arriving between two flushes become one `flush` with the
 * latest snapshot per transfer (in first-arrival order), on a frame, at most once per
 * `minIntervalMs`. A transfer's final snapshot is never dropped (it is always its latest), and a new
 * transfer or a finished one is flushed on the next frame without waiting.
 */
export class SnapshotBatcher {
  private pending = new Map<string, TransferSnapshot>();
  /** A frame callback is booked. */
  private frameBooked = false;
  /** A timer is running out the rest of the interval (then it books a frame). */
  private waiting = false;
  private urgent = false;
  private lastFlush = Number.NEGATIVE_INFINITY;
  private readonly seen = new Set<string>();
  private readonly minIntervalMs: number;
  private readonly now: () => number;
  private readonly wait: Timer;

  constructor(
    private readonly schedule: FrameScheduler,
    private readonly flush: (snapshots: TransferSnapshot[]) => void,
    options: BatcherOptions = {},
  ) {
    this.minIntervalMs = options.minIntervalMs ?? 0;
    this.now = options.now ?? (() => performance.now());
    this.wait = options.wait ?? ((callback, ms) => void setTimeout(callback, ms));
  }

  /** Queue one snapshot; the flush comes at the next frame that is due. */
  add(snapshot: TransferSnapshot): void {
    const queued = this.pending.get(snapshot.id);
    // Keep a finished snapshot even if an older running one arrives after it.
    if (queued !== undefined && !supersedes(snapshot, queued)) return;
    this.pending.set(snapshot.id, snapshot);
    if (!this.seen.has(snapshot.id)) {
      this.seen.add(snapshot.id);
      this.urgent = true;
    } else if (isTransferFinished(snapshot.state)) {
      this.urgent = true;
    }
    if (this.frameBooked) return;
    if (this.urgent) this.bookFrame();
    else if (!this.waiting) this.waitForInterval();
  }

  /** Apply what is queued now (e.g. before a list answer is merged). */
  flushNow(): void {
    if (this.pending.size > 0) this.run();
  }

  /** Snapshots waiting for the next flush. */
  get size(): number {
    return this.pending.size;
  }

  private bookFrame(): void {
    this.frameBooked = true;
    this.schedule(() => this.tick());
  }

  /** Book a frame once the interval since the last flush is over (at once if it is). */
  private waitForInterval(): void {
    const left = this.lastFlush + this.minIntervalMs - this.now();
    if (left <= 0) {
      this.bookFrame();
      return;
    }
    this.waiting = true;
    this.wait(() => {
      this.waiting = false;
      if (this.pending.size > 0 && !this.frameBooked) this.waitForInterval();
    }, left);
  }

  private tick(): void {
    this.frameBooked = false;
    if (this.pending.size === 0) return;
    if (!this.urgent && this.now() - this.lastFlush < this.minIntervalMs) {
      if (!this.waiting) this.waitForInterval();
      return;
    }
    this.run();
  }

  private run(): void {
    this.urgent = false;
    this.lastFlush = this.now();
    const batch = [...this.pending.values()];
    this.pending = new Map();
    this.flush(batch);
  }
}

/** Formatters the panel and tests share. */
export function percent(fraction: number): number {
  if (!Number.isFinite(fraction)) return 0;
  return Math.max(0, Math.min(100, Math.round(fraction * 100)));
}

/**
 * A big image's compact list: the next `limit` unfinished layers, and the status counts ("38 Pushed ·
 * 5 Pushing · 7 Waiting", in order of first appearance). With `fill` (the transfer still runs), fewer
 * than `limit` unfinished layers are topped up with the last finished ones, in their places, so the
 * list keeps its height and the user sees the last layers turn "Pushed" rather than vanish. A card
 * renders this a few times a second per transfer: one pass (two while topping up), no Map or spread.
 */
export function compactRows(
  rows: TransferRow[],
  limit: number,
  fill = false,
): { shown: TransferRow[]; counts: string } {
  let shown: TransferRow[] = [];
  const statuses: string[] = [];
  const counts: number[] = [];
  let finished = 0;
  for (const row of rows) {
    if (row.done) finished += 1;
    else if (shown.length < limit) shown.push(row);
    const index = statuses.indexOf(row.status);
    if (index === -1) {
      statuses.push(row.status);
      counts.push(1);
    } else {
      counts[index] = counts[index]! + 1;
    }
  }
  if (fill && shown.length < limit && finished > 0) {
    // Every unfinished row is shown; add the last `limit - shown.length` finished ones.
    let skip = finished - Math.min(finished, limit - shown.length);
    const topped: TransferRow[] = [];
    for (const row of rows) {
      if (!row.done) topped.push(row);
      else if (skip > 0) skip -= 1;
      else topped.push(row);
    }
    shown = topped;
  }
  let text = '';
  for (let index = 0; index < statuses.length; index += 1)
    text += `${index === 0 ? '' : ' · '}${counts[index]} ${statuses[index]}`;
  return { shown, counts: text };
}

/** How many transfers are running (or queued), ended well (succeeded or cancelled) and failed. */
export interface TransferCounts {
  running: number;
  done: number;
  failed: number;
}

/** The counts in one pass over `data` (the panel header reads them on every update). */
export function countTransfers(data: TransfersData): TransferCounts {
  const counts = { running: 0, done: 0, failed: 0 };
  for (const id of data.order) {
    const state = data.byId[id]?.state;
    if (state === 'failed') counts.failed += 1;
    else if (state === undefined || isTransferFinished(state)) counts.done += 1;
    else counts.running += 1;
  }
  return counts;
}

/** The panel header's count: "2 running · 3 done · 1 failed" (what is 0 is left out). */
export function countWords({ running, done, failed }: TransferCounts): string {
  const words: string[] = [];
  if (running > 0) words.push(`${running} running`);
  if (done > 0) words.push(`${done} done`);
  if (failed > 0) words.push(`${failed} failed`);
  return words.join(' · ');
}
