/**
 * "Delete tag" as the Local registry view means it, over real storage in a temp folder: the
 * manifest leaves the repository only when nothing else there uses it — another tag, or an index
 * still stored that lists it — so deleting one tag never breaks a pull of another.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { Inventory } from '../../electron/registry/server/inventory';
import { type Digest, parseReference } from '../../electron/registry/server/names';
import type { RegistryStorage } from '../../electron/registry/server/storage/registry-storage';
import { digestOf, TempStorages, uploadBlob } from '../helpers/registry-storage';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const REPO = 'multi/app';

const storages = new TempStorages();
afterEach(() => storages.removeAll());

async function pushBlob(storage: RegistryStorage, bytes: Buffer): Promise<{ digest: string; size: number }> {
  return { digest: (await uploadBlob(storage, REPO, bytes)).value, size: bytes.length };
}

/** Fresh storage holding an amd64 and an arm64 image, stored by digest and not yet tagged. */
async function twoPlatforms(): Promise<{
  storage: RegistryStorage;
  inventory: Inventory;
  amd64: Digest;
  arm64: Digest;
}> {
  const storage = await storages.create();
  return {
    storage,
    inventory: new Inventory(storage),
    amd64: await pushImage(storage, 'amd64'),
    arm64: await pushImage(storage, 'arm64'),
  };
}

/** A one-layer image for `architecture`, stored by digest (as `docker buildx` pushes platforms). */
async function pushImage(storage: RegistryStorage, architecture: string): Promise<Digest> {
  const config = await pushBlob(storage, Buffer.from(JSON.stringify({ architecture, os: 'linux' })));
  const layer = await pushBlob(storage, randomBytes(2048));
  const bytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...layer }],
    }),
  );
  const digest = digestOf(bytes);
  await storage.manifests.put(REPO, { kind: 'digest', digest }, bytes, OCI_MANIFEST);
  return digest;
}

async function pushIndex(storage: RegistryStorage, tag: string, children: Digest[]): Promise<Digest> {
  const manifests = [];
  for (const [place, child] of children.entries()) {
    const stored = await storage.manifests.load(child);
    manifests.push({
      mediaType: OCI_MANIFEST,
      digest: child.value,
      size: stored!.bytes.length,
      platform: { os: 'linux', architecture: place === 0 ? 'amd64' : 'arm64' },
    });
  }
  const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests }));
  return (await storage.manifests.put(REPO, parseReference(tag), bytes, OCI_INDEX)).digest;
}

/** Whether a pull of `digest` from the repository would find it (what GET /manifests/<digest> checks). */
async function pullable(storage: RegistryStorage, digest: Digest): Promise<boolean> {
  return (await storage.manifests.resolve(REPO, { kind: 'digest', digest })) !== undefined;
}

describe('deleting a tag', () => {
  it('keeps a platform image that a remaining tagged index lists', async () => {
    const { storage, inventory, amd64, arm64 } = await twoPlatforms();
    const index = await pushIndex(storage, 'all', [amd64, arm64]);
    await storage.tags.set(REPO, 'amd64', amd64);

    expect(await inventory.deleteTag(REPO, 'amd64')).toEqual({ digest: amd64.value });
    expect(await storage.tags.get(REPO, 'amd64')).toBeUndefined();
    // The index still lists it: a pull of "all" on amd64 fetches it by digest.
    expect(await pullable(storage, amd64)).toBe(true);
    expect(await pullable(storage, index)).toBe(true);

    // The index's own last tag goes: now nothing uses the index or its platforms.
    expect(await inventory.deleteTag(REPO, 'all')).toEqual({ digest: index.value });
    expect(await pullable(storage, index)).toBe(false);
    expect(await pullable(storage, amd64)).toBe(false);
    expect(await pullable(storage, arm64)).toBe(false);
    expect(await inventory.repositories()).toEqual([
      { name: REPO, tags: [], untaggedSize: expect.any(Number) as number },
    ]);
  });

  it('keeps a manifest another tag names, and drops it with the last tag', async () => {
    const storage = await storages.create();
    const inventory = new Inventory(storage);
    const image = await pushImage(storage, 'amd64');
    await storage.tags.set(REPO, '1.0', image);
    await storage.tags.set(REPO, 'latest', image);

    await inventory.deleteTag(REPO, '1.0');
    expect(await pullable(storage, image)).toBe(true);
    const [listed] = await inventory.repositories();
    expect(listed?.tags.map((tag) => [tag.tag, tag.digest, tag.platforms])).toEqual([
      ['latest', image.value, ['linux/amd64']],
    ]);

    await inventory.deleteTag(REPO, 'latest');
    expect(await pullable(storage, image)).toBe(false);
  });

  it('keeps the children of a deleted index that another index still lists', async () => {
    const { storage, inventory, amd64, arm64 } = await twoPlatforms();
    const both = await pushIndex(storage, 'both', [amd64, arm64]);
    await pushIndex(storage, 'amd64-only', [amd64]);

    await inventory.deleteTag(REPO, 'both');
    expect(await pullable(storage, both)).toBe(false);
    expect(await pullable(storage, arm64)).toBe(false);
    expect(await pullable(storage, amd64)).toBe(true);
  });

  it('refuses a tag or repository that is not there, and invalid names, each with its OCI code', async () => {
    const storage = await storages.create();
    const inventory = new Inventory(storage);
    await pushImage(storage, 'amd64');
    await expect(inventory.deleteTag(REPO, 'nope')).rejects.toMatchObject({ code: 'MANIFEST_UNKNOWN' });
    await expect(inventory.deleteTag('no/such/repo', 'x')).rejects.toMatchObject({ code: 'NAME_UNKNOWN' });
    await expect(inventory.deleteTag('Bad/Name', 'x')).rejects.toMatchObject({ code: 'NAME_INVALID' });
  });
});
