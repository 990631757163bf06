/**
 * The progress model of one push or pull: feed it the daemon's JSON stream messages, read back
 * per-layer rows (the contract's TransferRow) in the daemon's own words and one overall fraction
 * weighted by bytes. Host code, beside the transfer service that feeds it, and cheap: `apply` is
 * O(1); the aggregates are computed only when `progress()` is asked for, a few times a second.
 *
 * Numbers come from `progressDetail` only. The preformatted `progress` string ("[==>  ] 1.2MB/5MB")
 * is never parsed: Docker 29 stopped sending it. Under the containerd image store "Extracting"
 * reports elapsed seconds (`progressDetail: {current, units: "s"}`, moby daemon/containerd/progress.go)
 * instead of bytes, so such rows get unit 'seconds' and never enter the byte totals.
 */

import type { ProgressUnit, TransferKind, TransferRow } from '../api/contract/transfers';

/** One message of the daemon's push/pull stream (the fields we use; others are ignored). */
export interface DaemonMessage {
  status?: string;
  id?: string;
  progressDetail?: { current?: number; total?: number; units?: string };
  /** Preformatted bar; deliberately unused (absent from Docker 29 on). */
  progress?: string;
  error?: string;
  errorDetail?: { code?: number; message?: string };
  aux?: { Digest?: string; Tag?: string; Size?: number };
}

/** Everything the UI needs about the transfer's progress at one moment. */
export interface ProgressSummary {
  rows: TransferRow[];
  /** 0…1, weighted by bytes. */
  overall: number;
  /** Bytes moved over the network so far (pushed, or downloaded). */
  bytesDone: number;
  /** Sum of the sizes known so far. */
  bytesTotal: number;
  /** True while a layer still to move has no size yet: the total may still grow. */
  sizesPending: boolean;
  /** Bytes per second over the sliding window. */
  speed: number;
  etaSeconds: number | null;
  digest?: string;
  messages: string[];
}

/** Statuses after which a layer needs no more work. */
const FINISHED = new Set([
  'Pushed',
  'Layer already exists',
  'Already exists',
  'Pull complete',
  'Written',
  // A copy between registries (issue 21).
  'Copied',
]);
/** Pull: the bytes are all here; only extraction is left. */
const DOWNLOADED = new Set(['Download complete', 'Verifying Checksum']);
/** Share of a pulled layer's weight given to downloading; the rest is extraction. */
const DOWNLOAD_SHARE = 0.5;
const MAX_MESSAGES = 200;
const DIGEST_IN_STATUS = /(?:^|\s)digest: (sha256:[a-f0-9]{64})/i;

interface Row {
  id: string;
  status: string;
  done: boolean;
  /** Network bytes: pushed, or downloaded. */
  transferred: number;
  /** Size of the layer in network bytes; 0 while unknown. */
  size: number;
  /** Extraction (pull only), in `extractUnit`. */
  extracted: number;
  extractTotal: number;
  extractUnit: ProgressUnit;
  /** Which counters the row shows now. */
  shows: 'transfer' | 'extract' | 'none';
}

interface Sample {
  at: number;
  bytes: number;
}

export interface ProgressModelOptions {
  /** Width of the speed window in ms (default 5 s). */
  speedWindowMs?: number;
}

/** Aggregates one transfer's stream. Call `apply` for each message, `progress` when drawing. */
export class ProgressModel {
  private readonly rows = new Map<string, Row>();
  private readonly messages: string[] = [];
  private readonly samples: Sample[] = [];
  private readonly speedWindowMs: number;
  private transferredTotal = 0;
  private digestValue: string | undefined;
  private errorValue: string | undefined;
  /** The daemon said the transfer is over (digest or "Status:" line), or the caller said so. */
  private finished = false;
  /** The overall fraction last reported; the bar never moves backwards. */
  private reported = 0;
  /** Layers announced before their rows exist (the fast local push knows the count up front). */
  private expectedRows = 0;

  constructor(
    readonly direction: TransferKind,
    options: ProgressModelOptions = {},
  ) {
    this.speedWindowMs = options.speedWindowMs ?? 5000;
  }

  /** The manifest digest, once the daemon has said it. */
  get digest(): string | undefined {
    return this.digestValue;
  }

  /** True once the daemon said the transfer is over (the digest line of a push, "Status:" of a pull). */
  get daemonSaidDone(): boolean {
    return this.finished;
  }

  /** The daemon's error message, if the stream carried one. */
  get error(): string | undefined {
    return this.errorValue;
  }

