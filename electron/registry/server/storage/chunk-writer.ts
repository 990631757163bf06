/**
 * Writes a request body to an upload's data file in large batches.
 *
 * Why not `createWriteStream`: it writes each body piece as it comes whenever no write is in flight,
 * and `docker push` streams a layer as small chunked-encoding pieces (a few KiB each), so a 256 MiB
 * layer became tens of thousands of `write` calls, each a round trip through libuv's thread pool:
 * the registry's main thread spent more CPU on that than on everything else in a push. Here the
 * pieces are gathered into batches of about 1 MiB, each one `writev` at its position, with one batch
 * in flight while the next one is gathered (so receiving never waits for the disk unless the disk
 * is slower). Pieces are taken with 'data' events, not an async iterator: the iterator's `read()`
 * joins buffered pieces into a new buffer, a copy of every byte for nothing.
 *
 * Bytes start going to disk while the upload still streams: each time an upload's file grows past
 * another 16 MiB, a datasync starts in the background (background-flush.ts).
 */
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { BackgroundFlushes } from './background-flush';

/** Bytes gathered per writev: fewer syscalls and thread-pool round trips per MiB. */
const BATCH_BYTES = 1024 * 1024;
/** At most this many pieces per writev (IOV_MAX is 1024 on Linux and macOS). */
const BATCH_PIECES = 1024;
/** A background datasync starts each time a file grows past another multiple of this. */
const FLUSH_STEP = 16 * 1024 * 1024;

export interface ChunkWriteOptions {
  /** Create (or empty) the file rather than write into an existing one. */
  create: boolean;
  /** fsync the data before resolving. */
  flush: boolean;
  /** Stops the write (the client left). */
  signal?: AbortSignal;
  /** Called, in file order, each time a batch is in the file; `end` is the file offset after it. */
  written?: (end: number) => void;
  /** Start datasyncs in the background as the file grows (and let them finish before `flush`'s, which they then run). */
  background?: BackgroundFlushes;
}

/**
 * Writes everything `body` yields to the file at `path` from byte `start`; resolves to the number of
 * bytes written. The body is never destroyed (on failure node:http drains it, so the client can read
 * the error on a live connection). On failure, part of the bytes may be in the file: the caller
 * truncates.
 */
export async function writeChunk(
  path: string,
  start: number,
  body: Readable,
  options: ChunkWriteOptions,
): Promise<number> {
  const handle = await open(path, options.create ? 'w' : 'r+');
  try {
    return await new Promise<number>((resolve, reject) => {
      let position = start;
      let batch: Buffer[] = [];
      let batchBytes = 0;
      let writing = false;
      let ended = false;
      let failed = false;
      /** Set when a failure waits for the running write to finish before rejecting. */
      let pendingFailure: (() => void) | undefined;

      const cleanup = () => {
        body.off('data', onData);
        body.off('end', onEnd);
        body.off('error', fail);
        body.off('close', onClose);
        options.signal?.removeEventListener('abort', onAbort);
      };
      function fail(error: unknown): void {
        if (failed) return;
        failed = true;
        cleanup();
        // Let node:http drain what's left of the body.
        body.resume();
        // A write may still be running: reject only once the file is no longer in use.
        const settle = () => reject(error instanceof Error ? error : new Error(String(error)));
        if (writing) pendingFailure = settle;
        else settle();
      }

      const writeNext = (): void => {
        if (failed || writing) return;
        if (batchBytes === 0) {
          if (ended) {
            cleanup();
            const datasync = () => handle.datasync();
            const finish = !options.flush
              ? Promise.resolve()
              : options.background
                ? options.background.finalSync(path, datasync)
                : datasync();
            finish.then(() => resolve(position - start), reject);
          }
          return;
        }
        const pieces = batch;
        const at = position;
        position += batchBytes;
        batch = [];
        batchBytes = 0;
        writing = true;
        writeAll(handle, pieces, at).then(
          () => {
            writing = false;
            if (pendingFailure) return pendingFailure();
            if (Math.floor(position / FLUSH_STEP) > Math.floor(at / FLUSH_STEP))
              options.background?.start(path);
            options.written?.(position);
            if (!ended) body.resume();
            writeNext();
          },
          (error: unknown) => {
            writing = false;
            // An earlier failure (the client left) waited for this write: report that one.
            const earlier = pendingFailure;
            pendingFailure = undefined;
            if (earlier) earlier();
            else fail(error);
          },
        );
      };
      function onData(piece: Buffer): void {
        batch.push(piece);
        batchBytes += piece.length;
        if (batchBytes >= BATCH_BYTES || batch.length >= BATCH_PIECES) {
          // One batch in flight, one being gathered: past that, wait for the disk.
          if (writing) body.pause();
          else writeNext();
        }
      }
      function onEnd(): void {
        ended = true;
        writeNext();
      }
      function onClose(): void {
        // 'close' before 'end': the client went away mid-body.
        if (!ended) fail(new Error('request closed before its body ended'));
      }
      function onAbort(): void {
        fail(options.signal?.reason ?? new Error('aborted'));
      }

      if (options.signal?.aborted) return onAbort();
      options.signal?.addEventListener('abort', onAbort);
      if (body.readableEnded) return onEnd();
      // Destroyed before this write began (the fast push's export broke while its upload was being
      // created): its 'error' and 'close' have been and gone, and nothing else would end the wait.
      if (body.destroyed) return fail(body.errored ?? new Error('request closed before its body ended'));
      body.on('data', onData);
      body.on('end', onEnd);
      body.on('error', fail);
      body.on('close', onClose);
      body.resume();
    });
  } finally {
    await handle.close();
  }
}

/** writev that finishes short writes (rare on files, but allowed). */
async function writeAll(handle: FileHandle, pieces: Buffer[], at: number): Promise<void> {
  let remaining = pieces;
  let position = at;
  let total = remaining.reduce((sum, piece) => sum + piece.length, 0);
  while (total > 0) {
    const { bytesWritten } = await handle.writev(remaining, position);
    if (bytesWritten === 0) throw new Error('write made no progress');
    position += bytesWritten;
    total -= bytesWritten;
    if (total > 0) remaining = dropBytes(remaining, bytesWritten);
  }
}

function dropBytes(pieces: Buffer[], count: number): Buffer[] {
  let skip = count;
  let index = 0;
  while (index < pieces.length && skip >= pieces[index]!.length) skip -= pieces[index++]!.length;
  const rest = pieces.slice(index);
  if (skip > 0 && rest.length > 0) rest[0] = rest[0]!.subarray(skip);
  return rest;
}
