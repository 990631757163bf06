/**
 * The OCI Distribution protocol against the real registry process, over fetch/node:http:
 * blobs, uploads (monolithic, chunked, out of order, status, cancel, mount), manifests (tag and
 * digest, negotiation, references refused), referrers, tags and catalog pagination, and each
 * error code the registry produces.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningRegistry, startRegistry } from '../helpers/registry-process';
import { errorCode, makeImage, pushBlob, putManifest, randomBlob, sha256 } from '../helpers/registry-http';

let registry: RunningRegistry;
let base: string;

beforeAll(async () => {
  registry = await startRegistry();
  base = registry.url;
});
afterAll(async () => {
  await registry?.stop();
});

describe('base and errors', () => {
  it('answers /v2/ with the API version header', async () => {
    const response = await fetch(`${base}/v2/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
  });

  it.each([
    ['uppercase', 'Library/busybox'],
    ['double dot', 'a..b'],
    ['odd characters', 'a$b'],
    ['leading separator', '-abc'],
    ['over-long', 'a'.repeat(256)],
  ])('refuses a %s name with NAME_INVALID', async (_label, name) => {
    const response = await fetch(`${base}/v2/${name}/tags/list`);
    expect(response.status).toBe(400);
    expect(await errorCode(response)).toBe('NAME_INVALID');
  });

  it.each(['/v2/a/../../etc/tags/list', '/v2/..%2F..%2Fetc/tags/list'])(
    'refuses the raw path-traversal %s',
    async (path) => {
      const status = await new Promise<number>((done, fail) => {
        const req = request({ host: registry.host, port: registry.port, path }, (res) => {
          res.resume();
          done(res.statusCode ?? 0);
        });
        req.on('error', fail);
        req.end();
      });
      expect(status).toBe(400);
    },
  );

  it('answers unknown repositories, blobs, manifests and uploads with their codes', async () => {
    const tags = await fetch(`${base}/v2/nobody/here/tags/list`);
    expect([tags.status, await errorCode(tags)]).toEqual([404, 'NAME_UNKNOWN']);
    const blob = await fetch(`${base}/v2/nobody/blobs/${sha256('x')}`);
    expect([blob.status, await errorCode(blob)]).toEqual([404, 'BLOB_UNKNOWN']);
    const manifest = await fetch(`${base}/v2/nobody/manifests/latest`);
    expect([manifest.status, await errorCode(manifest)]).toEqual([404, 'MANIFEST_UNKNOWN']);
    const upload = await fetch(`${base}/v2/nobody/blobs/uploads/3f1b2d2e-0000-4000-8000-000000000000`);
    expect([upload.status, await errorCode(upload)]).toEqual([404, 'BLOB_UPLOAD_UNKNOWN']);
    const bad = await fetch(`${base}/v2/nobody/blobs/sha256:xyz`);
    expect([bad.status, await errorCode(bad)]).toEqual([400, 'DIGEST_INVALID']);
  });

  it('answers a wrong method with UNSUPPORTED (405)', async () => {
    const response = await fetch(`${base}/v2/_catalog`, { method: 'DELETE' });
    expect(response.status).toBe(405);
    expect(await errorCode(response)).toBe('UNSUPPORTED');
  });

  /** A raw request, so Host and the browser's headers can be set as a web page's would be. */
  function rawGet(path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
    return new Promise((done, fail) => {
      const req = request({ host: registry.host, port: registry.port, path, headers }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => done({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', fail);
      req.end();
    });
  }

  it('refuses requests a web page makes, and names it does not answer to (DNS rebinding)', async () => {
    const own = `127.0.0.1:${registry.port}`;
    // What docker, podman and skopeo send: the registry's own name, no browser headers.
    for (const host of [own, `localhost:${registry.port}`, `[::1]:${registry.port}`])
      expect((await rawGet('/v2/_catalog', { Host: host })).status).toBe(200);
    // A URL the user typed into a browser is fine (Sec-Fetch-Site: none).
    expect((await rawGet('/v2/_catalog', { Host: own, 'Sec-Fetch-Site': 'none' })).status).toBe(200);
    const refused: Array<Record<string, string>> = [
      { Host: own, Origin: 'http://evil.example' },
      { Host: own, Origin: 'null' },
      { Host: own, 'Sec-Fetch-Site': 'cross-site' },
      { Host: `evil.example:${registry.port}` },
      { Host: `127.0.0.1:${registry.port + 1}` },
    ];
    for (const headers of refused) {
      const answer = await rawGet('/v2/_catalog', headers);
      expect([answer.status, JSON.parse(answer.body).errors[0].code]).toEqual([403, 'DENIED']);
    }
    // A page can't store a blob either (a "simple" POST needs no CORS preflight).
    const blob = Buffer.from('from a web page');
    const post = await fetch(`${base}/v2/web/page/blobs/uploads/?digest=${sha256(blob)}`, {
      method: 'POST',
      body: blob,
      headers: { 'Content-Type': 'text/plain', Origin: 'http://evil.example' },
    });
    expect([post.status, await errorCode(post)]).toEqual([403, 'DENIED']);
    expect((await fetch(`${base}/v2/web/page/blobs/${sha256(blob)}`, { method: 'HEAD' })).status).toBe(404);
  });

  it('answers an unknown endpoint with 404 and a code from the spec (UNSUPPORTED)', async () => {
    const response = await fetch(`${base}/v2/some/repo/not-an-endpoint`);
    expect([response.status, await errorCode(response)]).toEqual([404, 'UNSUPPORTED']);
  });
});

describe('blobs and uploads', () => {
  it('uploads monolithically, then HEAD, GET and ranges', async () => {
    const bytes = randomBlob(100_000);
    const digest = await pushBlob(base, 'blobs/mono', bytes);
    const head = await fetch(`${base}/v2/blobs/mono/blobs/${digest}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('100000');
    expect(head.headers.get('docker-content-digest')).toBe(digest);
    const get = await fetch(`${base}/v2/blobs/mono/blobs/${digest}`);
    expect(Buffer.from(await get.arrayBuffer()).equals(bytes)).toBe(true);
    const partial = await fetch(`${base}/v2/blobs/mono/blobs/${digest}`, {
      headers: { Range: 'bytes=10-19' },
    });
    expect(partial.status).toBe(206);
    expect(partial.headers.get('content-range')).toBe('bytes 10-19/100000');
    expect(Buffer.from(await partial.arrayBuffer()).equals(bytes.subarray(10, 20))).toBe(true);
    const beyond = await fetch(`${base}/v2/blobs/mono/blobs/${digest}`, {
      headers: { Range: 'bytes=100000-' },
    });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe('bytes */100000');
    expect(await errorCode(beyond)).toBe('UNSUPPORTED');
  });

  it('answers a suffix range of the empty blob with 416, as it has no last byte', async () => {
    const digest = await pushBlob(base, 'blobs/empty', new Uint8Array(0));
    const whole = await fetch(`${base}/v2/blobs/empty/blobs/${digest}`);
    expect([whole.status, (await whole.arrayBuffer()).byteLength]).toEqual([200, 0]);
    const suffix = await fetch(`${base}/v2/blobs/empty/blobs/${digest}`, { headers: { Range: 'bytes=-5' } });
    expect(suffix.status).toBe(416);
    expect(suffix.headers.get('content-range')).toBe('bytes */0');
    await suffix.arrayBuffer();
  });

  it('serves big blobs byte for byte to parallel clients, whole and in ranges, also after a client left mid-download', async () => {
    const MiB = 1024 * 1024;
    // Sizes around the registry's 1 MiB reads (a short last read, an exact multiple, one byte over),
    // the first bigger than what the kernel buffers for a client that stops reading.
    const blobs = [randomBlob(24 * MiB + 12_345), randomBlob(2 * MiB), randomBlob(3 * MiB + 1)];
    const digests: string[] = [];
    for (const bytes of blobs) digests.push(await pushBlob(base, 'blobs/big', bytes));
    const url = (digest: string) => `${base}/v2/blobs/big/blobs/${digest}`;

    // A client that takes the first piece of the biggest blob and hangs up.
    await new Promise<void>((done, fail) => {
      const req = request(url(digests[0]!), (res) => {
        res.once('data', () => {
          req.destroy();
          done();
        });
      });
      req.on('error', fail);
      req.end();
    });

    // Six downloads at once (each blob twice), half of them by clients that stop reading for a while
    // (the registry's writes then wait in the socket): a buffer reused too early would show in bytes.
    const slowDownload = (digest: string) =>
      new Promise<Buffer>((done, fail) => {
        const req = request(url(digest), (res) => {
          const pieces: Buffer[] = [];
          res.once('data', () => {
            res.pause();
            setTimeout(() => res.resume(), 300);
          });
          res.on('data', (piece: Buffer) => pieces.push(piece));
          res.on('end', () => done(Buffer.concat(pieces)));
          res.on('error', fail);
        });
        req.on('error', fail);
        req.end();
      });
    const bodies = await Promise.all([
      ...digests.map(slowDownload),
      ...digests.map(async (digest) => Buffer.from(await (await fetch(url(digest))).arrayBuffer())),
    ]);
    bodies.forEach((body, index) => expect(sha256(body)).toBe(digests[index % digests.length]));

    const partial = await fetch(url(digests[0]!), { headers: { Range: 'bytes=1048000-3146000' } });
    expect(partial.status).toBe(206);
    expect(partial.headers.get('content-range')).toBe(`bytes 1048000-3146000/${24 * MiB + 12_345}`);
    expect(Buffer.from(await partial.arrayBuffer()).equals(blobs[0]!.subarray(1048000, 3146001))).toBe(true);
    const tail = await fetch(url(digests[2]!), { headers: { Range: 'bytes=-70000' } });
    expect(Buffer.from(await tail.arrayBuffer()).equals(blobs[2]!.subarray(-70000))).toBe(true);
  });

  it('refuses a wrong digest with DIGEST_INVALID and keeps nothing', async () => {
    const response = await fetch(`${base}/v2/blobs/wrong/blobs/uploads/?digest=${sha256('other')}`, {
      method: 'POST',
      body: 'content',
    });
    expect([response.status, await errorCode(response)]).toEqual([400, 'DIGEST_INVALID']);
    const head = await fetch(`${base}/v2/blobs/wrong/blobs/${sha256('other')}`, { method: 'HEAD' });
    expect(head.status).toBe(404);
  });

  it('takes chunks in order, refuses one out of order with 416 and the real Range, reports status', async () => {
    const bytes = randomBlob(30_000);
    const start = await fetch(`${base}/v2/blobs/chunked/blobs/uploads/`, { method: 'POST' });
    expect(start.status).toBe(202);
    const uuid = start.headers.get('docker-upload-uuid');
    let location = start.headers.get('location') as string;
    expect(location).toBe(`/v2/blobs/chunked/blobs/uploads/${uuid}`);
    const first = await fetch(`${base}${location}`, {
      method: 'PATCH',
      body: bytes.subarray(0, 10_000),
      headers: { 'Content-Range': '0-9999' },
    });
    expect(first.status).toBe(202);
    expect(first.headers.get('range')).toBe('0-9999');
    location = first.headers.get('location') as string;
    const skipped = await fetch(`${base}${location}`, {
      method: 'PATCH',
      body: bytes.subarray(20_000),
      headers: { 'Content-Range': '20000-29999' },
    });
    expect(skipped.status).toBe(416);
    expect(skipped.headers.get('range')).toBe('0-9999');
    expect(skipped.headers.get('location')).toBe(location);
    expect(skipped.headers.get('docker-upload-uuid')).toBe(uuid);
    expect(await errorCode(skipped)).toBe('BLOB_UPLOAD_INVALID');
    const mismatch = await fetch(`${base}${location}`, {
      method: 'PATCH',
      body: bytes.subarray(10_000, 20_000),
      headers: { 'Content-Range': '10000-10999' },
    });
    expect([mismatch.status, await errorCode(mismatch)]).toEqual([400, 'SIZE_INVALID']);
    const second = await fetch(`${base}${location}`, {
      method: 'PATCH',
      body: bytes.subarray(10_000, 20_000),
      headers: { 'Content-Range': '10000-19999' },
    });
    expect(second.headers.get('range')).toBe('0-19999');
    const status = await fetch(`${base}${location}`);
    expect(status.status).toBe(204);
    expect(status.headers.get('range')).toBe('0-19999');
    const done = await fetch(`${base}${location}?digest=${sha256(bytes)}`, {
      method: 'PUT',
      body: bytes.subarray(20_000),
    });
    expect(done.status).toBe(201);
    expect(done.headers.get('docker-content-digest')).toBe(sha256(bytes));
    const get = await fetch(`${base}/v2/blobs/chunked/blobs/${sha256(bytes)}`);
    expect(Buffer.from(await get.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('cancels an upload', async () => {
    const start = await fetch(`${base}/v2/blobs/cancel/blobs/uploads/`, { method: 'POST' });
    const location = start.headers.get('location') as string;
    expect((await fetch(`${base}${location}`, { method: 'DELETE' })).status).toBe(204);
    const after = await fetch(`${base}${location}`);
    expect([after.status, await errorCode(after)]).toEqual([404, 'BLOB_UPLOAD_UNKNOWN']);
  });

  it('mounts across repositories, and falls back to a session when the blob is not there', async () => {
    const digest = await pushBlob(base, 'mount/source', randomBlob(5000));
    const mounted = await fetch(`${base}/v2/mount/target/blobs/uploads/?mount=${digest}&from=mount/source`, {
      method: 'POST',
    });
    expect(mounted.status).toBe(201);
    expect(mounted.headers.get('location')).toBe(`/v2/mount/target/blobs/${digest}`);
    expect((await fetch(`${base}/v2/mount/target/blobs/${digest}`, { method: 'HEAD' })).status).toBe(200);
    const fallback = await fetch(
      `${base}/v2/mount/target/blobs/uploads/?mount=${sha256('absent')}&from=mount/source`,
      { method: 'POST' },
    );
    expect(fallback.status).toBe(202);
    expect(fallback.headers.get('docker-upload-uuid')).toBeTruthy();
  });

  it('deletes a blob from a repository', async () => {
    const digest = await pushBlob(base, 'blobs/delete', randomBlob(10));
    expect((await fetch(`${base}/v2/blobs/delete/blobs/${digest}`, { method: 'DELETE' })).status).toBe(202);
    expect((await fetch(`${base}/v2/blobs/delete/blobs/${digest}`, { method: 'HEAD' })).status).toBe(404);
  });

  it('lets two clients push the same blob at once: both succeed, one copy is kept', async () => {
    const bytes = randomBlob(4 * 1024 * 1024);
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => pushBlob(base, `same/blob${i % 2}`, bytes)),
    );
    expect(new Set(results).size).toBe(1);
    const get = await fetch(`${base}/v2/same/blob0/blobs/${results[0]}`);
    expect(sha256(Buffer.from(await get.arrayBuffer()))).toBe(sha256(bytes));
  });

  it('keeps nothing when the client disconnects mid-upload, and the next push works', async () => {
    const bytes = randomBlob(8 * 1024 * 1024);
    const digest = sha256(bytes);
    await new Promise<void>((done) => {
      const req = request({
        host: registry.host,
        port: registry.port,
        method: 'POST',
        path: `/v2/cut/off/blobs/uploads/?digest=${digest}`,
        headers: { 'Content-Length': bytes.length },
      });
      req.on('error', () => done());
      req.write(bytes.subarray(0, 3 * 1024 * 1024), () => {
        req.destroy();
        done();
      });
    });
    const head = await fetch(`${base}/v2/cut/off/blobs/${digest}`, { method: 'HEAD' });
    expect(head.status).toBe(404);
    expect(await pushBlob(base, 'cut/off', bytes)).toBe(digest);
    expect((await fetch(`${base}/v2/cut/off/blobs/${digest}`, { method: 'HEAD' })).status).toBe(200);
  });
});

describe('manifests', () => {
  it('stores by tag, serves exact bytes by tag and digest, deletes', async () => {
    const image = await makeImage(base, 'manifests/basic');
    const put = await putManifest(base, 'manifests/basic', 'v1', image.manifest);
    expect(put.status).toBe(201);
    expect(put.headers.get('docker-content-digest')).toBe(image.digest);
    for (const reference of ['v1', image.digest]) {
      const get = await fetch(`${base}/v2/manifests/basic/manifests/${reference}`, {
        headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' },
      });
      expect(get.status).toBe(200);
      expect(get.headers.get('content-type')).toBe('application/vnd.oci.image.manifest.v1+json');
      expect(get.headers.get('docker-content-digest')).toBe(image.digest);
      expect(Buffer.from(await get.arrayBuffer()).equals(image.manifest)).toBe(true);
    }
    const head = await fetch(`${base}/v2/manifests/basic/manifests/v1`, { method: 'HEAD' });
    expect(head.headers.get('content-length')).toBe(String(image.manifest.length));
    expect((await fetch(`${base}/v2/manifests/basic/manifests/v1`, { method: 'DELETE' })).status).toBe(202);
    expect((await fetch(`${base}/v2/manifests/basic/manifests/v1`)).status).toBe(404);
    expect((await fetch(`${base}/v2/manifests/basic/manifests/${image.digest}`)).status).toBe(200);
    expect(
      (await fetch(`${base}/v2/manifests/basic/manifests/${image.digest}`, { method: 'DELETE' })).status,
    ).toBe(202);
    expect((await fetch(`${base}/v2/manifests/basic/manifests/${image.digest}`)).status).toBe(404);
  });

  it('refuses invalid manifests, missing blobs, missing index children and wrong digests', async () => {
    const invalid = await putManifest(
      base,
      'manifests/bad',
      'x',
      Buffer.from('{"schemaVersion":2,"layers":'),
    );
    expect([invalid.status, await errorCode(invalid)]).toEqual([400, 'MANIFEST_INVALID']);
    const missingBlob = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256('nope'), size: 4 },
        layers: [],
      }),
    );
    const refused = await putManifest(base, 'manifests/bad', 'x', missingBlob);
    expect([refused.status, await errorCode(refused)]).toEqual([400, 'MANIFEST_BLOB_UNKNOWN']);
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [
          { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha256('child'), size: 5 },
        ],
      }),
    );
    const orphan = await putManifest(
      base,
      'manifests/bad',
      'x',
      index,
      'application/vnd.oci.image.index.v1+json',
    );
    expect([orphan.status, await errorCode(orphan)]).toEqual([400, 'MANIFEST_BLOB_UNKNOWN']);
    const image = await makeImage(base, 'manifests/bad');
    const wrongDigest = await putManifest(base, 'manifests/bad', sha256('something else'), image.manifest);
    expect([wrongDigest.status, await errorCode(wrongDigest)]).toEqual([400, 'DIGEST_INVALID']);
    const mismatch = await putManifest(
      base,
      'manifests/bad',
      'x',
      image.manifest,
      'application/vnd.docker.distribution.manifest.v2+json',
    );
    expect([mismatch.status, await errorCode(mismatch)]).toEqual([400, 'MANIFEST_INVALID']);
    // Docker's schema 2 without its mediaType field: refused, or its type would be guessed again
    // (as OCI) after a restart and the Content-Type served would change.
    const { mediaType: _dropped, ...untyped } = JSON.parse(image.manifest.toString('utf8')) as Record<
      string,
      unknown
    >;
    const noMediaType = await putManifest(
      base,
      'manifests/bad',
      'x',
      Buffer.from(JSON.stringify(untyped)),
      'application/vnd.docker.distribution.manifest.v2+json',
    );
    expect([noMediaType.status, await errorCode(noMediaType)]).toEqual([400, 'MANIFEST_INVALID']);
    const unknownType = await putManifest(
      base,
      'manifests/bad',
      'x',
      Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.example.thing+json' })),
      'application/vnd.example.thing+json',
    );
    expect([unknownType.status, await errorCode(unknownType)]).toEqual([415, 'UNSUPPORTED']);
  });

  it('stores a Docker manifest list of schema 2 images, and negotiates it like an index', async () => {
    const DOCKER_V2 = 'application/vnd.docker.distribution.manifest.v2+json';
    const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
    const children = [];
    for (const architecture of ['arm64', 'amd64']) {
      // makeImage uploads the config and layer blobs; the manifest pushed is Docker's schema 2.
      const blobs = await makeImage(base, 'manifests/dockerlist', {
        platform: { os: 'linux', architecture },
      });
      const bytes = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: DOCKER_V2,
          config: { ...blobs.config, mediaType: 'application/vnd.docker.container.image.v1+json' },
          layers: [{ ...blobs.layer, mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip' }],
        }),
      );
      expect((await putManifest(base, 'manifests/dockerlist', sha256(bytes), bytes, DOCKER_V2)).status).toBe(
        201,
      );
      children.push({
        mediaType: DOCKER_V2,
        digest: sha256(bytes),
        size: bytes.length,
        platform: { os: 'linux', architecture },
      });
    }
    const list = Buffer.from(
      JSON.stringify({ schemaVersion: 2, mediaType: DOCKER_LIST, manifests: children }),
    );
    expect((await putManifest(base, 'manifests/dockerlist', 'multi', list, DOCKER_LIST)).status).toBe(201);

    const asList = await fetch(`${base}/v2/manifests/dockerlist/manifests/multi`, {
      headers: { Accept: `${DOCKER_LIST}, ${DOCKER_V2}` },
    });
    expect(asList.headers.get('content-type')).toBe(DOCKER_LIST);
    expect(asList.headers.get('docker-content-digest')).toBe(sha256(list));
    expect(Buffer.from(await asList.arrayBuffer()).equals(list)).toBe(true);
    const child = await fetch(`${base}/v2/manifests/dockerlist/manifests/multi`, {
      headers: { Accept: DOCKER_V2 },
    });
    expect(child.headers.get('content-type')).toBe(DOCKER_V2);
    expect(child.headers.get('docker-content-digest')).toBe(children[1]!.digest);
    // A type listed with q=0 is refused: the client gets the image, not the list.
    const refused = await fetch(`${base}/v2/manifests/dockerlist/manifests/multi`, {
      headers: { Accept: `${DOCKER_LIST};q=0, ${DOCKER_V2}` },
    });
    expect(refused.headers.get('docker-content-digest')).toBe(children[1]!.digest);
    // By digest, the bytes are always the ones that hash to it, whatever the client accepts.
    const byDigest = await fetch(`${base}/v2/manifests/dockerlist/manifests/${sha256(list)}`, {
      method: 'HEAD',
      headers: { Accept: DOCKER_V2 },
    });
    expect(byDigest.headers.get('content-type')).toBe(DOCKER_LIST);
    expect(byDigest.headers.get('docker-content-digest')).toBe(sha256(list));
  });

  it('stores an index of stored children and negotiates for clients that cannot take one', async () => {
    const amd = await makeImage(base, 'manifests/multi', {
      platform: { os: 'linux', architecture: 'amd64' },
    });
    const arm = await makeImage(base, 'manifests/multi', {
      platform: { os: 'linux', architecture: 'arm64' },
    });
    expect((await putManifest(base, 'manifests/multi', amd.digest, amd.manifest)).status).toBe(201);
    expect((await putManifest(base, 'manifests/multi', arm.digest, arm.manifest)).status).toBe(201);
    /** An OCI index of stored images, each with its linux platform. */
    const ociIndex = (images: Array<[{ digest: string; manifest: Buffer }, string]>) =>
      Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.index.v1+json',
          manifests: images.map(([image, architecture]) => ({
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            digest: image.digest,
            size: image.manifest.length,
            platform: { os: 'linux', architecture },
          })),
        }),
      );
    const index = ociIndex([
      [arm, 'arm64'],
      [amd, 'amd64'],
    ]);
    expect(
      (await putManifest(base, 'manifests/multi', 'latest', index, 'application/vnd.oci.image.index.v1+json'))
        .status,
    ).toBe(201);
    const asIndex = await fetch(`${base}/v2/manifests/multi/manifests/latest`, {
      headers: {
        Accept: 'application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json',
      },
    });
    expect(asIndex.headers.get('docker-content-digest')).toBe(sha256(index));
    const old = await fetch(`${base}/v2/manifests/multi/manifests/latest`, {
      headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' },
    });
    expect(old.headers.get('docker-content-digest')).toBe(amd.digest);
    // Fetched by digest, the index is the index: its bytes hash to the digest asked for.
    const byDigest = await fetch(`${base}/v2/manifests/multi/manifests/${sha256(index)}`, {
      headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' },
    });
    expect(byDigest.headers.get('docker-content-digest')).toBe(sha256(index));
    expect(sha256(Buffer.from(await byDigest.arrayBuffer()))).toBe(sha256(index));

    // An index without a linux/amd64 image is served as is, never another platform's image.
    const armOnly = ociIndex([[arm, 'arm64']]);
    await putManifest(base, 'manifests/multi', 'arm', armOnly, 'application/vnd.oci.image.index.v1+json');
    const noAmd = await fetch(`${base}/v2/manifests/multi/manifests/arm`, {
      method: 'HEAD',
      headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' },
    });
    expect(noAmd.headers.get('docker-content-digest')).toBe(sha256(armOnly));
  });

  it('answers referrers with OCI-Subject and the artifactType filter', async () => {
    const image = await makeImage(base, 'manifests/refs');
    await putManifest(base, 'manifests/refs', 'v1', image.manifest);
    const subject = {
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: image.digest,
      size: image.manifest.length,
    };
    const emptyConfig = Buffer.from('{}');
    const emptyDigest = await pushBlob(base, 'manifests/refs', emptyConfig);
    const artifact = (artifactType: string) =>
      Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          artifactType,
          config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: emptyDigest, size: 2 },
          layers: [{ mediaType: 'application/vnd.oci.empty.v1+json', digest: emptyDigest, size: 2 }],
          subject,
        }),
      );
    const signature = artifact('application/vnd.example.signature');
    const sbom = artifact('application/vnd.example.sbom');
    const put = await putManifest(base, 'manifests/refs', sha256(signature), signature);
    expect(put.headers.get('oci-subject')).toBe(image.digest);
    await putManifest(base, 'manifests/refs', sha256(sbom), sbom);
    const all = await fetch(`${base}/v2/manifests/refs/referrers/${image.digest}`);
    expect(all.headers.get('content-type')).toBe('application/vnd.oci.image.index.v1+json');
    const index = (await all.json()) as { manifests: Array<{ digest: string; artifactType: string }> };
    expect(index.manifests.map((m) => m.digest).sort()).toEqual([sha256(signature), sha256(sbom)].sort());
    const filtered = await fetch(
      `${base}/v2/manifests/refs/referrers/${image.digest}?artifactType=application/vnd.example.sbom`,
    );
    expect(filtered.headers.get('oci-filters-applied')).toBe('artifactType');
    expect(((await filtered.json()) as { manifests: unknown[] }).manifests).toHaveLength(1);
  });
});

describe('listing', () => {
  it('lists tags lexically with n/last and Link', async () => {
    const image = await makeImage(base, 'listing/tags');
    for (const tag of ['b', 'a', 'c', 'B']) await putManifest(base, 'listing/tags', tag, image.manifest);
    const all = (await (await fetch(`${base}/v2/listing/tags/tags/list`)).json()) as { tags: string[] };
    expect(all.tags).toEqual(['B', 'a', 'b', 'c']);
    const first = await fetch(`${base}/v2/listing/tags/tags/list?n=2`);
    expect(((await first.json()) as { tags: string[] }).tags).toEqual(['B', 'a']);
    expect(first.headers.get('link')).toBe('</v2/listing/tags/tags/list?last=a&n=2>; rel="next"');
    const second = await fetch(`${base}/v2/listing/tags/tags/list?n=2&last=a`);
    expect(((await second.json()) as { tags: string[] }).tags).toEqual(['b', 'c']);
    expect(second.headers.get('link')).toBeNull();
    // n=0: an empty list and no Link (following one would loop on the same answer).
    const none = await fetch(`${base}/v2/listing/tags/tags/list?n=0`);
    expect(((await none.json()) as { tags: string[] }).tags).toEqual([]);
    expect(none.headers.get('link')).toBeNull();
  });

  it('lists the catalog with n/last and Link', async () => {
    const names = ((await (await fetch(`${base}/v2/_catalog`)).json()) as { repositories: string[] })
      .repositories;
    expect(names).toEqual([...names].sort());
    expect(names).toContain('listing/tags');
    const page = await fetch(`${base}/v2/_catalog?n=1`);
    expect(((await page.json()) as { repositories: string[] }).repositories).toEqual([names[0]]);
    expect(page.headers.get('link')).toBe(
      `</v2/_catalog?last=${encodeURIComponent(names[0]!)}&n=1>; rel="next"`,
    );
    const next = await fetch(`${base}/v2/_catalog?n=1&last=${encodeURIComponent(names[0]!)}`);
    expect(((await next.json()) as { repositories: string[] }).repositories).toEqual([names[1]]);
    const none = await fetch(`${base}/v2/_catalog?n=0`);
    expect(((await none.json()) as { repositories: string[] }).repositories).toEqual([]);
    expect(none.headers.get('link')).toBeNull();
  });
});
