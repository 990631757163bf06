/**
 * Running upload hashes kept in worker threads. Why not hash on the main thread while streaming:
 * sha256 was the registry's biggest CPU cost (~30% of a monolithic-upload profile), and one
 * JavaScript thread hashing every upload capped throughput at one core while the reference
 * registry (Go) hashes on all of them. So each upload is pinned to a worker that keeps its running
 * Hash (Node's Hash can't be serialised or shared); after each chunk is written, the worker reads
 * the new byte range back from the page cache and updates the hash. Nothing is ever held whole in
 * memory (the worker reads 1 MiB at a time), and a blob is still verified before it is committed.
 * Workers start when an upload begins (`prepare`, at the upload's POST, so a worker's 70–130 ms
 * of start-up overlaps the client's first bytes) and stop once idle with no upload pinned to them
 * (`WORKER_IDLE_MS`): an idle registry holds none (each costs ~9 MB resident). They don't keep the
 * process alive.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';

// Plain CommonJS so it runs with `eval: true` from the single bundled file.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { openSync, readSync, closeSync } = require('node:fs');
const hashes = new Map();
const buffer = Buffer.allocUnsafe(1024 * 1024);
function update(hash, path, start, end) {
  const fd = openSync(path, 'r');
  try {
    for (let position = start; position < end; ) {
      const read = readSync(fd, buffer, 0, Math.min(buffer.length, end - position), position);
      if (read === 0) throw new Error('file is shorter than expected');
      hash.update(read === buffer.length ? buffer : buffer.subarray(0, read));
      position += read;
    }
  } finally {
    closeSync(fd);
  }
}
parentPort.on('message', (m) => {
  try {
    let hex;
    if (m.op === 'reset') hashes.set(m.key, createHash(m.algorithm));
    else if (m.op === 'drop') hashes.delete(m.key);
    else {
      const hash = hashes.get(m.key);
      if (!hash) throw new Error('no running hash for this upload');
      if (m.op === 'update') update(hash, m.path, m.start, m.end);
      else hex = hash.copy().digest('hex');
    }
    parentPort.postMessage({ id: m.id, hex });
  } catch (error) {
    parentPort.postMessage({ id: m.id, error: String((error && error.message) || error) });
  }
});
`;

type Pending = { resolve: (hex: string | undefined) => void; reject: (error: Error) => void };
type Slot = { worker: Worker; pending: Map<number, Pending>; idleTimer?: NodeJS.Timeout };
type Message =
  | { op: 'reset'; algorithm: string }
  | { op: 'update'; path: string; start: number; end: number }
  | { op: 'digest' }
  | { op: 'drop' };

/**
 * A worker with no upload pinned to it and nothing to do is stopped after this long: it holds
 * ~9 MB (its own V8 heap and Node's internals), and an idle registry needs none. A push's layers
 * follow each other within seconds, so one push keeps its workers.
 */
export const WORKER_IDLE_MS = 10_000;

/**
 * One worker per core, 1 to 4. One worker on a 2-core machine held ~9 MB less at the peak of
 * `bench:registry`, but served the 8 concurrent monolithic uploads slower in three A/B runs (their
 * reset/update/digest round trips queue behind each other on one thread): 157 against 282, 91
 * against 104 and 144 against 171 MB/s.
 */
