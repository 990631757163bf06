// The fast local push (issue 23) against the real dockerd and Berth's real registry process: the
// round trip (push, remove, docker pull, same image ID, run), skopeo/podman/ctr pulls, re-push skipping
// every layer, gzip layers, sharing layers a `docker push` stored, and a cancel mid-export.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Docker from 'dockerode';
import { MEDIA } from '../../electron/docker/fast-push/local-registry-client';
import {
  containerdSocket,
  fastPushService,
  storageLeftovers,
  storedManifest,
  tagsOf,
  waitUntil,
  type FastPushSetup,
} from '../helpers/fast-push-setup';
import { docker as dockerCli, dockerOk, run } from '../helpers/registry-clients';
import { startRegistry, type RunningRegistry } from '../helpers/registry-process';
import {
  MiB,
  buildTestImage,
  dockerFromEnvironment,
  removeImages,
  type TestImage,
} from '../helpers/test-images';

let docker: Docker;
let registry: RunningRegistry;
let setup: FastPushSetup;
let image: TestImage;
let work = '';
const cleanup: string[] = [];

beforeAll(async () => {
  docker = dockerFromEnvironment();
  registry = await startRegistry();
  setup = fastPushService(docker, registry);
  work = await mkdtemp(join(tmpdir(), 'berth-fast-push-'));
  image = await buildTestImage(docker, 'fast', [3 * MiB, 5 * MiB, 2 * MiB]);
  cleanup.push(image.reference);
});

afterAll(async () => {
  await removeImages(docker, cleanup);
  await registry?.stop();
  await run('chmod', ['-R', 'u+w', work]);
  await rm(work, { recursive: true, force: true });
});

async function tagAs(source: string, repository: string, tag = '1'): Promise<string> {
  const target = `${registry.address}/${repository}`;
  await docker.getImage(source).tag({ repo: target, tag });
  cleanup.push(`${target}:${tag}`);
  return `${target}:${tag}`;
}

async function imageId(reference: string): Promise<string> {
  return ((await docker.getImage(reference).inspect()) as { Id: string }).Id;
}

