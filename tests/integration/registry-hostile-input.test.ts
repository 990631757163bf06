/**
 * Hostile input against the real registry process: request targets no URL parser takes, manifests
 * built to exhaust memory or to break a later read, descriptors that dodge the existence check,
 * Content-Types that say nothing, and slow clients. Each answer is a clean 4xx and the registry
 * keeps serving.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, openSocket, rawExchange } from '../helpers/raw-http';
import { errorCode, makeImage, pushBlob, putManifest, sha256 } from '../helpers/registry-http';
import { type RunningRegistry, startRegistry } from '../helpers/registry-process';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar';

let registry: RunningRegistry;
let base: string;

beforeAll(async () => {
  registry = await startRegistry();
  base = registry.url;
});
afterAll(async () => {
  await registry?.stop();
});

/** The process's peak (VmHWM) or current (VmRSS) resident memory in MiB. */
function memoryMiB(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]) / 1024;
}

function fakeDigest(index: number): string {
  return sha256(`missing layer ${index}`);
}

function manifestBody(fields: Record<string, unknown>): Buffer {
  return Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, ...fields }));
}

async function stillServing(): Promise<void> {
  const response = await fetch(`${base}/v2/`);
  expect(response.status).toBe(200);
}

describe('request targets no parser takes', () => {
  it.each([
    ['GET //[ HTTP/1.1'],
    ['GET http://[ HTTP/1.1'],
    ['GET http://[::1 HTTP/1.1'],
    ['GET http://% HTTP/1.1'],
    ['GET /%ZZ HTTP/1.1'],
  ])('answers %s with a client error and keeps serving', async (line) => {
    const answer = await rawExchange(registry.port, `${line}\r\nHost: ${registry.address}\r\n\r\n`);
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    await stillServing();
  });

  it('answers a WebSocket upgrade to //[ and keeps serving', async () => {
    const answer = await rawExchange(
      registry.port,
      `GET //[ HTTP/1.1\r\nHost: ${registry.address}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
        'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
    expect(answer.status === undefined || answer.status >= 400).toBe(true);
    await stillServing();
  });
});

describe('manifests built to exhaust memory', () => {
  it('keeps answering, and stays within 200 MiB, through 8 concurrent 3.8 MB manifests of 25,000 missing layers and a nesting bomb', async () => {
    const annotations = { filler: 'x'.repeat(400_000) };
    const layers = Array.from({ length: 25_000 }, (_, index) => ({
      mediaType: OCI_LAYER,
      digest: fakeDigest(index),
      size: 1,
    }));
    const config = { mediaType: 'application/vnd.oci.image.config.v1+json', digest: fakeDigest(-1), size: 1 };
    const wide = manifestBody({ config, layers, annotations });
    expect(wide.length).toBeGreaterThan(3_500_000);
    expect(wide.length).toBeLessThan(4 * 1024 * 1024);
    const bomb = Buffer.from('['.repeat(4 * 1024 * 1024 - 16));
    const pid = registry.child.pid!;
    const before = memoryMiB(pid, 'VmRSS');

    let pings = 0;
    let pinging = true;
    const pinger = (async () => {
      while (pinging) {
        const response = await fetch(`${base}/v2/`);
        expect(response.status).toBe(200);
        pings += 1;
      }
    })();
    const answers = await Promise.all([
      ...Array.from({ length: 8 }, (_, index) => putManifest(base, 'hostile/wide', `w${index}`, wide)),
      putManifest(base, 'hostile/bomb', 'b', bomb),
    ]);
    pinging = false;
    await pinger;
    for (const answer of answers) {
      expect(answer.status).toBe(400);
      expect(await errorCode(answer)).toBe('MANIFEST_INVALID');
    }
    expect(pings).toBeGreaterThan(0);
    const peak = memoryMiB(pid, 'VmHWM');
    expect(peak).toBeLessThan(200);
    await stillServing();
    // And the memory goes back: what the burst took is given back within a few seconds.
    await expect.poll(() => memoryMiB(pid, 'VmRSS'), { timeout: 15_000 }).toBeLessThan(before + 40);
    console.log(
      `registry memory through the burst: ${before.toFixed(0)} MiB before, peak (VmHWM) ${peak.toFixed(0)} MiB, ` +
        `${memoryMiB(pid, 'VmRSS').toFixed(0)} MiB after; /v2/ answered ${pings} times`,
    );
  });

  it('refuses a nesting bomb while it streams in, before the rest of it is sent', async () => {
    const socket = await openSocket(registry.port);
    const answer = collect(socket, { timeoutMs: 15_000, untilHeaders: true });
    // Declares 4 MiB, sends the first 64 KiB of '[' and then nothing: the answer can't wait for the rest.
    socket.write(
      `PUT /v2/hostile/early/manifests/e HTTP/1.1\r\nHost: ${registry.address}\r\n` +
        `Content-Type: ${OCI_MANIFEST}\r\nContent-Length: ${4 * 1024 * 1024}\r\n\r\n`,
    );
    socket.write('['.repeat(64 * 1024));
    const result = await answer;
    expect(result.status).toBe(400);
    expect(result.text).toContain('nests deeper than 32');
  });

  it('refuses nesting deeper than 32 levels before parsing, and takes 32', async () => {
    const nested = (depth: number) => {
      // config.annotations is not where nesting may go, but the depth check comes first.
      let value = '"x"';
      for (let level = 2; level <= depth; level += 1) value = `[${value}]`;
      return Buffer.from(`{"schemaVersion":2,"mediaType":"${OCI_MANIFEST}","deep":${value}}`);
    };
    const tooDeep = await putManifest(base, 'hostile/deep', 'd', nested(33));
    expect(tooDeep.status).toBe(400);
    expect(await tooDeep.text()).toContain('nests deeper than 32');
    const deepest = await putManifest(base, 'hostile/deep', 'd', nested(32));
    expect(deepest.status).toBe(400);
    expect(await deepest.text()).not.toContain('nests deeper');
  });

  it('refuses a manifest of more than 3,016 objects before parsing it, wherever they are', async () => {
    const image = await makeImage(base, 'hostile/objects');
    const valid = { config: image.config, layers: [image.layer] };
    const crowded = manifestBody({ ...valid, crowd: Array.from({ length: 3_100 }, () => ({})) });
    const refused = await putManifest(base, 'hostile/objects', 'o', crowded);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('more than 3016 objects');
    const roomy = manifestBody({ ...valid, crowd: Array.from({ length: 2_900 }, () => ({})) });
    expect((await putManifest(base, 'hostile/objects', 'o', roomy)).status).toBe(201);
  });

  it('refuses more than 1,000 descriptors unread, and names the first missing blob of 1,000', async () => {
    const image = await makeImage(base, 'hostile/many');
    const layers = (count: number) =>
      Array.from({ length: count }, (_, index) => ({
        mediaType: OCI_LAYER,
        digest: fakeDigest(index),
        size: 1,
      }));
    const tooMany = await putManifest(
      base,
      'hostile/many',
      'm',
      manifestBody({ config: image.config, layers: layers(1001) }),
    );
    expect([tooMany.status, await errorCode(tooMany)]).toEqual([400, 'MANIFEST_INVALID']);
    const atLimit = await putManifest(
      base,
      'hostile/many',
      'm',
      manifestBody({ config: image.config, layers: layers(1000) }),
    );
    const body = (await atLimit.json()) as { errors: Array<{ code: string; detail: { digest: string } }> };
    expect([atLimit.status, body.errors[0]?.code]).toEqual([400, 'MANIFEST_BLOB_UNKNOWN']);
    expect(layers(1000).map((layer) => layer.digest)).toContain(body.errors[0]?.detail.digest);
  });
});

describe('manifests that would break a later read', () => {
  it('refuses annotations nested 5,000 deep with a subject, so referrers keep answering', async () => {
    const image = await makeImage(base, 'hostile/refs');
    expect((await putManifest(base, 'hostile/refs', 'v1', image.manifest)).status).toBe(201);
    // Built as text: JSON.stringify itself overflows the stack on it, which was the registry's 500.
    const nested = `${'{"a":'.repeat(5_000)}"x"${'}'.repeat(5_000)}`;
    const subject = { mediaType: OCI_MANIFEST, digest: image.digest, size: image.manifest.length };
    const attack = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: image.config,
        layers: [image.layer],
        subject,
        annotations: { nested: '@' },
      }).replace('"@"', nested),
    );
    const refused = await putManifest(base, 'hostile/refs', sha256(attack), attack);
    expect([refused.status, await errorCode(refused)]).toEqual([400, 'MANIFEST_INVALID']);
    const referrers = await fetch(`${base}/v2/hostile/refs/referrers/${image.digest}`);
    expect(referrers.status).toBe(200);
  });

  it.each([
    ['annotations that are not strings', { annotations: { a: 1 } }],
    ['annotations nested three deep', { annotations: { a: { b: { c: 'x' } } } }],
    ['annotations that are an array', { annotations: ['a'] }],
    ['an artifactType that is not a media type', { artifactType: 'not a type' }],
    ['an artifactType that is an object', { artifactType: { a: 'b' } }],
  ])('refuses a manifest with %s', async (_label, extra) => {
    const image = await makeImage(base, 'hostile/typed');
    const bytes = manifestBody({ config: image.config, layers: [image.layer], ...extra });
    const answer = await putManifest(base, 'hostile/typed', 't', bytes);
    expect([answer.status, await errorCode(answer)]).toEqual([400, 'MANIFEST_INVALID']);
  });

  it.each([
    ['a descriptor mediaType that is not a media type', { mediaType: 'layer' }],
    ['descriptor annotations that are not strings', { annotations: { a: { b: 'c' } } }],
    ['a platform without os', { platform: { architecture: 'amd64' } }],
    [
      'platform features that are not strings',
      { platform: { os: 'linux', architecture: 'amd64', features: [1] } },
    ],
    ['data that is not a string', { data: 5 }],
  ])('refuses a layer with %s', async (_label, change) => {
    const image = await makeImage(base, 'hostile/descriptors');
    const bytes = manifestBody({ config: image.config, layers: [{ ...image.layer, ...change }] });
    const answer = await putManifest(base, 'hostile/descriptors', 't', bytes);
    expect([answer.status, await errorCode(answer)]).toEqual([400, 'MANIFEST_INVALID']);
  });
});

describe('descriptors with urls', () => {
  const foreign = 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip';

  it.each([
    [
      'a config with urls, even when its blob is stored',
      (config: object) => ({ ...config, urls: ['https://example.invalid/c'] }),
    ],
    ['a config whose urls is "x"', (config: object) => ({ ...config, digest: fakeDigest(7), urls: 'x' })],
    [
      'a config whose urls is {length: 1}',
      (config: object) => ({ ...config, digest: fakeDigest(8), urls: { length: 1 } }),
    ],
  ])('refuses %s', async (_label, change) => {
    const image = await makeImage(base, 'hostile/urls');
    const bytes = manifestBody({ config: change(image.config), layers: [image.layer] });
    const answer = await putManifest(base, 'hostile/urls', 'c', bytes);
    expect(answer.status).toBe(400);
    expect(['MANIFEST_INVALID', 'MANIFEST_BLOB_UNKNOWN']).toContain(await errorCode(answer));
  });

  it('refuses urls on a layer of a distributable type, and urls that are not http(s)', async () => {
    const image = await makeImage(base, 'hostile/urls');
    const plain = manifestBody({
      config: image.config,
      layers: [{ mediaType: OCI_LAYER, digest: fakeDigest(9), size: 5, urls: ['https://example.invalid/l'] }],
    });
    const refusedPlain = await putManifest(base, 'hostile/urls', 'l', plain);
    expect([refusedPlain.status, await errorCode(refusedPlain)]).toEqual([400, 'MANIFEST_INVALID']);
    const ftp = manifestBody({
      config: image.config,
      layers: [{ mediaType: foreign, digest: fakeDigest(10), size: 5, urls: ['ftp://example.invalid/l'] }],
    });
    const refusedFtp = await putManifest(base, 'hostile/urls', 'l', ftp);
    expect([refusedFtp.status, await errorCode(refusedFtp)]).toEqual([400, 'MANIFEST_INVALID']);
  });

  it('takes a foreign layer with http(s) urls without its blob, as Windows images have', async () => {
    const image = await makeImage(base, 'hostile/urls');
    const bytes = manifestBody({
      config: image.config,
      layers: [
        { mediaType: foreign, digest: fakeDigest(11), size: 5, urls: ['https://example.invalid/layer'] },
        image.layer,
      ],
    });
    expect((await putManifest(base, 'hostile/urls', 'foreign', bytes)).status).toBe(201);
  });
});

describe('Content-Type of a manifest PUT', () => {
  it.each([
    ['missing', undefined],
    ['application/json', 'application/json'],
    ['garbage', 'garbage'],
    ['10 KB long', `application/${'x'.repeat(10_000)}`],
    ['another manifest type than the body says', 'application/vnd.oci.image.index.v1+json'],
  ])('refuses one that is %s with 400', async (_label, contentType) => {
    const image = await makeImage(base, 'hostile/types');
    const response = await fetch(`${base}/v2/hostile/types/manifests/ct`, {
      method: 'PUT',
      body: image.manifest,
      headers: contentType === undefined ? {} : { 'Content-Type': contentType },
    });
    expect([response.status, await errorCode(response)]).toEqual([400, 'MANIFEST_INVALID']);
  });

  it('takes the type the body declares, with parameters', async () => {
    const image = await makeImage(base, 'hostile/types');
    const response = await putManifest(
      base,
      'hostile/types',
      'ok',
      image.manifest,
      `${OCI_MANIFEST}; charset=utf-8`,
    );
    expect(response.status).toBe(201);
  });
});

describe('slow clients', () => {
  let strict: RunningRegistry;
  beforeAll(async () => {
    strict = await startRegistry({
      args: ['--idle-timeout', '1', '--headers-timeout', '1', '--uploads-per-client', '4'],
    });
  });
  afterAll(async () => {
    await strict?.stop();
  });

  it('cuts a client whose headers never finish', async () => {
    const socket = await openSocket(strict.port);
    const answer = collect(socket, { timeoutMs: 15_000 });
    socket.write(`GET /v2/ HTTP/1.1\r\nHost: ${strict.address}\r\nX-Slow: `);
    const result = await answer;
    expect(result.closedByServer).toBe(true);
  });

  it('cuts an upload whose body stops moving, and acknowledges none of it', async () => {
    const start = await fetch(`${strict.url}/v2/slow/body/blobs/uploads/`, { method: 'POST' });
    const location = start.headers.get('location')!;
    const socket = await openSocket(strict.port);
    const answer = collect(socket, { timeoutMs: 15_000 });
    socket.write(
      `PATCH ${location} HTTP/1.1\r\nHost: ${strict.address}\r\nContent-Type: application/octet-stream\r\n` +
        'Content-Length: 1000\r\n\r\n0123456789',
    );
    const result = await answer;
    expect(result.closedByServer).toBe(true);
    const status = await fetch(`${strict.url}${location}`);
    expect(status.status).toBe(204);
    expect(status.headers.get('range')).toBe('0-0');
    expect((await fetch(`${strict.url}${location}`, { method: 'DELETE' })).status).toBe(204);
  });

  it('never cuts an upload that keeps moving, however long it takes', async () => {
    const start = await fetch(`${strict.url}/v2/slow/moving/blobs/uploads/`, { method: 'POST' });
    const location = start.headers.get('location')!;
    const parts = Array.from({ length: 10 }, (_, index) => Buffer.alloc(100, index));
    const whole = Buffer.concat(parts);
    const socket = await openSocket(strict.port);
    const answer = collect(socket, { timeoutMs: 20_000, untilHeaders: true });
    socket.write(
      `PUT ${location}?digest=${sha256(whole)} HTTP/1.1\r\nHost: ${strict.address}\r\n` +
        `Content-Type: application/octet-stream\r\nContent-Length: ${whole.length}\r\n\r\n`,
    );
    // 10 parts 400 ms apart: 4 s in all, four times the idle limit, never idle for a whole second.
    for (const part of parts) {
      socket.write(part);
      await new Promise((resolve) => setTimeout(resolve, 400));
    }
    expect((await answer).status).toBe(201);
    const blob = await fetch(`${strict.url}/v2/slow/moving/blobs/${sha256(whole)}`);
    expect(Buffer.from(await blob.arrayBuffer()).equals(whole)).toBe(true);
  });

  it('bounds the upload sessions one client holds, and takes more once one ends', async () => {
    const open = async () => fetch(`${strict.url}/v2/slow/sessions/blobs/uploads/`, { method: 'POST' });
    const locations: string[] = [];
    for (let index = 0; index < 4; index += 1) {
      const response = await open();
      expect(response.status).toBe(202);
      locations.push(response.headers.get('location')!);
    }
    const refused = await open();
    expect([refused.status, await errorCode(refused)]).toEqual([429, 'TOOMANYREQUESTS']);
    expect(refused.headers.get('retry-after')).toBeTruthy();
    expect((await fetch(`${strict.url}${locations[0]}`, { method: 'DELETE' })).status).toBe(204);
    expect((await open()).status).toBe(202);
  });
});

describe('stale upload sessions near the limit', () => {
  it('are swept at once, not after the hour a lone session gets', async () => {
    // --upload-max-idle 1.2 s: a client near its limit loses sessions idle for 0.1 s.
    const quick = await startRegistry({ args: ['--upload-max-idle', '1.2', '--uploads-per-client', '4'] });
    try {
      const open = async () => fetch(`${quick.url}/v2/stale/blobs/uploads/`, { method: 'POST' });
      const old: string[] = [];
      for (let index = 0; index < 3; index += 1) old.push((await open()).headers.get('location')!);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await open()).status).toBe(202);
      for (const location of old) expect((await fetch(`${quick.url}${location}`)).status).toBe(404);
    } finally {
      await quick.stop();
    }
  });

  it('are kept while the client is far from its limit', async () => {
    const quick = await startRegistry({ args: ['--upload-max-idle', '1.2', '--uploads-per-client', '40'] });
    try {
      const first = await fetch(`${quick.url}/v2/stale/blobs/uploads/`, { method: 'POST' });
      const location = first.headers.get('location')!;
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await fetch(`${quick.url}/v2/stale/blobs/uploads/`, { method: 'POST' })).status).toBe(202);
      expect((await fetch(`${quick.url}${location}`)).status).toBe(204);
    } finally {
      await quick.stop();
    }
  });
});

it('pushes a blob helper-style after all of the above (the registry is intact)', async () => {
  const digest = await pushBlob(base, 'hostile/after', Buffer.from('still here'));
  expect((await fetch(`${base}/v2/hostile/after/blobs/${digest}`, { method: 'HEAD' })).status).toBe(200);
});
