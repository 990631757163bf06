/**
 * Running upload hashes kept in worker threads. Why not hash on the main thread while streaming:
 * sha256 was the registry's biggest CPU cost (~30% of a monolithic-upload profile), and one
 * JavaScript thread hashing every upload capped throughput at one core while the reference
 * registry (Go) hashes on all of them. So each upload is pinned to a worker that keeps its running
 * Hash (Node's Hash can't be serialised or shared); after each chunk is written, the worker reads
 * the new byte range back from the page cache and updates the hash. Nothing is ever held whole in
 * memory (the worker reads 1 MiB at a time), and a blob is still verified before it is committed.
 * Workers start on first use, so start-up stays fast; they don't keep the process alive. The
 * registry process calls `warm` once it is serving: a worker's start costs 70–130 ms of CPU (Node
 * compiling its internals for the thread), which the first push would otherwise pay while the
 * daemon compresses its layers on the same cores.
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
type Slot = { worker: Worker; pending: Map<number, Pending> };
type Message =
  | { op: 'reset'; algorithm: string }
  | { op: 'update'; path: string; start: number; end: number }
  | { op: 'digest' }
  | { op: 'drop' };

/** A few worker threads, each keeping the running hashes of the uploads pinned to it. */
export class HashPool {
  private readonly slots: Array<Slot | undefined>;
  private readonly assignment = new Map<string, number>();
  private next = 0;
  private nextId = 1;

  constructor(size = Math.max(1, Math.min(4, availableParallelism()))) {
    this.slots = new Array<Slot | undefined>(size).fill(undefined);
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
    if (!this.assignment.has(key)) return;
    void this.call(key, { op: 'drop' }).catch(() => undefined);
    this.assignment.delete(key);
  }

  /** Starts every worker that isn't running yet (they stay idle until an upload needs them). */
  warm(): void {
    this.slots.forEach((slot, index) => slot ?? this.start(index));
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    await Promise.all(this.slots.flatMap((slot) => (slot ? [slot.worker.terminate()] : [])));
  }

  private call(key: string, message: Message): Promise<string | undefined> {
    let index = this.assignment.get(key);
    if (index === undefined) {
      index = this.next;
      this.next = (this.next + 1) % this.slots.length;
      this.assignment.set(key, index);
    }
    const slot = this.slots[index] ?? this.start(index);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ ...message, id, key });
    });
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
    });
    // A dead worker loses its hashes: callers see an error and rebuild from the file.
    const fail = (error: Error) => {
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
