/**
 * Garbage collection and the supervisor messages against the real registry process (forked with
 * an IPC channel, as the supervisor does): ready/activity/stats/repositories/deleteTag, a dry run's
 * figure matched by the real run, and GC running again and again next to a docker push that must
 * still succeed and pull back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningRegistry, startRegistry } from '../helpers/registry-process';
import { RegistryIpc } from '../helpers/registry-ipc';
import { makeImage, pushBlob, putManifest, randomBlob, sha256 } from '../helpers/registry-http';
import { buildImage, dockerOk, pushedDigest, requireDockerHost } from '../helpers/registry-clients';

let registry: RunningRegistry;
let ipc: RegistryIpc;

beforeAll(async () => {
  requireDockerHost();
  registry = await startRegistry({ ipc: true });
  ipc = new RegistryIpc(registry.child);
});
afterAll(async () => {
  await registry?.stop();
});

describe('messages', () => {
  it('sends ready, activity and stats, and answers repositories and deleteTag', async () => {
    const ready = await ipc.waitFor((m) => m.type === 'ready');
    expect(ready).toMatchObject({
      type: 'ready',
      url: registry.url,
      port: registry.port,
      host: '127.0.0.1',
      dataDir: registry.dataDir,
    });
    // How fast is a figure (start-to-ready in `npm run bench:registry`); here only that it is reported.
    if (ready.type === 'ready')
      expect(Number.isInteger(ready.startedInMs) && ready.startedInMs > 0).toBe(true);

    const image = await makeImage(registry.url, 'ipc/app', {
      platform: { os: 'linux', architecture: 'arm64' },
    });
    await putManifest(registry.url, 'ipc/app', 'v1', image.manifest);
    await putManifest(registry.url, 'ipc/app', 'v2', image.manifest);
    await fetch(`${registry.url}/v2/ipc/app/manifests/v1`).then((r) => r.arrayBuffer());
    await ipc.waitFor(
      (m) => m.type === 'activity' && m.activity.kind === 'push' && m.activity.reference === 'v2',
    );
    await ipc.waitFor(
      (m) => m.type === 'activity' && m.activity.kind === 'pull' && m.activity.digest === image.digest,
    );
    await ipc.waitFor((m) => m.type === 'activity' && m.activity.kind === 'blob-upload');
    await ipc.waitFor((m) => m.type === 'stats' && m.stats.tags === 2);

    const repositories = await ipc.request('repositories', {});
    const app = repositories.find((r) => r.name === 'ipc/app');
    expect(app?.tags.map((t) => t.tag)).toEqual(['v1', 'v2']);
    expect(app?.tags[0]).toMatchObject({
      digest: image.digest,
      platforms: ['linux/arm64'],
      size: image.config.size + image.layer.size,
    });

    expect(await ipc.request('deleteTag', { repository: 'ipc/app', tag: 'v1' })).toEqual({
      digest: image.digest,
    });
    const stats = await ipc.request('stats', {});
    expect(stats.tags).toBe(1);
    // What the view shows as "disk used": the config, the layer and the manifest, each stored once.
    expect(stats.blobs).toBe(3);
    expect(stats.diskUsed).toBe(image.config.size + image.layer.size + image.manifest.length);
  });
});

describe('garbage collection', () => {
  it('reports in a dry run exactly what the real run then frees, keeping what is referenced or being pushed', async () => {
    const kept = await makeImage(registry.url, 'gc/kept');
    await putManifest(registry.url, 'gc/kept', 'v1', kept.manifest);
    const dropped = await makeImage(registry.url, 'gc/dropped', { layerSize: 50_000 });
    await putManifest(registry.url, 'gc/dropped', 'v1', dropped.manifest);
    // The last tag goes, so the image leaves the repository (as the UI's "delete tag" means).
    await ipc.request('deleteTag', { repository: 'gc/dropped', tag: 'v1' });
    // A push in progress: layer uploaded, manifest not yet.
    const pendingLayer = await pushBlob(registry.url, 'gc/pending', randomBlob(20_000));

    const dry = await ipc.request('gc', { dryRun: true });
    const expected = [dropped.digest, dropped.config.digest, dropped.layer.digest].sort();
    expect(dry.dryRun).toBe(true);
    expect([...dry.digests].sort()).toEqual(expected);
    expect(dry.bytesFreed).toBe(dropped.manifest.length + dropped.config.size + dropped.layer.size);
    // GET, not HEAD: a HEAD answered "exists" protects the blob (a pusher may be about to use it).
    expect(
      (
        await fetch(`${registry.url}/v2/gc/dropped/blobs/${dropped.layer.digest}`).then(
          async (r) => (await r.arrayBuffer(), r),
        )
      ).status,
    ).toBe(200);

    const real = await ipc.request('gc', { dryRun: false });
    expect({ ...real, dryRun: true, digests: [...real.digests].sort() }).toEqual({
      ...dry,
      digests: [...dry.digests].sort(),
    });
    expect(
      (await fetch(`${registry.url}/v2/gc/dropped/blobs/${dropped.layer.digest}`, { method: 'HEAD' })).status,
    ).toBe(404);
    expect((await fetch(`${registry.url}/v2/gc/kept/blobs/${kept.layer.digest}`)).status).toBe(200);
    expect(
      (await fetch(`${registry.url}/v2/gc/pending/blobs/${pendingLayer}`, { method: 'HEAD' })).status,
    ).toBe(200);
    expect((await ipc.request('gc', { dryRun: true })).blobsRemoved).toBe(0);
  });

  it('keeps a docker push running next to repeated collections whole', async () => {
    const image = await buildImage('gc-push', [2 * 1024 * 1024, 1024 * 1024, 1024 * 1024]);
    const target = `${registry.address}/gc/live:1`;
    try {
      await dockerOk(['tag', image.reference, target]);
      let pushing = true;
      const push = dockerOk(['push', target]).finally(() => (pushing = false));
      let runs = 0;
      while (pushing) {
        await ipc.request('gc', { dryRun: false });
        runs += 1;
      }
      const digest = pushedDigest(await push);
      expect(runs).toBeGreaterThan(0);
      await ipc.request('gc', { dryRun: false });
      await dockerOk(['rmi', target, image.reference]);
      const pulled = await dockerOk(['pull', target]);
      expect(pulled).toContain(`Digest: ${digest}`);
      expect((await dockerOk(['image', 'inspect', '--format', '{{.Id}}', target])).trim()).toBe(image.id);
    } finally {
      await dockerOk(['rmi', '--force', target, image.reference]).catch(() => undefined);
    }
    // An unrelated manifest's digest round-trips after all that.
    const after = await makeImage(registry.url, 'gc/after');
    expect(
      (await putManifest(registry.url, 'gc/after', 'v1', after.manifest)).headers.get(
        'docker-content-digest',
      ),
    ).toBe(sha256(after.manifest));
  });
});