  /** Apply one stream message received at `now` (epoch ms). */
  apply(message: DaemonMessage, now: number = Date.now()): void {
    if (message.errorDetail || message.error) {
      this.errorValue = message.errorDetail?.message ?? message.error ?? 'unknown error';
      return;
    }
    if (message.aux?.Digest) this.digestValue = message.aux.Digest;
    const status = message.status;
    if (!status) return;
    const id = message.id;
    // "Pulling from team/app" carries the tag as its id; it is a heading, not a layer.
    if (!id || status.startsWith('Pulling from ')) {
      this.addMessage(status);
      return;
    }
    this.updateRow(this.row(id), status, message.progressDetail, now);
  }

  /**
   * Say how many layers there will be before their rows arrive, so the overall bar and the time left
   * count the ones not seen yet (as layers of unknown size) instead of reaching the end early.
   */
  expectRows(count: number): void {
    this.expectedRows = count;
  }

  /** The stream ended without error: the transfer is complete whatever the rows say. */
  complete(): void {
    this.finished = true;
  }

  /**
   * Mark every unfinished row with a final word ("Cancelled", "Docker stopped", "Failed"); its
   * counters stay where they stopped, so the row still shows how far that layer got.
   */
  markUnfinished(status: string): void {
    for (const row of this.rows.values()) if (!row.done) row.status = status;
  }

  /** The current rows and aggregates. O(rows). */
  progress(now: number = Date.now()): ProgressSummary {
    let knownSizeSum = 0;
    let knownSizeCount = 0;
    let unfinishedUnknown = 0;
    for (const row of this.rows.values()) {
      if (row.size > 0) {
        knownSizeSum += row.size;
        knownSizeCount += 1;
      } else if (!row.done) {
        unfinishedUnknown += 1;
      }
    }
    // A layer whose size we don't know yet weighs as much as an average known one (or 1 if none is known).
    const fallbackWeight = knownSizeCount > 0 ? knownSizeSum / knownSizeCount : 1;
    const unseen = Math.max(0, this.expectedRows - this.rows.size);
    unfinishedUnknown += unseen;
    let weightSum = unseen * fallbackWeight;
    let doneWeight = 0;
    let bytesDone = 0;
    const rows: TransferRow[] = [];
    for (const row of this.rows.values()) {
      // A layer finished without a size (already there, mounted) moved no bytes: it adds nothing to
      // the fraction either, so the percentage agrees with the bytes shown beside it.
      const weight = row.size > 0 ? row.size : row.done ? 0 : fallbackWeight;
      weightSum += weight;
      doneWeight += weight * this.fractionOf(row);
      bytesDone +=
        row.done && row.size > 0 ? row.size : Math.min(row.transferred, row.size || row.transferred);
      rows.push(toTransferRow(row));
    }
    const overall = this.overall(weightSum > 0 ? doneWeight / weightSum : 0, knownSizeCount > 0);
    const speed = this.speed(now);
    const remaining = Math.max(0, knownSizeSum - bytesDone);
    let etaSeconds: number | null = null;
    if (overall === 1) etaSeconds = 0;
    // Only when every layer still to move has a known size: otherwise the estimate would be too low.
    else if (speed > 0 && unfinishedUnknown === 0) etaSeconds = remaining / speed;
    const summary: ProgressSummary = {
      rows,
      overall,
      bytesDone,
      bytesTotal: knownSizeSum,
      sizesPending: unfinishedUnknown > 0 && knownSizeCount > 0,
      speed,
      etaSeconds,
      messages: [...this.messages],
    };
    if (this.digestValue) summary.digest = this.digestValue;
    return summary;
  }

  /**
   * Sizes arrive one layer at a time, so the weighted fraction can dip when a big layer's size becomes
   * known; the bar holds still instead of going back. Before any size is known there is nothing to
   * weigh (and layers may still be announced), so it stays at 0; it reaches 1 only when the daemon says done.
   */
  private overall(weighted: number, anySizeKnown: boolean): number {
    if (this.finished) return (this.reported = 1);
    if (!anySizeKnown) return this.reported;
    this.reported = Math.max(this.reported, weighted >= 1 ? 1 : Math.min(0.999, weighted));
    return this.reported;
  }

  private row(id: string): Row {
    let row = this.rows.get(id);
    if (!row) {
      row = {
        id,
        status: '',
        done: false,
        transferred: 0,
        size: 0,
        extracted: 0,
        extractTotal: 0,
        extractUnit: 'none',
        shows: 'none',
      };
      this.rows.set(id, row);
    }
    return row;
  }

