/**
 * Crash safety of the real registry process: kill -9 in the middle of uploads, restart on the same
 * data folder, then check that nothing under a final name is corrupt, that an acknowledged chunked
 * upload resumes (its hash rebuilt from the partial file), that stale uploads are swept, and that
 * the next push works. Also storage failures: a clean 5xx, a 'failure' activity for the app, and
 * the registry keeps serving.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type RunningRegistry, startRegistry } from '../helpers/registry-process';
import { errorCode, makeImage, pushBlob, putManifest, randomBlob, sha256 } from '../helpers/registry-http';
import { run } from '../helpers/registry-clients';
import { RegistryIpc } from '../helpers/registry-ipc';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

/** Every blob file's bytes hash to its name. */
async function expectBlobsIntact(dataDir: string): Promise<number> {
  const files = await listFiles(join(dataDir, 'blobs'));
  for (const file of files) {
    const hex = createHash('sha256')
      .update(await readFile(file))
      .digest('hex');
    expect(file.endsWith(hex), `${file} is corrupt`).toBe(true);
  }
  return files.length;
}

/** Waits for a condition (polling), failing after `timeoutMs`. */
async function until(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Starts an upload request that sends `sent` bytes of `bytes` and then hangs; resolves once they left. */
function hangingUpload(registry: RunningRegistry, path: string, bytes: Buffer, sent: number): Promise<void> {
  return new Promise((done) => {
    const req = request({
      host: registry.host,
      port: registry.port,
      method: path.includes('?digest') ? 'POST' : 'PATCH',
      path,
      headers: { 'Content-Length': bytes.length },
    });
    req.on('error', () => undefined);
    req.write(bytes.subarray(0, sent), () => done());
  });
}

describe('kill -9 and restart', () => {
  it('leaves nothing corrupt, resumes acknowledged uploads, sweeps stale ones, and the next push works', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'berth-registry-crash-'));
    dirs.push(dataDir);
    let registry = await startRegistry({ dataDir });
    const base = () => registry.url;
    const image = await makeImage(base(), 'crash/app', { layerSize: 300_000 });
    expect((await putManifest(base(), 'crash/app', 'v1', image.manifest)).status).toBe(201);

    // An acknowledged chunk of a chunked upload…
    const resumable = randomBlob(3 * 1024 * 1024);
    const start = await fetch(`${base()}/v2/crash/app/blobs/uploads/`, { method: 'POST' });
    const location = start.headers.get('location') as string;
    const first = await fetch(`${base()}${location}`, {
      method: 'PATCH',
      body: resumable.subarray(0, 1024 * 1024),
      headers: { 'Content-Range': `0-${1024 * 1024 - 1}` },
    });
    expect(first.status).toBe(202);
    // …a second chunk cut off by the crash, and a monolithic upload in flight.
    const cutChunk = hangingUpload(registry, location, resumable.subarray(1024 * 1024), 512 * 1024);
    const monolithic = randomBlob(6 * 1024 * 1024);
    const inFlight = hangingUpload(
      registry,
      `/v2/crash/app/blobs/uploads/?digest=${sha256(monolithic)}`,
      monolithic,
      2 * 1024 * 1024,
    );
    await Promise.all([cutChunk, inFlight]);
    // Let the server write what it received (the request is open; nothing is acknowledged).
    await until(async () => (await listFiles(join(dataDir, 'uploads'))).length >= 4);
    await registry.kill9();

    registry = await startRegistry({ dataDir });
    expect(await expectBlobsIntact(dataDir)).toBe(3);
    expect(await listFiles(join(dataDir, 'tmp'))).toEqual([]);
    expect(
      (await fetch(`${base()}/v2/crash/app/blobs/${sha256(monolithic)}`, { method: 'HEAD' })).status,
    ).toBe(404);
    const pulled = await fetch(`${base()}/v2/crash/app/manifests/v1`);
    expect(sha256(Buffer.from(await pulled.arrayBuffer()))).toBe(image.digest);

    // The acknowledged part survived; the cut chunk did not count.
    const status = await fetch(`${base()}${location}`);
    expect(status.status).toBe(204);
    expect(status.headers.get('range')).toBe(`0-${1024 * 1024 - 1}`);
    const rest = await fetch(`${base()}${location}?digest=${sha256(resumable)}`, {
      method: 'PUT',
      body: resumable.subarray(1024 * 1024),
      headers: { 'Content-Range': `${1024 * 1024}-${resumable.length - 1}` },
    });
    expect(rest.status, await rest.text()).toBe(201);
    const back = await fetch(`${base()}/v2/crash/app/blobs/${sha256(resumable)}`);
    expect(sha256(Buffer.from(await back.arrayBuffer()))).toBe(sha256(resumable));
    expect(await pushBlob(base(), 'crash/app', monolithic)).toBe(sha256(monolithic));
    await registry.kill9();

    // Restarted with every upload counted as stale: all swept on start.
    const leftover = randomBlob(1000);
    registry = await startRegistry({ dataDir, args: ['--upload-max-idle', '0'] });
    expect(await expectBlobsIntact(dataDir)).toBe(5);
    await until(async () => (await readdir(join(dataDir, 'uploads'))).length === 0);
    expect(await pushBlob(base(), 'crash/app', leftover)).toBe(sha256(leftover));
    expect(await registry.stop()).toBe(0);
  });
});

