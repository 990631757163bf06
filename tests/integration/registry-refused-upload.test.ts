/**
 * An upload refused for a wrong digest leaves nothing behind, against the real registry process: the
 * uploads folder is empty (not just the blob count unchanged), no file anywhere in the data folder
 * is named after the refused content's real digest, and the registry doesn't serve it. Monolithic,
 * chunked, and chunked with the last chunk in the PUT.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningRegistry, startRegistry } from '../helpers/registry-process';
import { errorCode, randomBlob, sha256 } from '../helpers/registry-http';

let registry: RunningRegistry;

beforeAll(async () => {
  registry = await startRegistry({ args: ['--quiet'] });
});
afterAll(async () => {
  await registry?.stop();
});

/** Every file under `folder`, as paths relative to it. */
async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => !entry.isDirectory())
    .map((entry) => join(entry.parentPath, entry.name).slice(folder.length + 1));
}

/** The checks after a refusal: nothing in uploads/, nothing named after `content`'s digest, not served. */
async function expectNothingKept(content: Buffer): Promise<void> {
  expect(await readdir(join(registry.dataDir, 'uploads'))).toEqual([]);
  const real = sha256(content);
  const hex = real.slice('sha256:'.length);
  expect((await filesUnder(registry.dataDir)).filter((path) => path.includes(hex))).toEqual([]);
  const head = await fetch(`${registry.url}/v2/refused/app/blobs/${real}`, { method: 'HEAD' });
  expect(head.status).toBe(404);
}

/** A digest that is not the content's. */
const WRONG = sha256('something else');

describe('an upload refused for a wrong digest', () => {
  it('monolithic (POST ?digest=): DIGEST_INVALID, nothing kept', async () => {
    const content = randomBlob(200_000);
    const response = await fetch(`${registry.url}/v2/refused/app/blobs/uploads/?digest=${WRONG}`, {
      method: 'POST',
      body: content,
    });
    expect([response.status, await errorCode(response)]).toEqual([400, 'DIGEST_INVALID']);
    await expectNothingKept(content);
  });

  it('chunked (PATCH, then PUT ?digest=): DIGEST_INVALID, nothing kept, the session gone', async () => {
    const content = randomBlob(300_000);
    const start = await fetch(`${registry.url}/v2/refused/app/blobs/uploads/`, { method: 'POST' });
    expect(start.status).toBe(202);
    const patched = await fetch(`${registry.url}${start.headers.get('location')}`, {
      method: 'PATCH',
      body: content,
      headers: { 'Content-Range': `0-${content.length - 1}` },
    });
    expect(patched.status).toBe(202);
    // The bytes were there while the upload was open: the check below is not vacuous.
    expect(await readdir(join(registry.dataDir, 'uploads'))).toHaveLength(1);
    const location = patched.headers.get('location') as string;
    const finish = await fetch(`${registry.url}${location}?digest=${WRONG}`, { method: 'PUT' });
    expect([finish.status, await errorCode(finish)]).toEqual([400, 'DIGEST_INVALID']);
    await expectNothingKept(content);
    const status = await fetch(`${registry.url}${location}`);
    expect([status.status, await errorCode(status)]).toEqual([404, 'BLOB_UPLOAD_UNKNOWN']);
  });

  it('chunked with the last chunk in the PUT: DIGEST_INVALID, nothing kept', async () => {
    const content = randomBlob(300_000);
    const start = await fetch(`${registry.url}/v2/refused/app/blobs/uploads/`, { method: 'POST' });
    const first = await fetch(`${registry.url}${start.headers.get('location')}`, {
      method: 'PATCH',
      body: content.subarray(0, 100_000),
      headers: { 'Content-Range': '0-99999' },
    });
    expect(first.status).toBe(202);
    const finish = await fetch(`${registry.url}${first.headers.get('location')}?digest=${WRONG}`, {
      method: 'PUT',
      body: content.subarray(100_000),
      headers: { 'Content-Range': `100000-${content.length - 1}` },
    });
    expect([finish.status, await errorCode(finish)]).toEqual([400, 'DIGEST_INVALID']);
    await expectNothingKept(content);
  });
});