describe('fast local push', () => {
  const repository = 'fast/round-trip';
  let reference = '';
  let originalId = '';

  it('pushes a multi-layer image straight into the registry as plain OCI layers, and says so', async () => {
    reference = await tagAs(image.reference, repository);
    originalId = await imageId(reference);
    const { id } = setup.service.push(reference);
    const final = await setup.service.waitFor(id);

    expect(final.error).toBeUndefined();
    expect(final.state).toBe('succeeded');
    expect(final.route).toMatchObject({
      path: 'fast-local',
      layerFormat: 'uncompressed',
      command: `docker push ${reference}`,
    });
    expect(final.rows).toHaveLength(4);
    expect(final.rows.every((row) => row.status === 'Written' && row.done)).toBe(true);
    expect(final.overall).toBe(1);
    // Each layer was reported while it moved: "Writing" with byte counts.
    const writing = setup.events
      .filter((snapshot) => snapshot.id === id)
      .flatMap((snapshot) => snapshot.rows);
    expect(writing.some((row) => row.status === 'Writing' && row.unit === 'bytes' && row.current > 0)).toBe(
      true,
    );

    const manifest = await storedManifest(registry.url, repository, '1');
    expect(manifest.mediaType).toBe(MEDIA.ociManifest);
    expect(manifest.config.digest).toBe(originalId);
    expect(manifest.layers.map((layer) => layer.mediaType)).toEqual(Array(4).fill(MEDIA.ociLayer));
    const diffIds = ((await docker.getImage(reference).inspect()) as { RootFS: { Layers: string[] } }).RootFS
      .Layers;
    expect(manifest.layers.map((layer) => layer.digest)).toEqual(diffIds);
    expect(final.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(final.route?.storedBytes).toBe(manifest.layers.reduce((sum, layer) => sum + layer.size, 0));
  });

  it('docker pull of the result, into a daemon without the image, gives the same image ID, which runs', async () => {
    await removeImages(docker, [reference, image.reference]);
    await expect(docker.getImage(reference).inspect()).rejects.toMatchObject({ statusCode: 404 });
    await dockerOk(['pull', reference]);
    expect(await imageId(reference)).toBe(originalId);
    const ran = await dockerOk(['run', '--rm', reference, '/bin/busybox', 'sh', '-c', 'ls /data | wc -l']);
    expect(ran.trim()).toBe('3');
    // The other tests start from the original name again.
    await docker.getImage(reference).tag({ repo: image.repository, tag: image.tag });
  });

  it('skopeo copies it (same config), and podman and ctr pull it', async (context) => {
    const layout = join(work, 'skopeo');
    const copied = await run('/usr/bin/skopeo', [
      'copy',
      '--src-tls-verify=false',
      `docker://${reference}`,
      `oci:${layout}:fast`,
    ]);
    expect(copied.code, copied.stderr).toBe(0);
    const index = JSON.parse(await readFile(join(layout, 'index.json'), 'utf8')) as {
      manifests: { digest: string }[];
    };
    const manifestHex = index.manifests[0]?.digest.replace('sha256:', '') ?? '';
    const copiedManifest = JSON.parse(
      await readFile(join(layout, 'blobs', 'sha256', manifestHex), 'utf8'),
    ) as {
      config: { digest: string };
    };
    expect(copiedManifest.config.digest).toBe(originalId);

    const root = join(work, 'podman');
    const podman = (args: string[]) =>
      run('/usr/bin/podman', [
        '--storage-driver',
        'vfs',
        '--root',
        join(root, 'root'),
        '--runroot',
        join(root, 'run'),
        ...args,
      ]);
    const probe = await podman(['info', '--format', '{{.Store.GraphDriverName}}']);
    if (probe.code !== 0) {
      console.log(
        `fast-push: podman skipped: it cannot run here (${probe.stderr.trim().split('\n').at(-1)})`,
      );
    } else {
      const pulled = await podman(['pull', '--tls-verify=false', reference]);
      expect(pulled.code, pulled.stderr).toBe(0);
      const id = await podman(['image', 'inspect', '--format', '{{.Id}}', reference]);
      expect(`sha256:${id.stdout.trim()}`).toBe(originalId);
    }

    const socket = containerdSocket();
    if (socket === undefined) {
      console.log(
        "fast-push: ctr skipped: no containerd socket here (neither the test dockerd's nor /run/containerd's)",
      );
      context.skip();
    }
    const ctr = (args: string[]) =>
      run('/usr/bin/ctr', ['--address', socket as string, '--namespace', 'berth-fast-push', ...args]);
    const pulled = await ctr(['images', 'pull', '--plain-http', reference]);
    expect(pulled.code, pulled.stderr + pulled.stdout).toBe(0);
    const listed = await ctr(['images', 'list', '--quiet']);
    expect(listed.stdout).toContain(reference);
    await ctr(['images', 'rm', '--sync', reference]);
  });

  it('a second push of the same image skips every layer and writes nothing', async () => {
    const { id } = setup.service.push(reference);
    const final = await setup.service.waitFor(id);
    expect(final.state).toBe('succeeded');
    expect(final.rows.length).toBeGreaterThan(0);
    expect(final.rows.map((row) => `${row.status}:${row.done}`)).toEqual(
      final.rows.map(() => 'Already exists:true'),
    );
    expect(final.route?.writtenBytes).toBe(0);
    expect((await storedManifest(registry.url, repository, '1')).config.digest).toBe(originalId);
  });

  it('with gzip chosen, stores parallel-gzip layers that docker pulls back to the same image ID', async () => {
    setup.settings.layerCompression = 'gzip';
    try {
      const gzipReference = await tagAs(image.reference, 'fast/gzip');
      const { id } = setup.service.push(gzipReference);
      const final = await setup.service.waitFor(id);
      expect(final.error).toBeUndefined();
      expect(final.route).toMatchObject({ path: 'fast-local', layerFormat: 'gzip' });
      const manifest = await storedManifest(registry.url, 'fast/gzip', '1');
      // Layers another push of this run stored as plain tars are reused as they are; new ones are gzip.
      expect(
        manifest.layers.every((layer) =>
          [MEDIA.ociLayer, MEDIA.ociLayerGzip].includes(layer.mediaType as never),
        ),
      ).toBe(true);
      await removeImages(docker, [gzipReference]);
      await dockerOk(['pull', gzipReference]);
      expect(await imageId(gzipReference)).toBe(originalId);
    } finally {
      setup.settings.layerCompression = 'none';
    }
  });

  it('writes new layers as gzip when nothing is stored yet (a fresh image)', async () => {
    setup.settings.layerCompression = 'gzip';
    try {
      const fresh = await buildTestImage(docker, 'fast-gzip', [4 * MiB]);
      cleanup.push(fresh.reference);
      const target = await tagAs(fresh.reference, 'fast/gzip-fresh');
      const freshId = await imageId(target);
      const final = await setup.service.waitFor(setup.service.push(target).id);
      expect(final.error).toBeUndefined();
      const manifest = await storedManifest(registry.url, 'fast/gzip-fresh', '1');
      const gzipped = manifest.layers.filter((layer) => layer.mediaType === MEDIA.ociLayerGzip);
      expect(gzipped.length).toBeGreaterThan(0);
      await removeImages(docker, [target, fresh.reference]);
      await dockerOk(['pull', target]);
      expect(await imageId(target)).toBe(freshId);
      const ran = await dockerOk(['run', '--rm', target, '/bin/busybox', 'true']);
      expect(ran).toBe('');
    } finally {
      setup.settings.layerCompression = 'none';
    }
  });

  it('shares the layers of a related image that docker push stored (gzip), by diff ID', async () => {
    const base = await buildTestImage(docker, 'fast-base', [3 * MiB]);
    cleanup.push(base.reference);
    const baseTarget = await tagAs(base.reference, 'fast/base');
    setup.settings.throughDocker = true;
    try {
      const viaDocker = await setup.service.waitFor(setup.service.push(baseTarget).id);
      expect(viaDocker.route).toMatchObject({ path: 'daemon', command: `docker push ${baseTarget}` });
      expect(viaDocker.state).toBe('succeeded');
    } finally {
      setup.settings.throughDocker = false;
    }
    const baseManifest = await storedManifest(registry.url, 'fast/base', '1');
    const derived = await buildTestImage(docker, 'fast-derived', [2 * MiB], base.reference);
    cleanup.push(derived.reference);
    const derivedTarget = await tagAs(derived.reference, 'fast/derived');
    const derivedId = await imageId(derivedTarget);

    const final = await setup.service.waitFor(setup.service.push(derivedTarget).id);
    expect(final.error).toBeUndefined();
    const statuses = final.rows.map((row) => row.status);
    expect(
      statuses.filter((status) => status === 'Mounted from fast/base'),
      statuses.join(),
    ).toHaveLength(2);
    expect(final.rows.filter((row) => row.status === 'Written')).toHaveLength(1);
    const manifest = await storedManifest(registry.url, 'fast/derived', '1');
    expect(manifest.layers.slice(0, 2)).toEqual(
      baseManifest.layers.map((layer) => ({ ...layer, mediaType: MEDIA.ociLayerGzip })),
    );
    expect(manifest.layers[2]?.mediaType).toBe(MEDIA.ociLayer);

    await removeImages(docker, [derivedTarget, derived.reference]);
    await dockerOk(['pull', derivedTarget]);
    expect(await imageId(derivedTarget)).toBe(derivedId);
    expect(await dockerOk(['run', '--rm', derivedTarget, '/bin/busybox', 'true'])).toBe('');
  });

  it('a cancel mid-export leaves no tag and no half blob', async () => {
    const big = await buildTestImage(docker, 'fast-cancel', [40 * MiB, 40 * MiB, 40 * MiB]);
    cleanup.push(big.reference);
    const target = await tagAs(big.reference, 'fast/cancel');
    const { id } = setup.service.push(target);
    // Cancel while one layer is written but not yet finished (its upload session open, waiting for
    // manifest.json to tell its diff ID) and another is streaming.
    await waitUntil(
      () => {
        const rows = setup.service.get(id)?.rows ?? [];
        return (
          rows.some((row) => row.status === 'Verifying') &&
          rows.some((row) => row.status === 'Writing' && row.current > 4 * MiB)
        );
      },
      60_000,
      'a layer written and another streaming',
    );
    expect(setup.service.cancel(id)).toBe(true);
    const final = await setup.service.waitFor(id);
    expect(final.state).toBe('cancelled');
    expect(final.error?.code).toBe('CANCELLED');
    expect(await tagsOf(registry.url, 'fast/cancel')).toEqual([]);
    await waitUntil(
      async () => (await storageLeftovers(registry.dataDir)).uploads.length === 0,
      10_000,
      'the upload session to go',
    );
    expect((await storageLeftovers(registry.dataDir)).badBlobs).toEqual([]);
    // Docker itself is fine afterwards, and a new push of the same image succeeds.
    expect((await dockerCli(['version'])).code).toBe(0);
    const again = await setup.service.waitFor(setup.service.push(target).id);
    expect(again.state).toBe('succeeded');
    expect(await tagsOf(registry.url, 'fast/cancel')).toEqual(['1']);
  });

  it('with "through Docker" on, or to another registry, the push goes through docker push', () => {
    setup.settings.throughDocker = true;
    try {
      const { id } = setup.service.push(reference);
      expect(setup.service.get(id)?.route).toMatchObject({
        path: 'daemon',
        command: `docker push ${reference}`,
      });
      setup.service.cancel(id);
    } finally {
      setup.settings.throughDocker = false;
    }
    const other = setup.service.push('127.0.0.1:1/elsewhere/app:1');
    expect(setup.service.get(other.id)?.route?.path).toBe('daemon');
    setup.service.cancel(other.id);
  });
});
