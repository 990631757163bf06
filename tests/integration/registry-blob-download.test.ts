/**
 * Blob downloads from the real registry process (http/file-sender.ts): ranges on both sides of its
 * 1 MiB reads, HEAD, clients that hang up mid-download (no file left open, the process keeps
 * answering), and a blob garbage-collected while a client is still reading it.
 */
import { readdirSync } from 'node:fs';
import { type IncomingHttpHeaders, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningRegistry, startRegistry } from '../helpers/registry-process';
import { RegistryIpc } from '../helpers/registry-ipc';
import { pushBlob, randomBlob, sha256 } from '../helpers/registry-http';

const MiB = 1024 * 1024;

let registry: RunningRegistry;
let ipc: RegistryIpc;

beforeAll(async () => {
  // --gc-grace 0: a blob no manifest references is collected by the next GC, whoever reads it.
  registry = await startRegistry({ ipc: true, args: ['--gc-grace', '0', '--quiet'] });
  ipc = new RegistryIpc(registry.child);
});
afterAll(async () => {
  await registry?.stop();
});

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** One request with node:http (fetch hides a HEAD's body and the exact headers). */
function get(path: string, options: { method?: string; range?: string } = {}): Promise<Answer> {
  return new Promise((done, fail) => {
    const req = request(
      {
        host: registry.host,
        port: registry.port,
        path,
        method: options.method ?? 'GET',
        headers: options.range ? { Range: options.range } : {},
      },
      (res) => {
        const pieces: Buffer[] = [];
        res.on('data', (piece: Buffer) => pieces.push(piece));
        res.on('end', () =>
          done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(pieces) }),
        );
        res.on('error', fail);
      },
    );
    req.on('error', fail);
    req.end();
  });
}

/** The registry's open file descriptors (Linux). */
function openFiles(): number {
  return readdirSync(`/proc/${registry.child.pid}/fd`).length;
}

/** Polls `condition` every 20 ms for up to 10 s; returns whether it held. */
async function eventually(condition: () => boolean): Promise<boolean> {
  for (let attempt = 0; attempt < 500; attempt++) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return condition();
}

describe('blob downloads', () => {
  it('serves ranges on both sides of its 1 MiB reads, byte for byte, and HEAD with no body', async () => {
    const blob = randomBlob(2 * MiB + 3);
    const digest = await pushBlob(registry.url, 'download/ranges', blob);
    const path = `/v2/download/ranges/blobs/${digest}`;

    const head = await get(path, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(blob.length));
    expect(head.headers['docker-content-digest']).toBe(digest);
    expect(head.body.length).toBe(0);

    const whole = await get(path);
    expect(whole.headers['content-length']).toBe(String(blob.length));
    expect(whole.headers['transfer-encoding']).toBeUndefined();
    expect(sha256(whole.body)).toBe(digest);

    // [first, last] inclusive: one byte; the small path; one byte over it; exactly one buffer;
    // one byte over one buffer; across both buffers to the end; a suffix; an open end.
    const ranges: Array<[string, number, number]> = [
      ['bytes=0-0', 0, 0],
      ['bytes=0-65535', 0, 65535],
      ['bytes=0-65536', 0, 65536],
      [`bytes=100-${MiB + 99}`, 100, MiB + 99],
      [`bytes=7-${MiB + 7}`, 7, MiB + 7],
      [`bytes=5-${blob.length - 1}`, 5, blob.length - 1],
      ['bytes=-3', blob.length - 3, blob.length - 1],
      [`bytes=${MiB}-`, MiB, blob.length - 1],
    ];
    for (const [range, first, last] of ranges) {
      const partial = await get(path, { range });
      expect(partial.status, range).toBe(206);
      expect(partial.headers['content-range'], range).toBe(`bytes ${first}-${last}/${blob.length}`);
      expect(partial.headers['content-length'], range).toBe(String(last - first + 1));
      expect(partial.body.equals(blob.subarray(first, last + 1)), range).toBe(true);
    }
  });

  it('keeps answering after forty clients hang up mid-download, with no file left open', async () => {
    const blob = randomBlob(8 * MiB + 1);
    const digest = await pushBlob(registry.url, 'download/left', blob);
    const path = `/v2/download/left/blobs/${digest}`;
    expect(sha256((await get(path)).body)).toBe(digest);
    const filesBefore = openFiles();

    // Half hang up at the first bytes, half once a few MiB have arrived (writes then in flight).
    await Promise.all(
      Array.from(
        { length: 40 },
        (_, index) =>
          new Promise<void>((done, fail) => {
            const req = request({ host: registry.host, port: registry.port, path }, (res) => {
              let received = 0;
              res.on('data', (piece: Buffer) => {
                received += piece.length;
                if (index % 2 === 0 || received > 3 * MiB) {
                  req.destroy();
                  done();
                }
              });
            });
            req.on('error', (error: NodeJS.ErrnoException) => (req.destroyed ? done() : fail(error)));
            req.end();
          }),
      ),
    );

    // Every blob file opened for them is closed again (sockets and files both count here).
    expect(await eventually(() => openFiles() <= filesBefore)).toBe(true);
    const after = await Promise.all([get(path), get(path, { range: `bytes=${MiB - 1}-${2 * MiB}` })]);
    expect(sha256(after[0].body)).toBe(digest);
    expect(after[1].body.equals(blob.subarray(MiB - 1, 2 * MiB + 1))).toBe(true);
  });

  it('finishes a download whose blob is garbage-collected while it is read, and then knows it no more', async () => {
    const blob = randomBlob(16 * MiB + 5);
    const digest = await pushBlob(registry.url, 'download/collected', blob);
    const path = `/v2/download/collected/blobs/${digest}`;

    // A client that reads the first bytes, then stops reading until the blob is gone.
    let resume = (): void => undefined;
    let started = (): void => undefined;
    const firstBytes = new Promise<void>((done) => (started = done));
    const download = new Promise<Buffer>((done, fail) => {
      const req = request({ host: registry.host, port: registry.port, path }, (res) => {
        const pieces: Buffer[] = [];
        res.once('data', () => {
          res.pause();
          resume = () => res.resume();
          started();
        });
        res.on('data', (piece: Buffer) => pieces.push(piece));
        res.on('end', () => done(Buffer.concat(pieces)));
        res.on('error', fail);
      });
      req.on('error', fail);
      req.end();
    });
    await firstBytes;

    // No manifest references it: the collection removes the file under the reader.
    const collected = await ipc.request('gc', { dryRun: false });
    expect(collected.digests).toContain(digest);
    expect((await get(path, { method: 'HEAD' })).status).toBe(404);

    resume();
    const body = await download;
    expect(body.length).toBe(blob.length);
    expect(sha256(body)).toBe(digest);
    expect((await get(path)).status).toBe(404);
  });
});
