/**
 * The upload chunk writer over real temp files: many small pieces (as `docker push` sends them)
 * land byte for byte at the right offset, `written` reports batch ends in order, a body that fails
 * or is aborted half-way rejects without hanging, and the body is left drainable. Big uploads
 * start datasyncs in the background as they grow; one that fails is reported by the final flush.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { BackgroundFlushes } from '../../electron/registry/server/storage/background-flush';
import { writeChunk } from '../../electron/registry/server/storage/chunk-writer';

const roots: string[] = [];
afterEach(async () => {
  for (const root of roots.splice(0)) await rm(root, { recursive: true, force: true });
});

async function tempFile(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-chunk-writer-'));
  roots.push(dir);
  return join(dir, 'data');
}

/** The final datasync itself, left out: these tests are about what comes before it. */
const noSync = () => Promise.resolve();

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** `bytes` cut into pieces of 1–9 KiB, like a chunked-encoding body. */
function smallPieces(bytes: Buffer): Buffer[] {
  const pieces: Buffer[] = [];
  for (let at = 0, size = 1024; at < bytes.length; at += size, size = 1024 * (1 + (at % 9))) {
    pieces.push(bytes.subarray(at, Math.min(bytes.length, at + size)));
  }
  return pieces;
}

describe('writeChunk', () => {
  it('writes 5 MiB of small pieces byte for byte, reporting batch ends in order', async () => {
    const path = await tempFile();
    const bytes = randomBytes(5 * 1024 * 1024 + 123);
    const ends: number[] = [];
    const written = await writeChunk(path, 0, Readable.from(smallPieces(bytes)), {
      create: true,
      flush: true,
      written: (end) => ends.push(end),
    });
    expect(written).toBe(bytes.length);
    expect(sha(await readFile(path))).toBe(sha(bytes));
    // Batched, not one report per piece, and strictly increasing up to the whole length.
    expect(ends.length).toBeGreaterThanOrEqual(5);
    expect(ends.length).toBeLessThan(smallPieces(bytes).length / 10);
    expect(ends).toEqual([...ends].sort((a, b) => a - b));
    expect(ends.at(-1)).toBe(bytes.length);
  });

  it('appends at an offset of an existing file', async () => {
    const path = await tempFile();
    await writeFile(path, Buffer.from('head-'));
    const written = await writeChunk(path, 5, Readable.from([Buffer.from('tail')]), {
      create: false,
      flush: false,
    });
    expect(written).toBe(4);
    expect((await readFile(path)).toString()).toBe('head-tail');
  });

  it('handles an empty body', async () => {
    const path = await tempFile();
    expect(await writeChunk(path, 0, Readable.from([]), { create: true, flush: true })).toBe(0);
    expect((await readFile(path)).length).toBe(0);
  });

  it('rejects when the body fails half-way (the client went away)', async () => {
    const path = await tempFile();
    const body = new PassThrough();
    const done = writeChunk(path, 0, body, { create: true, flush: false });
    body.write(randomBytes(3 * 1024 * 1024));
    setTimeout(() => body.destroy(new Error('socket hang up')), 20);
    await expect(done).rejects.toThrow('socket hang up');
  });

  it('rejects when the signal aborts, and leaves the body drainable', async () => {
    const path = await tempFile();
    const body = new PassThrough();
    const controller = new AbortController();
    const done = writeChunk(path, 0, body, { create: true, flush: false, signal: controller.signal });
    body.write(randomBytes(2 * 1024 * 1024));
    setTimeout(() => controller.abort(new Error('client left')), 20);
    await expect(done).rejects.toThrow('client left');
    // The rest of the body still flows (node:http drains it to keep the connection usable).
    const drained = new Promise((resolve) => body.once('end', resolve));
    body.end(randomBytes(1024 * 1024));
    await drained;
  });

  it('rejects, rather than waits for ever, for a body destroyed before the write began', async () => {
    // The fast push's export broke while the layer's upload session was still being created.
    const failed = new PassThrough();
    failed.on('error', () => undefined);
    failed.destroy(new Error('the daemon went away'));
    await new Promise((resolve) => setImmediate(resolve));
    await expect(writeChunk(await tempFile(), 0, failed, { create: true, flush: false })).rejects.toThrow(
      'the daemon went away',
    );
    const closed = new PassThrough();
    closed.destroy();
    await new Promise((resolve) => setImmediate(resolve));
    await expect(writeChunk(await tempFile(), 0, closed, { create: true, flush: false })).rejects.toThrow(
      'request closed before its body ended',
    );
  });

  it('rejects when the file cannot be opened', async () => {
    const path = join(await tempFile(), 'missing-folder', 'data');
    await expect(
      writeChunk(path, 0, Readable.from([Buffer.from('x')]), { create: false, flush: false }),
    ).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('starts a background datasync each time the file grows past 16 MiB, across chunks', async () => {
    const path = await tempFile();
    const MiB = 1024 * 1024;
    const bytes = randomBytes(40 * MiB);
    const synced: string[] = [];
    const background = new BackgroundFlushes({
      sync: (file) => {
        synced.push(file);
        return Promise.resolve();
      },
    });
    // Two chunks, as two PATCHes: 0–12 MiB and 12–40 MiB (past 16 and 32 MiB).
    await writeChunk(path, 0, Readable.from([bytes.subarray(0, 12 * MiB)]), {
      create: true,
      flush: false,
      background,
    });
    expect(synced).toEqual([]);
    await writeChunk(
      path,
      12 * MiB,
      Readable.from(
        Array.from({ length: 28 }, (_, index) => bytes.subarray((12 + index) * MiB, (13 + index) * MiB)),
      ),
      {
        create: false,
        flush: true,
        background,
      },
    );
    expect(synced).toEqual([path, path]);
    expect(sha(await readFile(path))).toBe(sha(bytes));
  });

  it('reports a failed background datasync at the final flush, once', async () => {
    const path = await tempFile();
    const background = new BackgroundFlushes({
      sync: () => Promise.reject(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' })),
    });
    await expect(
      writeChunk(path, 0, Readable.from([randomBytes(17 * 1024 * 1024)]), {
        create: true,
        flush: true,
        background,
      }),
    ).rejects.toThrow('EIO');
    // Reported once: the final datasync of a later attempt decides on its own.
    await expect(background.finalSync(path, noSync)).resolves.toBeUndefined();
  });
});

describe('BackgroundFlushes', () => {
  it('runs one datasync per file and at most `limit` at once; the final sync waits for the running one', async () => {
    const release: Array<() => void> = [];
    const started: string[] = [];
    const flushes = new BackgroundFlushes({
      limit: 2,
      sync: (file) =>
        new Promise<void>((resolve) => {
          started.push(file);
          release.push(resolve);
        }),
    });
    flushes.start('a');
    flushes.start('a');
    flushes.start('b');
    flushes.start('c');
    expect(started).toEqual(['a', 'b']);
    let settled = false;
    const settling = flushes.finalSync('a', noSync).then(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(settled).toBe(false);
    release[0]!();
    await settling;
    expect(settled).toBe(true);
    release[1]!();
    await flushes.finalSync('b', noSync);
    // Both slots are free again: the next file's datasync starts.
    flushes.start('c');
    expect(started).toEqual(['a', 'b', 'c']);
  });

  it('ignores a file removed meanwhile, and forgets a failure once told the file is gone', async () => {
    const missing = new BackgroundFlushes({
      sync: () => Promise.reject(Object.assign(new Error('ENOENT'), { code: 'ENOENT' })),
    });
    missing.start('gone');
    await expect(missing.finalSync('gone', noSync)).resolves.toBeUndefined();

    const failing = new BackgroundFlushes({ sync: () => Promise.reject(new Error('EIO')) });
    failing.start('cancelled');
    await new Promise((resolve) => setTimeout(resolve, 0));
    failing.forget('cancelled');
    await expect(failing.finalSync('cancelled', noSync)).resolves.toBeUndefined();
  });
});