  private updateRow(row: Row, status: string, detail: DaemonMessage['progressDetail'], now: number): void {
    row.status = status;
    const current = detail?.current;
    const total = detail?.total;
    if (FINISHED.has(status) || status.startsWith('Mounted from ')) {
      row.done = true;
      row.shows = 'none';
      this.setTransferred(row, row.size > 0 ? row.size : row.transferred, now);
      return;
    }
    if (status === 'Extracting') {
      this.setTransferred(row, row.size > 0 ? row.size : row.transferred, now);
      row.shows = 'extract';
      if (typeof current !== 'number') return;
      if (detail?.units === 's' || !(typeof total === 'number' && total > 0)) {
        row.extractUnit = 'seconds';
        row.extracted = current;
        row.extractTotal = 0;
      } else {
        row.extractUnit = 'bytes';
        row.extractTotal = total;
        row.extracted = Math.min(current, total);
      }
      return;
    }
    if (DOWNLOADED.has(status)) {
      row.shows = 'none';
      this.setTransferred(row, row.size > 0 ? row.size : row.transferred, now);
      return;
    }
    if (typeof current === 'number' && detail?.units !== 's') {
      // Pushing / Downloading / "Pulling layer fs": network bytes.
      if (typeof total === 'number' && total > 0) row.size = total;
      row.shows = 'transfer';
      this.setTransferred(row, row.size > 0 ? Math.min(current, row.size) : current, now);
      return;
    }
    // Preparing, Waiting, Pulling fs layer, Retrying in…, Unavailable: a state without numbers.
    row.shows = 'none';
  }

  private setTransferred(row: Row, value: number, now: number): void {
    const delta = value - row.transferred;
    if (delta === 0) return;
    row.transferred = value;
    this.transferredTotal += delta;
    this.sample(now);
  }

  /** Keep at most one sample per 100 ms, and only those inside the window (plus one before it). */
  private sample(now: number): void {
    const last = this.samples[this.samples.length - 1];
    if (last && now - last.at < 100) {
      last.bytes = this.transferredTotal;
    } else {
      this.samples.push({ at: now, bytes: this.transferredTotal });
    }
    while (this.samples.length > 2 && (this.samples[1]?.at ?? now) < now - this.speedWindowMs)
      this.samples.shift();
  }

  private speed(now: number): number {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || !last || first === last) return 0;
    // Measure up to now, so a stalled transfer's speed falls to zero instead of freezing.
    const start = Math.max(first.at, now - this.speedWindowMs);
    const elapsed = (Math.max(now, last.at) - start) / 1000;
    if (elapsed <= 0) return 0;
    const bytesAtStart = first.at >= start ? first.bytes : interpolate(this.samples, start);
    return Math.max(0, (last.bytes - bytesAtStart) / elapsed);
  }

  private fractionOf(row: Row): number {
    if (row.done) return 1;
    const transferFraction = row.size > 0 ? Math.min(1, row.transferred / row.size) : 0;
    // Only a pull extracts: a push's and a copy's bytes are all the work.
    if (this.direction !== 'pull') return transferFraction;
    const downloaded = DOWNLOADED.has(row.status) || row.shows === 'extract' ? 1 : transferFraction;
    const extractFraction =
      row.extractUnit === 'bytes' && row.extractTotal > 0 ? row.extracted / row.extractTotal : 0;
    return DOWNLOAD_SHARE * downloaded + (1 - DOWNLOAD_SHARE) * extractFraction;
  }

  private addMessage(status: string): void {
    const digest = DIGEST_IN_STATUS.exec(status)?.[1] ?? /^Digest: (sha256:[a-f0-9]{64})$/.exec(status)?.[1];
    if (digest) this.digestValue = digest;
    if (digest || status.startsWith('Status: ')) this.finished = true;
    this.messages.push(status);
    if (this.messages.length > MAX_MESSAGES) this.messages.splice(0, this.messages.length - MAX_MESSAGES);
  }
}

function toTransferRow(row: Row): TransferRow {
  if (row.shows === 'transfer') {
    return {
      id: row.id,
      status: row.status,
      current: row.transferred,
      total: row.size,
      unit: 'bytes',
      done: row.done,
    };
  }
  if (row.shows === 'extract') {
    return {
      id: row.id,
      status: row.status,
      current: row.extracted,
      total: row.extractTotal,
      unit: row.extractUnit,
      done: row.done,
    };
  }
  return { id: row.id, status: row.status, current: 0, total: row.size, unit: 'none', done: row.done };
}

function interpolate(samples: Sample[], at: number): number {
  for (let index = 1; index < samples.length; index += 1) {
    const after = samples[index];
    const before = samples[index - 1];
    if (after && before && after.at >= at) {
      const span = after.at - before.at;
      return span > 0 ? before.bytes + ((after.bytes - before.bytes) * (at - before.at)) / span : after.bytes;
    }
  }
  return samples[samples.length - 1]?.bytes ?? 0;
}
