/**
 * A TransferService wired for the fast local push against Berth's real registry process, for the
 * fast-push integration tests: the registry on an ephemeral port, settings the test can change; and
 * the options of a fast push a test calls directly.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type Docker from 'dockerode';
import { EventBus } from '../../electron/api/event-bus';
import type { TransferSnapshot } from '../../electron/api/contract/transfers';
import type {
  FastPushOptions,
  FastPushReporter,
  LayerCompression,
} from '../../electron/docker/fast-push/fast-push';
import { LayerIndex } from '../../electron/docker/fast-push/layer-index';
import type { LocalRegistryClient } from '../../electron/docker/fast-push/local-registry-client';
import { MemoryRegistryAuth } from '../../electron/docker/registry-auth';
import { TransferService } from '../../electron/docker/transfers';
import type { RunningRegistry } from './registry-process';

export interface FastPushSetup {
  service: TransferService;
  bus: EventBus;
  settings: { throughDocker: boolean; layerCompression: LayerCompression };
  /** Every snapshot emitted, in order. */
  events: TransferSnapshot[];
}

/**
 * `direct`: the registry reads Docker's export itself (the default, as in the app); false: the
 * export streams through this process (a daemon on TCP, or a registry without the endpoint).
 */
export function fastPushService(docker: Docker, registry: RunningRegistry, direct = true): FastPushSetup {
  const bus = new EventBus();
  const events: TransferSnapshot[] = [];
  bus.subscribe((name, payload) => {
    if (name === 'transfers.progress') events.push(payload as TransferSnapshot);
  });
  const settings = { throughDocker: false, layerCompression: 'none' as LayerCompression };
  const service = new TransferService(docker, bus, new MemoryRegistryAuth(), {
    emitIntervalMs: 20,
    localRegistry: {
      url: () => registry.url,
      dockerExportToken: () => (direct ? registry.dockerExportToken : undefined),
      settings: () => settings,
    },
  });
  return { service, bus, settings, events };
}

/** An OCI/Docker manifest as the registry serves it. */
export interface StoredManifest {
  mediaType: string;
  config: { digest: string };
  layers: { mediaType: string; digest: string; size: number }[];
}

export async function storedManifest(
  registryUrl: string,
  repository: string,
  tag: string,
): Promise<StoredManifest> {
  const response = await fetch(`${registryUrl}/v2/${repository}/manifests/${tag}`, {
    headers: {
      Accept:
        'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json',
    },
  });
  if (!response.ok) throw new Error(`manifest ${repository}:${tag}: HTTP ${response.status}`);
  return (await response.json()) as StoredManifest;
}

/** The tags of a repository (none when it doesn't exist). */
export async function tagsOf(registryUrl: string, repository: string): Promise<string[]> {
  const response = await fetch(`${registryUrl}/v2/${repository}/tags/list`);
  if (response.status === 404) return [];
  return ((await response.json()) as { tags?: string[] | null }).tags ?? [];
}

/**
 * Every blob file under the registry's blobs/ whose bytes don't hash to its name (a half blob), and
 * the upload sessions left in uploads/.
 */
export async function storageLeftovers(dataDir: string): Promise<{ badBlobs: string[]; uploads: string[] }> {
  const badBlobs: string[] = [];
  const blobsRoot = join(dataDir, 'blobs', 'sha256');
  for (const prefix of existsSync(blobsRoot) ? await readdir(blobsRoot) : []) {
    for (const hex of await readdir(join(blobsRoot, prefix))) {
      const hash = createHash('sha256');
      for await (const chunk of createReadStream(join(blobsRoot, prefix, hex))) hash.update(chunk as Buffer);
      if (hash.digest('hex') !== hex) badBlobs.push(hex);
    }
  }
  const uploadsRoot = join(dataDir, 'uploads');
  const uploads = existsSync(uploadsRoot) ? await readdir(uploadsRoot) : [];
  return { badBlobs, uploads };
}

/** Resolves once `check` answers true (checked every 50 ms), or throws after `timeoutMs`. */
export async function waitUntil(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The socket of the containerd that the test dockerd runs (for `ctr`), if there is one. */
export function containerdSocket(): string | undefined {
  const dockerHost = process.env.DOCKER_HOST ?? '';
  const candidates = [
    dockerHost.startsWith('unix://')
      ? join(dirname(dockerHost.slice(7)), 'exec', 'containerd', 'containerd.sock')
      : '',
    '/run/containerd/containerd.sock',
    '/var/run/docker/containerd/containerd.sock',
  ];
  return candidates.find((path) => path !== '' && existsSync(path));
}

/**
 * The options of one fast push called directly (`fastPush`, `pushExport`, `pushThroughRegistry`):
 * `image` into `repository:1` through `client`, plain layers, never cancelled.
 */
export function localPushOptions(
  client: LocalRegistryClient,
  image: string,
  repository: string,
  report: FastPushReporter,
): Omit<FastPushOptions, 'docker'> {
  return {
    image,
    registry: client,
    layers: new LayerIndex(client),
    repository,
    tag: '1',
    compression: 'none',
    signal: new AbortController().signal,
    report,
  };
}
