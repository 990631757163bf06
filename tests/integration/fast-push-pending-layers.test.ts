// The fast push's pending layers (issue 23): a plain layer streams into an upload session and the
// export moves on to its next entry without waiting for the registry's answer; the sessions are
// finished together once manifest.json has said where each layer goes. Against Berth's real registry
// process: a refusal that comes while the next layer streams still fails the push, with no tag, no
// session and no layer left; and an image that lists one layer twice (a classic export built by the
// test: Docker 20.10's builder here never makes one) stores it once, and docker pulls it back to the
// same image ID, which runs.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pack } from 'tar-stream';
import type Docker from 'dockerode';
import { fastPush, pushExport, type FastPushReporter } from '../../electron/docker/fast-push/fast-push';
import {
  LocalRegistryClient,
  MEDIA,
  RegistryHttpError,
} from '../../electron/docker/fast-push/local-registry-client';
import {
  localPushOptions,
  storageLeftovers,
  storedManifest,
  tagsOf,
  waitUntil,
} from '../helpers/fast-push-setup';
import { dockerOk } from '../helpers/registry-clients';
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
let image: TestImage;
const cleanup: string[] = [];

beforeAll(async () => {
  docker = dockerFromEnvironment();
  registry = await startRegistry();
  image = await buildTestImage(docker, 'fast-pending', [2 * MiB, 3 * MiB, 2 * MiB]);
  cleanup.push(image.reference);
});

afterAll(async () => {
  await removeImages(docker, cleanup);
  await registry?.stop();
});

const digestOf = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
const json = (value: unknown) => Buffer.from(JSON.stringify(value));

function recorder(): FastPushReporter & { rows: Map<string, string[]> } {
  const rows = new Map<string, string[]>();
  return {
    rows,
    layer: (id, status) => {
      const seen = rows.get(id) ?? [];
      if (seen.at(-1) !== status) rows.set(id, [...seen, status]);
    },
    message: () => undefined,
    expectLayers: () => undefined,
  };
}

/**
 * The registry's own client, except that the first layer's upload, once the registry has taken all
 * of it, is refused (as a full disk would) — and only when the next layer is already streaming.
 */
class LateRefusal extends LocalRegistryClient {
  private uploads = 0;
  private nextStreaming: () => void = () => undefined;
  private readonly next = new Promise<void>((resolve) => (this.nextStreaming = resolve));

  override async streamToSession(repository: string, body: Readable, signal?: AbortSignal): Promise<string> {
    const upload = ++this.uploads;
    if (upload === 2) this.nextStreaming();
    const location = await super.streamToSession(repository, body, signal);
    if (upload !== 1) return location;
    await this.next;
    await this.cancelSession(location);
    throw new RegistryHttpError(500, 'no space left on device', 'upload');
  }
}

