/**
 * The upload hash pool's worker threads: none runs until an upload begins, a second starts only
 * while the first has an upload of its own, a worker with an upload pinned to it stays, and an idle
 * one is stopped; the hashes it keeps are right (against node:crypto over the same file).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HashPool } from '../../electron/registry/server/storage/hash-pool';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function pool(size: number, idleMs: number): HashPool {
  const created = new HashPool({ size, idleMs });
  cleanups.push(() => created.close());
  return created;
}

async function tempFile(bytes: Buffer): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-hash-pool-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'data');
  await writeFile(path, bytes);
  return path;
}

/** Polls `condition` every 10 ms for up to 10 s; returns whether it held. */
async function eventually(condition: () => boolean): Promise<boolean> {
  for (let attempt = 0; attempt < 1000; attempt++) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return condition();
}

describe('HashPool', () => {
  it('starts workers only for uploads, a second only while the first has one, and hashes right', async () => {
    const hashes = pool(2, 60_000);
    expect(hashes.running).toBe(0);
    const bytes = randomBytes(3 * 1024 * 1024 + 7);
    const path = await tempFile(bytes);

    hashes.prepare('first');
    expect(hashes.running).toBe(1);
    await hashes.reset('first');
    await hashes.update('first', path, 0, 1024 * 1024);
    await hashes.update('first', path, 1024 * 1024, bytes.length);
    expect(await hashes.digest('first')).toBe(createHash('sha256').update(bytes).digest('hex'));

    // The first worker has an upload: the next one gets its own worker.
    hashes.prepare('second');
    expect(hashes.running).toBe(2);
    await hashes.reset('second', 'sha512');
    await hashes.update('second', path, 10, 20);
    expect(await hashes.digest('second')).toBe(
      createHash('sha512').update(bytes.subarray(10, 20)).digest('hex'),
    );

    // A third shares one (the pool is full); once the first is done, its worker takes the next.
    hashes.prepare('third');
    expect(hashes.running).toBe(2);
    hashes.drop('first');
    hashes.drop('third');
    hashes.prepare('fourth');
    expect(hashes.running).toBe(2);
  });

  it('stops a worker once it is idle with no upload pinned to it, and keeps one that has', async () => {
    const hashes = pool(2, 50);
    const bytes = randomBytes(1000);
    const path = await tempFile(bytes);
    await hashes.reset('kept');
    await hashes.reset('done');
    expect(hashes.running).toBe(2);
    hashes.drop('done');
    expect(await eventually(() => hashes.running === 1)).toBe(true);

    // The remaining worker still holds the running hash of 'kept', so it must not be stopped.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(hashes.running).toBe(1);
    await hashes.update('kept', path, 0, 1000);
    expect(await hashes.digest('kept')).toBe(createHash('sha256').update(bytes).digest('hex'));

    hashes.drop('kept');
    expect(await eventually(() => hashes.running === 0)).toBe(true);
    // A new upload starts one again.
    await hashes.reset('later');
    expect(hashes.running).toBe(1);
  });
});
