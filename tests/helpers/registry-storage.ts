/**
 * The registry's storage layer over real temp folders, for unit tests: fresh storages that an
 * `afterEach` removes, content digests, and a blob uploaded the way a monolithic push stores it.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { type Digest, parseDigest } from '../../electron/registry/server/names';
import { RegistryStorage } from '../../electron/registry/server/storage/registry-storage';

/** Storages in temp folders; `removeAll` (from an `afterEach`) deletes the folders. */
export class TempStorages {
  private readonly roots: string[] = [];

  /** A prepared storage in a new temp folder, or on `root` (kept: its creator removes it). */
  async create(
    options: ConstructorParameters<typeof RegistryStorage>[1] = {},
    root?: string,
  ): Promise<RegistryStorage> {
    const dir = root ?? (await mkdtemp(join(tmpdir(), 'berth-registry-unit-')));
    if (!root) this.roots.push(dir);
    const storage = new RegistryStorage(dir, options);
    await storage.prepare();
    return storage;
  }

  async removeAll(): Promise<void> {
    for (const root of this.roots.splice(0)) await rm(root, { recursive: true, force: true });
  }
}

export function digestOf(bytes: Buffer): Digest {
  return parseDigest(`sha256:${createHash('sha256').update(bytes).digest('hex')}`);
}

/** Uploads `bytes` to repository `name` in one piece and commits it; answers its digest. */
export async function uploadBlob(storage: RegistryStorage, name: string, bytes: Buffer): Promise<Digest> {
  const { uuid } = await storage.uploads.create(name);
  const digest = digestOf(bytes);
  await storage.uploads.complete(name, uuid, digest, Readable.from([bytes]));
  return digest;
}
