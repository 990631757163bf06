/**
 * Sends a byte range of an open file as an HTTP response body through reused 1 MiB buffers.
 *
 * Why not `createReadStream` piped to the response: each of its reads allocates a fresh buffer
 * outside the V8 heap, and V8 only collects them once such memory has grown by tens of megabytes,
 * so serving blobs at ~1 GB/s grew the registry process by up to 40 MB between collections (peak RSS
 * 161 MB in a slow round of `npm run bench:registry`). Here a response holds two buffers: one is
 * filled from the file while the other is being written, and a buffer is filled again only once the
 * socket has taken its bytes. Buffers go back to a small shared pool when the response is done, and
 * the pool is emptied once no download has used it for `POOL_IDLE_MS`.
 *
 * Why this shape (issue #25, each measured A/B in one run against the reference, the client hashing
 * every byte with SHA-256 as docker does): 1 MiB reads cost the least server CPU per GiB served,
 * 0.27–0.29 s/GiB — 256 KiB reads 0.42 and 512 KiB 0.29 (more reads and writes per byte), 2 MiB
 * 0.27–0.30 and no faster; a fresh buffer per read with 'drain' backpressure 0.35–0.48 (allocation,
 * and pages faulted in for every buffer); `createReadStream(...).pipe(res)` 0.40; reading
 * synchronously on the main thread 0.27 but 10–20 % slower to serve (the loop waits on each read).
 * Node has no sendfile, so two copies per byte remain (page cache → buffer, buffer → socket: a
 * third of the server's CPU in a `perf` profile of the download phase); the reference, with
 * sendfile, measured 0.34–0.44 s/GiB in the same runs.
 */
import type { FileHandle } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';

const BUFFER_BYTES = 1024 * 1024;
/** Buffers kept for the next responses (two per response that streams at the same time). */
const POOL_LIMIT = 8;
/** The pool is dropped after this long without a download: an idle registry holds no buffers. */
export const POOL_IDLE_MS = 10_000;
/** Up to this many bytes are read and sent in one piece, with no pooled buffer. */
const SMALL_BYTES = 64 * 1024;

const pool: Buffer[] = [];
let poolTimer: NodeJS.Timeout | undefined;

function takeBuffer(): Buffer {
  return pool.pop() ?? Buffer.allocUnsafeSlow(BUFFER_BYTES);
}

function giveBack(buffer: Buffer): void {
  if (pool.length < POOL_LIMIT) pool.push(buffer);
  if (poolTimer) poolTimer.refresh();
  else {
    poolTimer = setTimeout(() => {
      pool.length = 0;
      poolTimer = undefined;
    }, POOL_IDLE_MS);
    poolTimer.unref();
  }
}

/** Resolves once the response has taken `chunk` (its bytes are in the socket); rejects on abort. */
function write(res: ServerResponse, chunk: Buffer, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    res.write(chunk, (error) => {
      signal.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve();
    });
  });
}

/** Reads exactly `length` bytes at `position` into `buffer`, or throws if the file is shorter. */
async function readFully(
  handle: FileHandle,
  buffer: Buffer,
  length: number,
  position: number,
): Promise<void> {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buffer, done, length - done, position + done);
    if (bytesRead === 0) throw new Error('the blob file is shorter than its recorded size');
    done += bytesRead;
  }
}

/**
 * Writes bytes `start`…`end` (inclusive) of `handle` to `res` and ends it; the caller has sent the
 * headers and closes the handle. Rejects if the file can't be read (the response is then cut
 * short: too late for a status) or if `signal` aborts (the client left).
 */
export async function sendFileRange(
  handle: FileHandle,
  res: ServerResponse,
  start: number,
  end: number,
  signal: AbortSignal,
): Promise<void> {
  const total = end - start + 1;
  if (total <= SMALL_BYTES) {
    const bytes = Buffer.allocUnsafe(total);
    await readFully(handle, bytes, total, start);
    await write(res, bytes, signal);
    res.end();
    return;
  }
  // A range that fits one buffer needs only one.
  const buffers = total <= BUFFER_BYTES ? [takeBuffer()] : [takeBuffer(), takeBuffer()];
  // A buffer whose write never completed (the client left mid-write) is not reused: the socket may
  // still hold it. Only buffers whose last write finished go back to the pool.
  const reusable = [true, true];
  const writes: Array<Promise<void> | undefined> = [undefined, undefined];
  try {
    let position = start;
    for (let slot = 0; position <= end; slot = (slot + 1) % buffers.length) {
      const buffer = buffers[slot]!;
      // This buffer's previous bytes must be in the socket before it is filled again.
      await writes[slot];
      signal.throwIfAborted();
      const length = Math.min(BUFFER_BYTES, end + 1 - position);
      await readFully(handle, buffer, length, position);
      position += length;
      reusable[slot] = false;
      const written = write(res, length === BUFFER_BYTES ? buffer : buffer.subarray(0, length), signal).then(
        () => {
          reusable[slot] = true;
        },
      );
      // Handled where it is awaited; until then, keep an early failure from being "unhandled".
      written.catch(() => undefined);
      writes[slot] = written;
    }
    for (const pending of writes) if (pending) await pending;
    res.end();
  } finally {
    buffers.forEach((buffer, slot) => {
      if (reusable[slot]) giveBack(buffer);
    });
  }
}
