/**
 * Garbage collection must keep everything a stored manifest reaches, not only what tags point at:
 * a multi-platform index pushed with the real skopeo (its per-platform manifests are stored by
 * digest only, reached through the index), and an image stored by digest with no tag. After a real
 * collection (through the IPC channel, as the app runs it) every platform still pulls with skopeo,
 * byte for byte, and the untagged image is whole; the only thing removed is an orphan blob.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningRegistry, startRegistry } from '../helpers/registry-process';
import { RegistryIpc } from '../helpers/registry-ipc';
import { makeImage, pushBlob, putManifest, randomBlob, sha256 } from '../helpers/registry-http';
import { runOk } from '../helpers/registry-clients';
import { writeMultiArchLayout } from '../helpers/registry-oci-layout';

const SKOPEO = '/usr/bin/skopeo';
const PLATFORMS = [
  { os: 'linux', architecture: 'amd64' },
  { os: 'linux', architecture: 'arm64', variant: 'v8' },
  { os: 'linux', architecture: 'arm', variant: 'v7' },
];

let registry: RunningRegistry;
let ipc: RegistryIpc;
let work: string;

beforeAll(async () => {
  // --gc-grace 0: a blob no manifest references is collectable at once, so the orphan below shows
  // the collection really ran (what it keeps is kept because it is reachable, not because it is new).
  registry = await startRegistry({ ipc: true, args: ['--gc-grace', '0', '--quiet'] });
  ipc = new RegistryIpc(registry.child);
  work = await mkdtemp(join(tmpdir(), 'berth-registry-gc-index-'));
});
afterAll(async () => {
  await registry?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

/** Every blob file of an OCI layout, checked against its name: digest → bytes. */
async function layoutBlobs(layout: string): Promise<Map<string, Buffer>> {
  const blobs = new Map<string, Buffer>();
  const folder = join(layout, 'blobs', 'sha256');
  for (const hex of await readdir(folder)) {
    const bytes = await readFile(join(folder, hex));
    expect(sha256(bytes), `blob file ${hex} of ${layout}`).toBe(`sha256:${hex}`);
    blobs.set(`sha256:${hex}`, bytes);
  }
  return blobs;
}

describe('garbage collection and a multi-platform index', () => {
  it('keeps every platform of a tagged index, and an untagged image, pullable', async () => {
    const source = join(work, 'source');
    const { indexDigest, manifests } = await writeMultiArchLayout(source, 'multi', PLATFORMS, 64 * 1024);
    await runOk(SKOPEO, [
      'copy',
      '--all',
      '--preserve-digests',
      '--dest-tls-verify=false',
      `oci:${source}:multi`,
      `docker://${registry.address}/gc/multi:1`,
    ]);
    const sourceBlobs = await layoutBlobs(source);

    const untagged = await makeImage(registry.url, 'gc/untagged', { layerSize: 30_000 });
    expect((await putManifest(registry.url, 'gc/untagged', untagged.digest, untagged.manifest)).status).toBe(
      201,
    );
    const orphan = await pushBlob(registry.url, 'gc/orphan', randomBlob(10_000));

    const collected = await ipc.request('gc', { dryRun: false });

    // The index, as stored, still names the three platforms.
    const index = await runOk(SKOPEO, [
      'inspect',
      '--raw',
      '--tls-verify=false',
      `docker://${registry.address}/gc/multi:1`,
    ]);
    expect(sha256(index.stdout)).toBe(indexDigest);

    for (const [position, digest] of manifests.entries()) {
      const platform = PLATFORMS[position]!;
      // skopeo pulls the platform's manifest, config and layer by digest and checks each digest.
      const pulled = join(work, `pulled-${platform.architecture}`);
      await runOk(SKOPEO, [
        'copy',
        '--preserve-digests',
        '--src-tls-verify=false',
        `docker://${registry.address}/gc/multi@${digest}`,
        `oci:${pulled}:p`,
      ]);
      // And independently of skopeo: every pulled file hashes to its name and is the pushed bytes.
      const pulledBlobs = await layoutBlobs(pulled);
      const manifest = JSON.parse(pulledBlobs.get(digest)?.toString('utf8') ?? 'null') as {
        config: { digest: string };
        layers: Array<{ digest: string }>;
      };
      const expected = [digest, manifest.config.digest, ...manifest.layers.map((layer) => layer.digest)];
      expect([...pulledBlobs.keys()].sort()).toEqual([...expected].sort());
      for (const blob of expected) expect(pulledBlobs.get(blob)?.equals(sourceBlobs.get(blob)!)).toBe(true);
      const config = JSON.parse(pulledBlobs.get(manifest.config.digest)!.toString('utf8')) as {
        architecture: string;
      };
      expect(config.architecture).toBe(platform.architecture);
    }

    // The untagged image: its manifest by digest, then its config and layer, byte for byte.
    const stored = await fetch(`${registry.url}/v2/gc/untagged/manifests/${untagged.digest}`);
    expect(stored.status).toBe(200);
    expect(sha256(Buffer.from(await stored.arrayBuffer()))).toBe(untagged.digest);
    for (const blob of [untagged.config, untagged.layer]) {
      const response = await fetch(`${registry.url}/v2/gc/untagged/blobs/${blob.digest}`);
      expect(response.status).toBe(200);
      const bytes = Buffer.from(await response.arrayBuffer());
      expect([bytes.length, `sha256:${createHash('sha256').update(bytes).digest('hex')}`]).toEqual([
        blob.size,
        blob.digest,
      ]);
    }
    // The orphan, and only it, is gone; a second collection finds nothing more.
    expect(collected.digests).toEqual([orphan]);
    expect((await fetch(`${registry.url}/v2/gc/orphan/blobs/${orphan}`)).status).toBe(404);
    expect((await ipc.request('gc', { dryRun: true })).digests).toEqual([]);
  });
});
