// The fast push from an OCI-layout export — what `docker save` writes under the containerd image
// store (and from Docker 25 on). Docker here is 20.10 with the classic store, which never writes this
// format, so the layout is built by the test (blobs/sha256/…, index.json last, as containerd's
// exporter does) and streamed into Berth's real registry process: original blobs kept byte for byte
// (compressed layers stay compressed, digests unchanged), a multi-platform index keeps the platforms
// present (a new index) or its original bytes when all are, and a second push skips blobs unread.
// The same layout read by the registry itself off a socket (the direct path, as it reads Docker's):
// the socket is a stand-in serving the layout as the daemon's answer, since no daemon here writes one.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pack } from 'tar-stream';
import {
  pushExport,
  pushThroughRegistry,
  type FastPushReporter,
} from '../../electron/docker/fast-push/fast-push';
import { LocalRegistryClient, MEDIA } from '../../electron/docker/fast-push/local-registry-client';
import { localPushOptions, storageLeftovers } from '../helpers/fast-push-setup';
import { startRegistry, type RunningRegistry } from '../helpers/registry-process';

let registry: RunningRegistry;
let client: LocalRegistryClient;

beforeAll(async () => {
  registry = await startRegistry();
  client = new LocalRegistryClient(registry.url);
});

afterAll(async () => {
  client?.close();
  await registry?.stop();
});

const digestOf = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
const json = (value: unknown) => Buffer.from(JSON.stringify(value));

interface Layout {
  files: [string, Buffer][];
  indexDigest: string;
  amd64Digest: string;
  layerDigests: string[];
}

/** An image index with linux/amd64 (all blobs present) and, when `withArm`, linux/arm64 absent. */
function buildLayout(withArm: boolean): Layout {
  const layers = [gzipSync(randomBytes(3 * 1024 * 1024)), gzipSync(Buffer.from('a small layer'))];
  const config = json({
    architecture: 'amd64',
    os: 'linux',
    rootfs: { type: 'layers', diff_ids: layers.map(() => digestOf(randomBytes(8))) },
  });
  const manifest = json({
    schemaVersion: 2,
    mediaType: MEDIA.ociManifest,
    config: { mediaType: MEDIA.ociConfig, digest: digestOf(config), size: config.length },
    layers: layers.map((layer) => ({
      mediaType: MEDIA.ociLayerGzip,
      digest: digestOf(layer),
      size: layer.length,
    })),
  });
  const children = [
    {
      mediaType: MEDIA.ociManifest,
      digest: digestOf(manifest),
      size: manifest.length,
      platform: { architecture: 'amd64', os: 'linux' },
    },
  ];
  if (withArm) {
    const absent = json({ not: 'exported' });
    children.push({
      mediaType: MEDIA.ociManifest,
      digest: digestOf(absent),
      size: absent.length,
      platform: { architecture: 'arm64', os: 'linux' },
    });
  }
  const index = json({ schemaVersion: 2, mediaType: MEDIA.ociIndex, manifests: children });
  const blob = (bytes: Buffer): [string, Buffer] => [`blobs/sha256/${digestOf(bytes).slice(7)}`, bytes];
  const files: [string, Buffer][] = [
    ['blobs/', Buffer.alloc(0)],
    blob(layers[0] as Buffer),
    blob(config),
    blob(index),
    blob(layers[1] as Buffer),
    blob(manifest),
    ['oci-layout', json({ imageLayoutVersion: '1.0.0' })],
    [
      'manifest.json',
      json([{ Config: `blobs/sha256/${digestOf(config).slice(7)}`, RepoTags: ['app:1'], Layers: [] }]),
    ],
    [
      'index.json',
      json({
        schemaVersion: 2,
        manifests: [
          {
            mediaType: MEDIA.ociIndex,
            digest: digestOf(index),
            size: index.length,
            annotations: {
              'io.containerd.image.name': 'docker.io/library/app:1',
              'org.opencontainers.image.ref.name': '1',
            },
          },
        ],
      }),
    ],
  ];
  return {
    files,
    indexDigest: digestOf(index),
    amd64Digest: digestOf(manifest),
    layerDigests: layers.map(digestOf),
  };
}

/** The layout as the tar stream `docker save` sends. */
function tarOf(layout: Layout): Readable {
  const tar = pack();
  for (const [name, bytes] of layout.files) {
    if (name.endsWith('/')) tar.entry({ name, type: 'directory' });
    else tar.entry({ name, size: bytes.length }, bytes);
  }
  tar.finalize();
  return Readable.from(tar);
}

function recorder(): FastPushReporter & { rows: Map<string, string>; messages: string[] } {
  const rows = new Map<string, string>();
  const messages: string[] = [];
  return {
    rows,
    messages,
    layer: (id, status) => rows.set(id, status),
    message: (text) => messages.push(text),
    expectLayers: () => undefined,
  };
}

async function push(layout: Layout, repository: string, report: FastPushReporter) {
  return pushExport(tarOf(layout), localPushOptions(client, 'app:1', repository, report), {
    imageId: '',
    diffIds: [],
  });
}