describe('kill -9 during manifest and tag writes', () => {
  it('leaves every tag naming a whole manifest, and every manifest whole', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'berth-registry-crash-tags-'));
    dirs.push(dataDir);
    let registry = await startRegistry({ dataDir });
    // Manifests that differ only in an annotation: each PUT writes a new manifest and moves tags.
    const base = await makeImage(registry.url, 'crash/tags');
    const variant = (tag: string, n: number) => {
      const manifest = JSON.parse(base.manifest.toString('utf8')) as Record<string, unknown>;
      return Buffer.from(JSON.stringify({ ...manifest, annotations: { tag, n: String(n) } }));
    };
    // Four writers move four tags as fast as they can; the process dies in the middle of it.
    let stop = false;
    let written = 0;
    const writer = async (tag: string) => {
      for (let n = 0; !stop; n += 1) {
        const response = await putManifest(registry.url, 'crash/tags', tag, variant(tag, n)).catch(
          () => undefined,
        );
        if (response?.status === 201) written += 1;
      }
    };
    const writers = ['a', 'b', 'c', 'd'].map((tag) => writer(tag));
    await until(() => Promise.resolve(written >= 40));
    await registry.kill9();
    stop = true;
    await Promise.all(writers);
    // Whatever temp files the kill left (a write cut short) go on start; this one surely exists.
    await writeFile(join(dataDir, 'tmp', 'blob-cut-short'), 'partial');

    registry = await startRegistry({ dataDir });
    try {
      expect(await listFiles(join(dataDir, 'tmp'))).toEqual([]);
      // Every manifest acknowledged before the kill (distinct per tag and round), plus config and layer.
      expect(await expectBlobsIntact(dataDir)).toBeGreaterThanOrEqual(40 + 2);
      const tags = (await (await fetch(`${registry.url}/v2/crash/tags/tags/list`)).json()) as {
        tags: string[];
      };
      expect(tags.tags).toEqual(['a', 'b', 'c', 'd']);
      for (const tag of tags.tags) {
        const response = await fetch(`${registry.url}/v2/crash/tags/manifests/${tag}`, {
          headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' },
        });
        expect(response.status).toBe(200);
        const bytes = Buffer.from(await response.arrayBuffer());
        expect(sha256(bytes)).toBe(response.headers.get('docker-content-digest'));
        // The manifest a tag names is one written for that tag.
        expect(JSON.parse(bytes.toString('utf8'))).toMatchObject({ annotations: { tag } });
      }
      // And the registry takes the next write.
      expect((await putManifest(registry.url, 'crash/tags', 'a', variant('a', -1))).status).toBe(201);
    } finally {
      await registry.stop();
    }
  });
});

describe('storage failures', () => {
  it('answers a damaged storage folder with a clean 5xx, logs it, tells the app once, and keeps serving', async () => {
    const registry = await startRegistry({ ipc: true });
    const ipc = new RegistryIpc(registry.child);
    const image = await makeImage(registry.url, 'broken/app');
    expect((await putManifest(registry.url, 'broken/app', 'v1', image.manifest)).status).toBe(201);
    // A file where the temp folder should be: every atomic write fails with ENOTDIR.
    await rm(join(registry.dataDir, 'tmp'), { recursive: true });
    await writeFile(join(registry.dataDir, 'tmp'), 'not a folder');
    const failed = await putManifest(registry.url, 'broken/app', 'v2', image.manifest);
    expect(failed.status).toBe(500);
    expect(await errorCode(failed)).toBe('UNKNOWN');
    expect(registry.stderr()).toMatch(/storage failure \(ENOTDIR\)/);
    // The app's activity feed hears of it, once for a client retrying the same failing request.
    expect((await putManifest(registry.url, 'broken/app', 'v2', image.manifest)).status).toBe(500);
    await ipc.waitFor((m) => m.type === 'activity' && m.activity.kind === 'failure');
    const failures = ipc.received.filter((m) => m.type === 'activity' && m.activity.kind === 'failure');
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({
      activity: {
        kind: 'failure',
        repository: 'broken/app',
        detail: expect.stringMatching(/damaged/) as string,
      },
    });
    expect((await fetch(`${registry.url}/v2/broken/app/manifests/v1`)).status).toBe(200);
    await rm(join(registry.dataDir, 'tmp'));
    await mkdir(join(registry.dataDir, 'tmp'));
    expect((await putManifest(registry.url, 'broken/app', 'v2', image.manifest)).status).toBe(201);
    await registry.stop();
  });

  it('answers a full disk with 507 and keeps serving', async (context) => {
    const mountPoint = await mkdtemp(join(tmpdir(), 'berth-registry-full-'));
    dirs.push(mountPoint);
    const mounted = await run('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mountPoint]);
    if (mounted.code !== 0) {
      console.log(`skipping the disk-full test: cannot mount a small tmpfs here (${mounted.stderr.trim()})`);
      context.skip();
    }
    try {
      const registry = await startRegistry({ dataDir: mountPoint });
      const small = await pushBlob(registry.url, 'full/app', randomBlob(1000));
      const big = randomBlob(6 * 1024 * 1024);
      const response = await fetch(`${registry.url}/v2/full/app/blobs/uploads/?digest=${sha256(big)}`, {
        method: 'POST',
        body: big,
      });
      expect(response.status).toBe(507);
      expect(registry.stderr()).toMatch(/ENOSPC/);
      expect((await fetch(`${registry.url}/v2/full/app/blobs/${small}`)).status).toBe(200);
      expect(await pushBlob(registry.url, 'full/app', randomBlob(1000))).toMatch(/^sha256:/);
      await registry.stop();
    } finally {
      await run('umount', [mountPoint]);
    }
  });
});