describe('fast push: layers stream on while the registry finishes the one before', () => {
  it('a refusal that comes while the next layer streams fails the push: no tag, no session, no layer', async () => {
    const client = new LateRefusal(registry.url);
    const repository = 'pending/refused';
    const report = recorder();
    try {
      const pushing = fastPush({ docker, ...localPushOptions(client, image.reference, repository, report) });
      await expect(pushing).rejects.toThrow(RegistryHttpError);
      await expect(pushing).rejects.toThrow(/no space left on device/);

      // The next layer was streaming when the refusal came (so at least two were); none was stored.
      const started = [...report.rows.values()].filter((statuses) => statuses.includes('Writing'));
      expect(started.length).toBeGreaterThanOrEqual(2);
      expect([...report.rows.values()].some((statuses) => statuses.includes('Written'))).toBe(false);
      expect(await tagsOf(registry.url, repository)).toEqual([]);
      const { RootFS } = (await docker.getImage(image.reference).inspect()) as {
        RootFS: { Layers: string[] };
      };
      for (const diffId of RootFS.Layers) expect(await client.hasBlob(repository, diffId)).toBe(false);
      await waitUntil(
        async () => (await storageLeftovers(registry.dataDir)).uploads.length === 0,
        10_000,
        'every upload session to be deleted',
      );
      expect((await storageLeftovers(registry.dataDir)).badBlobs).toEqual([]);
    } finally {
      client.close();
    }
  });

  it('an image listing one layer twice stores it once; docker pulls it back to the same image ID, which runs', async () => {
    const busybox = await readFile('/usr/bin/busybox');
    const shell = await tarBytes([['bin/busybox', busybox, 0o755]]);
    const data = await tarBytes([['data/note.txt', Buffer.from('between the two\n'), 0o644]]);
    const layers = [shell, data, shell];
    const exported = classicExport(layers);
    const client = new LocalRegistryClient(registry.url);
    const repository = 'pending/twice';
    const report = recorder();
    try {
      const result = await pushExport(
        exported.stream,
        localPushOptions(client, 'twice:1', repository, report),
        { imageId: exported.imageId, diffIds: exported.diffIds },
      );
      expect(result).toMatchObject({ layerFormat: 'uncompressed', layersWritten: 2, layersSkipped: 1 });
      expect(result.writtenBytes).toBe(shell.length + data.length);
      const manifest = await storedManifest(registry.url, repository, '1');
      expect(manifest.config.digest).toBe(exported.imageId);
      expect(manifest.layers.map((layer) => layer.digest)).toEqual(exported.diffIds);
      expect(manifest.layers.every((layer) => layer.mediaType === MEDIA.ociLayer)).toBe(true);
      await waitUntil(
        async () => (await storageLeftovers(registry.dataDir)).uploads.length === 0,
        10_000,
        "the second copy's session to be deleted",
      );

      const target = `${registry.address}/${repository}:1`;
      cleanup.push(target);
      await dockerOk(['pull', target]);
      expect(((await docker.getImage(target).inspect()) as { Id: string }).Id).toBe(exported.imageId);
      expect(await dockerOk(['run', '--rm', target, '/bin/busybox', 'cat', '/data/note.txt'])).toBe(
        'between the two\n',
      );
    } finally {
      client.close();
    }
  });
});

/** A layer's tar: the given files (and their folders), owned by root, a fixed mtime. */
async function tarBytes(files: [string, Buffer, number][]): Promise<Buffer> {
  const tar = pack();
  const folders = new Set<string>();
  for (const [name, bytes, mode] of files) {
    const folder = name.split('/').slice(0, -1).join('/');
    if (folder && !folders.has(folder)) {
      folders.add(folder);
      tar.entry({ name: `${folder}/`, type: 'directory', mode: 0o755, mtime: new Date(0) });
    }
    tar.entry({ name, size: bytes.length, mode, mtime: new Date(0) }, bytes);
  }
  tar.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of tar) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** `docker save`'s classic format (Docker before 25) for an image of `layers`, as a tar stream. */
function classicExport(layers: Buffer[]): { stream: Readable; imageId: string; diffIds: string[] } {
  const diffIds = layers.map(digestOf);
  const config = json({
    architecture: 'amd64',
    os: 'linux',
    config: { Cmd: ['/bin/busybox', 'true'] },
    rootfs: { type: 'layers', diff_ids: diffIds },
  });
  const imageId = digestOf(config);
  // v1 IDs: one per place in the chain (the same bytes at two places are two v1 layers).
  const v1Ids = layers.map((_, place) => digestOf(Buffer.from(`${imageId} ${place}`)).slice(7));
  const files: [string, Buffer][] = [];
  v1Ids.forEach((id, place) => {
    files.push([`${id}/`, Buffer.alloc(0)], [`${id}/VERSION`, Buffer.from('1.0')]);
    files.push([`${id}/json`, json({ id, ...(place > 0 ? { parent: v1Ids[place - 1] } : {}) })]);
    files.push([`${id}/layer.tar`, layers[place] as Buffer]);
  });
  files.push([`${imageId.slice(7)}.json`, config]);
  files.push([
    'manifest.json',
    json([
      {
        Config: `${imageId.slice(7)}.json`,
        RepoTags: ['twice:1'],
        Layers: v1Ids.map((id) => `${id}/layer.tar`),
      },
    ]),
  ]);
  files.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const tar = pack();
  for (const [name, bytes] of files) {
    if (name.endsWith('/')) tar.entry({ name, type: 'directory' });
    else tar.entry({ name, size: bytes.length }, bytes);
  }
  tar.finalize();
  return { stream: Readable.from(tar), imageId, diffIds };
}