export function defaultWorkerCount(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

/** Options for `HashPool`. */
export interface HashPoolOptions {
  /** Most workers running at once (default `defaultWorkerCount()`). */
  size?: number;
  /** See `WORKER_IDLE_MS`. */
  idleMs?: number;
}

/**
 * A few worker threads, each keeping the running hashes of the uploads pinned to it. Workers start
 * on demand: a new upload goes to a running worker that has no other upload, else to a new worker
 * while there is room, else to the one with the fewest uploads; so one push at a time runs one
 * worker, and concurrent uploads spread over the cores as before.
 */
export class HashPool {
  private readonly slots: Array<Slot | undefined>;
  /** Uploads (keys) pinned to each slot. */
  private readonly keyCounts: number[];
  private readonly assignment = new Map<string, number>();
  private readonly idleMs: number;
  private nextId = 1;

  constructor(options: HashPoolOptions = {}) {
    const size = options.size ?? defaultWorkerCount();
    this.slots = new Array<Slot | undefined>(size).fill(undefined);
    this.keyCounts = new Array<number>(size).fill(0);
    this.idleMs = options.idleMs ?? WORKER_IDLE_MS;
  }

  /** How many workers are running (for tests and diagnostics). */
  get running(): number {
    return this.slots.filter(Boolean).length;
  }

  /**
   * Pins `key` to a worker now, starting it if needed, so its start-up (70–130 ms of CPU) overlaps
   * the client sending its first bytes rather than delaying their hashing.
   */
  prepare(key: string): void {
    const index = this.assignment.get(key) ?? this.assign(key);
    this.slotAt(index);
  }

  /**
   * Starts every worker not yet running, when uploads are about to come but not yet (the fast push
   * asks while Docker prepares its export, a second or more during which a core is idle): their
   * start-up then costs no time the uploads need. Unused, they stop after `idleMs` as any idle one.
   */
  warm(): void {
    for (let index = 0; index < this.slots.length; index++) {
      if (this.slots[index]) continue;
      const slot = this.start(index);
      this.releaseWhenIdle(index, slot);
    }
  }

  /** Starts (or restarts) the running hash of `key`. */
  async reset(key: string, algorithm = 'sha256'): Promise<void> {
    await this.call(key, { op: 'reset', algorithm });
  }

  /** Feeds bytes [start, end) of the file at `path` into the running hash of `key`. */
  async update(key: string, path: string, start: number, end: number): Promise<void> {
    if (end > start) await this.call(key, { op: 'update', path, start, end });
  }

  /** The hex digest of everything fed so far (the running hash continues). */
  async digest(key: string): Promise<string> {
    return (await this.call(key, { op: 'digest' })) ?? '';
  }

  /** Forgets the running hash of `key`. */
  drop(key: string): void {
    const index = this.assignment.get(key);
    if (index === undefined) return;
    void this.call(key, { op: 'drop' }).catch(() => undefined);
    this.assignment.delete(key);
    this.keyCounts[index]! -= 1;
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    const running = this.slots.flatMap((slot) => (slot ? [slot] : []));
    this.slots.fill(undefined);
    for (const slot of running) clearTimeout(slot.idleTimer);
    await Promise.all(running.map((slot) => slot.worker.terminate()));
  }

  /** See the class comment: an idle running worker, else a new one, else the least loaded. */
  private assign(key: string): number {
    let chosen = -1;
    for (let index = 0; index < this.slots.length; index++) {
      if (this.slots[index] && this.keyCounts[index] === 0) {
        chosen = index;
        break;
      }
    }
    if (chosen === -1) chosen = this.slots.findIndex((slot) => slot === undefined);
    if (chosen === -1) {
      chosen = 0;
      this.keyCounts.forEach((count, index) => {
        if (count < this.keyCounts[chosen]!) chosen = index;
      });
    }
    this.assignment.set(key, chosen);
    this.keyCounts[chosen]! += 1;
    return chosen;
  }

  private slotAt(index: number): Slot {
    const slot = this.slots[index] ?? this.start(index);
    clearTimeout(slot.idleTimer);
    slot.idleTimer = undefined;
    return slot;
  }

  private call(key: string, message: Message): Promise<string | undefined> {
    const index = this.assignment.get(key) ?? this.assign(key);
    const slot = this.slotAt(index);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ ...message, id, key });
    });
  }

  /** Stops the worker at `index` once it has been idle for `idleMs` with no upload pinned to it. */
  private releaseWhenIdle(index: number, slot: Slot): void {
    if (slot.pending.size > 0 || this.keyCounts[index]! > 0 || slot.idleTimer) return;
    slot.idleTimer = setTimeout(() => {
      slot.idleTimer = undefined;
      if (this.slots[index] !== slot || slot.pending.size > 0 || this.keyCounts[index]! > 0) return;
      this.slots[index] = undefined;
      void slot.worker.terminate();
    }, this.idleMs);
    slot.idleTimer.unref();
  }

  private start(index: number): Slot {
    // node:worker_threads is loaded here, on first use, not at start-up (see process-entry.ts).
    const { Worker } = process.getBuiltinModule('node:worker_threads');
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.unref();
    const slot: Slot = { worker, pending: new Map() };
    worker.on('message', (reply: { id: number; hex?: string; error?: string }) => {
      const pending = slot.pending.get(reply.id);
      slot.pending.delete(reply.id);
      if (reply.error !== undefined) pending?.reject(new Error(reply.error));
      else pending?.resolve(reply.hex);
      this.releaseWhenIdle(index, slot);
    });
    // A dead worker loses its hashes: callers see an error and rebuild from the file.
    const fail = (error: Error) => {
      clearTimeout(slot.idleTimer);
      if (this.slots[index] === slot) this.slots[index] = undefined;
      for (const pending of slot.pending.values()) pending.reject(error);
      slot.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`hash worker exited (${code})`)));
    this.slots[index] = slot;
    return slot;
  }
}
