/**
 * Gzip on every core: the input is cut into chunks, each compressed on its own as a complete gzip
 * member by zlib's asynchronous API (which runs on libuv's thread pool, off the main thread), and the
 * members are written out in input order. Concatenated gzip members are one valid gzip stream (RFC
 * 1952 §2.2): Go's gzip reader (dockerd, containerd, skopeo, podman) and `gunzip` read them all.
 * The ratio is a little worse than one stream's (each member starts with an empty dictionary), the
 * speed scales with the cores. Memory: at most `concurrency` chunks in and out at once.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { availableParallelism } from 'node:os';
import { gzip } from 'node:zlib';
import { promisify } from 'node:util';

const gzipAsync = promisify(gzip);

export interface ParallelGzipOptions {
  /** Bytes of input per member (default 1 MiB). */
  chunkSize?: number;
  /** zlib level (default 1: fastest). */
  level?: number;
  /** Members compressed at once (default: the machine's cores). */
  concurrency?: number;
}

/** A Transform that gzips its input as independent members compressed in parallel; see the file comment. */
export function createParallelGzip(options: ParallelGzipOptions = {}): Transform {
  const chunkSize = options.chunkSize ?? 1024 * 1024;
  const level = options.level ?? 1;
  const concurrency = Math.max(1, options.concurrency ?? availableParallelism());
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let sawInput = false;
  const inFlight: Promise<Buffer>[] = [];

  const startChunk = (chunk: Buffer) => {
    const compressed = gzipAsync(chunk, { level });
    // Handled when it is awaited in order; this only stops an early failure from being "unhandled".
    compressed.catch(() => undefined);
    inFlight.push(compressed);
  };

  const takeChunk = (): Buffer => {
    const all = pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending);
    const chunk = all.subarray(0, chunkSize);
    const rest = all.subarray(chunkSize);
    pending = rest.length > 0 ? [rest] : [];
    pendingBytes = rest.length;
    return chunk;
  };

  return new Transform({
    transform(this: Transform, data: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      sawInput = true;
      pending.push(data);
      pendingBytes += data.length;
      void (async () => {
        while (pendingBytes >= chunkSize) {
          startChunk(takeChunk());
          // Keep every core busy, and no more: wait for the oldest member before starting another.
          while (inFlight.length >= concurrency) this.push(await (inFlight.shift() as Promise<Buffer>));
        }
      })().then(() => callback(), callback);
    },
    flush(this: Transform, callback: TransformCallback) {
      void (async () => {
        if (pendingBytes > 0 || !sawInput) startChunk(pendingBytes > 0 ? takeChunk() : Buffer.alloc(0));
        while (inFlight.length > 0) this.push(await (inFlight.shift() as Promise<Buffer>));
      })().then(() => callback(), callback);
    },
  });
}
