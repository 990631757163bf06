// The fast push with gzip layers (issue 23) when the registry is slow to open an upload session, as
// it is on a busy machine: the gzip output must wait for the upload, not flow past it. (It once did:
// the output was hashed as it flowed, and what came before the upload had started was hashed but
// never sent, so the registry refused the layer with DIGEST_INVALID — seen in bench:fastpush under
// load.) Against the real dockerd and Berth's real registry process; the delay is the only thing
// added, in the registry's client.
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Docker from 'dockerode';
import { fastPush } from '../../electron/docker/fast-push/fast-push';
import { LayerIndex } from '../../electron/docker/fast-push/layer-index';
import { LocalRegistryClient, MEDIA } from '../../electron/docker/fast-push/local-registry-client';
import { storedManifest } from '../helpers/fast-push-setup';
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
  image = await buildTestImage(docker, 'fast-gzip-slow', [6 * MiB, 3 * MiB]);
  cleanup.push(image.reference);
});

afterAll(async () => {
  await removeImages(docker, cleanup);
  await registry?.stop();
});

/** The registry's own client, answering each new upload session only after 400 ms. */
class SlowToOpen extends LocalRegistryClient {
  override async streamToSession(repository: string, body: Readable, signal?: AbortSignal): Promise<string> {
    await sleep(400);
    return super.streamToSession(repository, body, signal);
  }
}

describe('fast push with gzip layers, the registry slow to open uploads', () => {
  it('stores every layer whole: docker pulls the image back to the same ID, which runs', async () => {
    const client = new SlowToOpen(registry.url);
    const repository = 'gzip/slow';
    try {
      const result = await fastPush({
        docker,
        image: image.reference,
        registry: client,
        layers: new LayerIndex(client),
        repository,
        tag: '1',
        compression: 'gzip',
        signal: new AbortController().signal,
        report: { layer: () => undefined, message: () => undefined, expectLayers: () => undefined },
      });
      expect(result).toMatchObject({ layerFormat: 'gzip', layersWritten: 3, layersSkipped: 0 });
      const manifest = await storedManifest(registry.url, repository, '1');
      expect(manifest.layers.map((layer) => layer.mediaType)).toEqual(Array(3).fill(MEDIA.ociLayerGzip));
    } finally {
      client.close();
    }
    const target = `${registry.address}/${repository}:1`;
    cleanup.push(target);
    const { Id } = (await docker.getImage(image.reference).inspect()) as { Id: string };
    await removeImages(docker, [image.reference]);
    await dockerOk(['pull', target]);
    expect(((await docker.getImage(target).inspect()) as { Id: string }).Id).toBe(Id);
    expect(await dockerOk(['run', '--rm', target, '/bin/busybox', 'true'])).toBe('');
  });
});
