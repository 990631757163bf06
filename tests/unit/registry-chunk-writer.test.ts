/**
 * The upload chunk writer over real temp files: many small pieces (as `docker push` sends them)
 * land byte for byte at the right offset, `written` reports batch ends in order, a body that fails
 * or is aborted half-way rejects without hanging, and the body is left drainable.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { writeChunk } from '../../electron/registry/storage/chunk-writer';

const roots: string[] = [];
afterEach(async () => {
  for (const root of roots.splice(0)) await rm(root, { recursive: true, force: true });
});

async function tempFile(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-chunk-writer-'));
  roots.push(dir);
  return join(dir, 'data');
}

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

  it('rejects when the file cannot be opened', async () => {
    const path = join(await tempFile(), 'missing-folder', 'data');
    await expect(
      writeChunk(path, 0, Readable.from([Buffer.from('x')]), { create: false, flush: false }),
    ).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