async function manifestBytes(repository: string, reference: string): Promise<Buffer> {
  const response = await fetch(`${registry.url}/v2/${repository}/manifests/${reference}`, {
    headers: { Accept: `${MEDIA.ociIndex}, ${MEDIA.ociManifest}` },
  });
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

describe('fast push of an OCI-layout export (containerd image store format)', () => {
  it('copies the original blobs, and keeps the platforms Docker holds in a new index', async () => {
    const layout = buildLayout(true);
    const report = recorder();
    const result = await push(layout, 'layout/partial', report);

    expect(result).toMatchObject({
      layerFormat: 'as-exported',
      platforms: ['linux/amd64'],
      layersWritten: 1,
    });
    // The big layer streamed (a row); the small one came from memory at the end.
    expect(report.rows.get(layout.layerDigests[0] as string)).toBe('Written');
    expect(report.messages.join('\n')).toMatch(/Left out platforms .*linux\/arm64/);
    for (const digest of layout.layerDigests)
      expect(await client.hasBlob('layout/partial', digest)).toBe(true);
    // The platform's manifest is stored under its original digest…
    expect(digestOf(await manifestBytes('layout/partial', layout.amd64Digest))).toBe(layout.amd64Digest);
    // …and the tag names a new index listing only it.
    const tagged = await manifestBytes('layout/partial', '1');
    expect(digestOf(tagged)).toBe(result.digest);
    expect(result.digest).not.toBe(layout.indexDigest);
    const index = JSON.parse(tagged.toString()) as { manifests: { digest: string; platform: unknown }[] };
    expect(index.manifests).toEqual([
      {
        mediaType: MEDIA.ociManifest,
        digest: layout.amd64Digest,
        size: expect.any(Number),
        platform: { architecture: 'amd64', os: 'linux' },
      },
    ]);
    expect((await storageLeftovers(registry.dataDir)).uploads).toEqual([]);
  });

  it('keeps the original index (same digest) when every platform is in the export', async () => {
    const layout = buildLayout(false);
    const result = await push(layout, 'layout/whole', recorder());
    expect(result.digest).toBe(layout.indexDigest);
    expect(digestOf(await manifestBytes('layout/whole', '1'))).toBe(layout.indexDigest);
  });

  it('a second push skips the blobs the registry has without writing them', async () => {
    const layout = buildLayout(false);
    await push(layout, 'layout/again', recorder());
    const report = recorder();
    const result = await push(layout, 'layout/again', report);
    expect(report.rows.get(layout.layerDigests[0] as string)).toBe('Already exists');
    expect(result).toMatchObject({ layersWritten: 0, writtenBytes: 0, digest: layout.indexDigest });
    // And from another repository: mounted, not written.
    const elsewhere = await push(layout, 'layout/elsewhere', recorder());
    expect(elsewhere.writtenBytes).toBe(0);
    expect(await client.hasBlob('layout/elsewhere', layout.layerDigests[0] as string)).toBe(true);
  });
});

describe('the registry reads an OCI-layout export off the socket itself (direct path)', () => {
  /** Serves `tarOf(layout)` as the daemon answers `GET /images/…/get`: chunked, 32 KiB a chunk. */
  async function standInDaemon(layout: Layout) {
    const folder = await mkdtemp(join(tmpdir(), 'berth-layout-daemon-'));
    const socketPath = join(folder, 'docker.sock');
    const server = createServer((socket) => {
      socket.once('data', () => {
        void (async () => {
          socket.write(
            'HTTP/1.1 200 OK\r\nContent-Type: application/x-tar\r\nTransfer-Encoding: chunked\r\n\r\n',
          );
          for await (const piece of tarOf(layout)) {
            const bytes = piece as Buffer;
            for (let at = 0; at < bytes.length; at += 32 * 1024) {
              const chunk = bytes.subarray(at, at + 32 * 1024);
              socket.write(`${chunk.length.toString(16)}\r\n`);
              socket.write(chunk);
              socket.write('\r\n');
            }
          }
          socket.end('0\r\n\r\n');
        })();
      });
    });
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    return {
      socketPath,
      async close() {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await rm(folder, { recursive: true, force: true });
      },
    };
  }

  it('stores the original blobs and the platforms present, with no layer byte sent by the host', async () => {
    const layout = buildLayout(true);
    const daemon = await standInDaemon(layout);
    const direct = new LocalRegistryClient(registry.url, { dockerExportToken: registry.dockerExportToken });
    const report = recorder();
    try {
      const result = await pushThroughRegistry(
        { socketPath: daemon.socketPath, path: '/v1.41/images/app%3A1/get' },
        localPushOptions(direct, 'app:1', 'layout/direct', report),
        { imageId: '', diffIds: [] },
      );
      expect(result).toMatchObject({ layerFormat: 'as-exported', platforms: ['linux/amd64'] });
      expect(report.rows.get(layout.layerDigests[0] as string)).toBe('Written');
      // Compressed layers stored as they were: same digests, same bytes.
      for (const digest of layout.layerDigests) {
        const response = await fetch(`${registry.url}/v2/layout/direct/blobs/${digest}`);
        expect(digestOf(Buffer.from(await response.arrayBuffer()))).toBe(digest);
      }
      expect(digestOf(await manifestBytes('layout/direct', layout.amd64Digest))).toBe(layout.amd64Digest);
      expect(digestOf(await manifestBytes('layout/direct', '1'))).toBe(result.digest);
      // The big layer came in through the registry's own read of the socket, not a PATCH from the host.
      const lines = registry.stderr().split('\n');
      expect(lines.filter((line) => line.startsWith('PATCH ') && line.includes('layout/direct'))).toEqual([]);
      expect((await storageLeftovers(registry.dataDir)).uploads).toEqual([]);
    } finally {
      direct.close();
      await daemon.close();
    }
  });
});
