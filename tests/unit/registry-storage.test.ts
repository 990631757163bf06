/**
 * The storage layer in-process over real temp folders: concurrent commits of one blob, an upload
 * resumed by a fresh storage instance (as after a restart), the sweep, tags replaced atomically, and
 * garbage collection's protection of blobs a push relies on.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { GarbageCollector } from '../../electron/registry/server/gc';
import { parseDigest } from '../../electron/registry/server/names';
import { UploadOffsetMismatch } from '../../electron/registry/server/storage/upload-errors';
import { digestOf, TempStorages, uploadBlob } from '../helpers/registry-storage';

const storages = new TempStorages();
afterEach(() => storages.removeAll());

describe('blobs and uploads', () => {
  it('commits the same blob from many uploads at once, keeping one copy', async () => {
    const storage = await storages.create();
    const bytes = randomBytes(512 * 1024);
    const digests = await Promise.all(
      Array.from({ length: 8 }, (_, i) => uploadBlob(storage, `repo${i % 3}`, bytes)),
    );
    expect(new Set(digests.map((d) => d.value)).size).toBe(1);
    const digest = digests[0]!;
    expect(await readdir(join(storage.paths.blobsRoot, 'sha256', digest.hex.slice(0, 2)))).toEqual([
      digest.hex,
    ]);
    expect((await readFile(storage.paths.blob(digest))).equals(bytes)).toBe(true);
    expect(await readdir(storage.paths.uploadsRoot)).toEqual([]);
    expect(await storage.blobs.getTotals()).toEqual({ blobs: 1, bytes: bytes.length });
  });

  it('resumes an upload in a fresh instance by re-hashing the partial file, and truncates an unacknowledged tail', async () => {
    const first = await storages.create();
    const bytes = randomBytes(300_000);
    const { uuid } = await first.uploads.create('resume/me');
    await first.uploads.append('resume/me', uuid, Readable.from([bytes.subarray(0, 100_000)]), { start: 0 });

    const second = await storages.create({}, first.paths.root);
    expect(await second.uploads.status('resume/me', uuid)).toEqual({ uuid, offset: 100_000 });
    await expect(
      second.uploads.append('resume/me', uuid, Readable.from([bytes.subarray(200_000)]), { start: 200_000 }),
    ).rejects.toEqual(new UploadOffsetMismatch(uuid, 100_000, 200_000));
    await expect(second.uploads.status('other/repo', uuid)).rejects.toMatchObject({
      code: 'BLOB_UPLOAD_UNKNOWN',
    });
    await second.uploads.append('resume/me', uuid, Readable.from([bytes.subarray(100_000, 200_000)]), {
      start: 100_000,
    });
    await second.uploads.complete(
      'resume/me',
      uuid,
      digestOf(bytes),
      Readable.from([bytes.subarray(200_000)]),
    );
    expect((await readFile(second.paths.blob(digestOf(bytes)))).equals(bytes)).toBe(true);
  });

  it('refuses to resume an upload whose file lost acknowledged bytes (BLOB_UPLOAD_INVALID), and drops it', async () => {
    const first = await storages.create();
    const { uuid } = await first.uploads.create('resume/lost');
    await first.uploads.append('resume/lost', uuid, Readable.from([randomBytes(100_000)]), { start: 0 });
    // As after a crash of a disk that didn't keep what it acknowledged.
    await truncate(first.paths.uploadData(uuid), 40_000);

    const second = await storages.create({}, first.paths.root);
    await expect(
      second.uploads.append('resume/lost', uuid, Readable.from([randomBytes(10)]), { start: 100_000 }),
    ).rejects.toMatchObject({ code: 'BLOB_UPLOAD_INVALID' });
    await expect(second.uploads.status('resume/lost', uuid)).rejects.toMatchObject({
      code: 'BLOB_UPLOAD_UNKNOWN',
    });
    expect(await readdir(second.paths.uploadsRoot)).toEqual([]);
  });

  it('refuses a wrong digest, cancels the upload and keeps nothing', async () => {
    const storage = await storages.create();
    const { uuid } = await storage.uploads.create('wrong');
    await expect(
      storage.uploads.complete(
        'wrong',
        uuid,
        digestOf(Buffer.from('other')),
        Readable.from([Buffer.from('bytes')]),
      ),
    ).rejects.toMatchObject({ code: 'DIGEST_INVALID' });
    await expect(storage.uploads.status('wrong', uuid)).rejects.toMatchObject({
      code: 'BLOB_UPLOAD_UNKNOWN',
    });
    expect(await storage.blobs.getTotals()).toEqual({ blobs: 0, bytes: 0 });
  });

  it('verifies sha512 digests too', async () => {
    const storage = await storages.create();
    const bytes = randomBytes(1000);
    const digest = parseDigest(`sha512:${createHash('sha512').update(bytes).digest('hex')}`);
    const { uuid } = await storage.uploads.create('five/twelve');
    await storage.uploads.complete('five/twelve', uuid, digest, Readable.from([bytes]));
    expect(await storage.blobs.size(digest)).toBe(1000);
  });

  it('sweeps idle uploads', async () => {
    const storage = await storages.create({ uploadMaxIdleMs: 0 });
    await storage.uploads.create('idle');
    // The state file's mtime has sub-millisecond precision and Date.now() is truncated: right after
    // the write the file can look a fraction of a millisecond newer than "now" (a flaky failure).
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await storage.sweepUploads()).toBe(1);
    expect(await readdir(storage.paths.uploadsRoot)).toEqual([]);
  });
});

describe('the data folder', () => {
  const folders: string[] = [];
  afterEach(async () => {
    for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true });
  });
  const folder = async () => {
    const made = await mkdtemp(join(tmpdir(), 'berth-registry-folder-'));
    folders.push(made);
    return made;
  };

  it("refuses a folder of someone else's files and deletes none of them", async () => {
    const root = await folder();
    // What start-up would otherwise empty (tmp/) and sweep (uploads/), next to the user's own file.
    await mkdir(join(root, 'tmp'));
    await writeFile(join(root, 'tmp', 'draft.txt'), 'mine');
    await mkdir(join(root, 'uploads', 'holiday'), { recursive: true });
    await writeFile(join(root, 'uploads', 'holiday', 'photo.jpg'), 'mine');
    await writeFile(join(root, 'notes.txt'), 'mine');
    await expect(storages.create({}, root)).rejects.toThrow(/notes\.txt.*choose an empty folder/);
    expect(await readFile(join(root, 'tmp', 'draft.txt'), 'utf8')).toBe('mine');
    expect(await readFile(join(root, 'uploads', 'holiday', 'photo.jpg'), 'utf8')).toBe('mine');
    expect((await readdir(root)).sort()).toEqual(['notes.txt', 'tmp', 'uploads']);
  });

  it('marks an empty folder as its own, and takes its own folder back after a restart', async () => {
    const root = await folder();
    const first = await storages.create({}, root);
    const digest = await uploadBlob(first, 'mine/app', randomBytes(100));
    expect((await readdir(root)).sort()).toEqual([
      '.berth-registry',
      'blobs',
      'repositories',
      'tmp',
      'uploads',
    ]);
    // A file of the user's put next to it later doesn't make the registry's folder unusable.
    await writeFile(join(root, 'README.txt'), 'what this folder is');
    const second = await storages.create({}, join(root));
    expect(await second.blobs.size(digest)).toBe(100);
  });

  it('takes a folder made before the mark existed (only its own folders in it)', async () => {
    const root = await folder();
    for (const own of ['blobs', 'repositories', 'uploads', 'tmp']) await mkdir(join(root, own));
    await storages.create({}, root);
    expect(await readdir(root)).toContain('.berth-registry');
  });
});

describe('tags', () => {
  it('replaces a tag atomically under concurrent writers', async () => {
    const storage = await storages.create();
    const digests = Array.from({ length: 20 }, () => digestOf(randomBytes(8)));
    await Promise.all(digests.map((digest) => storage.tags.set('t', 'latest', digest)));
    const onDisk = (await readFile(storage.paths.tag('t', 'latest'), 'utf8')).trim();
    expect(digests.map((d) => d.value)).toContain(onDisk);
    expect((await storage.tags.get('t', 'latest'))?.value).toBe(onDisk);
    expect(await readdir(storage.paths.tmpRoot)).toEqual([]);
  });

  it('keeps no memory for tags that do not exist (any client can ask for endless made-up ones)', async () => {
    const storage = await storages.create();
    const digest = digestOf(randomBytes(8));
    await storage.tags.set('t', 'real', digest);
    for (let index = 0; index < 2_000; index += 1)
      expect(await storage.tags.get('t', `made-up-${index}`)).toBeUndefined();
    const cached = (storage.tags as unknown as { cache: Map<string, unknown> }).cache;
    expect([...cached.keys()]).toEqual(['t:real']);
    // Deleted, the tag is gone from memory too, and reads as absent.
    expect(await storage.tags.delete('t', 'real')).toBe(true);
    expect(cached.size).toBe(0);
    expect(await storage.tags.get('t', 'real')).toBeUndefined();
  });
});

describe('garbage collection', () => {
  it('keeps blobs a push relies on within the grace period, frees them after', async () => {
    const protectedStorage = await storages.create();
    const pending = await uploadBlob(protectedStorage, 'gc/push', randomBytes(1000));
    expect((await new GarbageCollector(protectedStorage).run(false)).digests).toEqual([]);
    expect(await protectedStorage.blobs.size(pending)).toBe(1000);

    const noGrace = await storages.create({ pendingGraceMs: 0 });
    const abandoned = await uploadBlob(noGrace, 'gc/push', randomBytes(1000));
    // GC never removes files newer than its start; make sure the blob is older.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const result = await new GarbageCollector(noGrace).run(false);
    expect(result.digests).toEqual([abandoned.value]);
    expect(await noGrace.blobs.size(abandoned)).toBeUndefined();
    expect(await noGrace.repositories.hasLayer('gc/push', abandoned)).toBe(false);
  });

  it('keeps the blobs of a manifest stored while a collection runs (its mark may have missed it)', async () => {
    const storage = await storages.create();
    const blob = await uploadBlob(storage, 'gc/race', randomBytes(1000));
    await new Promise((resolve) => setTimeout(resolve, 20));
    storage.guard.beginCollection();
    // The manifest referencing the blob is linked after the mark listed the repository.
    storage.guard.settle([blob.value]);
    expect(await storage.blobs.remove(blob)).toBeUndefined();
    storage.guard.endCollection();
    expect(await storage.blobs.size(blob)).toBe(1000);
  });

  it('answers a blob the sweep is removing as absent, to every reader, and a new commit of it lands after', async () => {
    const storage = await storages.create({ pendingGraceMs: 0 });
    const bytes = randomBytes(1000);
    const blob = await uploadBlob(storage, 'gc/going', bytes);
    expect(await storage.blobs.size(blob)).toBe(1000);
    storage.guard.markDeleting(blob.value);
    // HEAD, GET and manifest reads all see it gone the instant the sweep decided.
    expect(await storage.blobs.size(blob, true)).toBeUndefined();
    expect(await storage.blobs.open(blob)).toBeUndefined();
    expect(await storage.blobs.read(blob)).toBeUndefined();
    storage.guard.doneDeleting(blob.value);

    // The sweep itself: the commit of the same digest queued on its lock lands after the unlink.
    await new Promise((resolve) => setTimeout(resolve, 20));
    storage.guard.beginCollection();
    const removed = storage.blobs.remove(blob);
    const again = uploadBlob(storage, 'gc/going', bytes);
    expect(await removed).toBe(1000);
    storage.guard.endCollection();
    await again;
    expect((await readFile(storage.paths.blob(blob))).equals(bytes)).toBe(true);
    expect(await storage.blobs.size(blob)).toBe(1000);
  });

  it('keeps a blob touched while the collection runs', async () => {
    const storage = await storages.create({ pendingGraceMs: 0 });
    const blob = await uploadBlob(storage, 'gc/race', randomBytes(1000));
    await new Promise((resolve) => setTimeout(resolve, 20));
    storage.guard.beginCollection();
    storage.guard.touch(blob.value);
    expect(await storage.blobs.remove(blob)).toBeUndefined();
    storage.guard.endCollection();
    expect(await storage.blobs.size(blob)).toBe(1000);
  });
});
