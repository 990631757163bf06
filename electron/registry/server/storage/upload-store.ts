/**
 * Blob uploads in progress (uploads/<uuid>/{data,state.json}). Bytes are streamed straight to the
 * data file, never held whole in memory; after each chunk lands, the upload's running hash (kept in
 * a worker thread, see hash-pool.ts) is fed the new range. Node's Hash can't be serialised, so after
 * a restart (or a lost worker) the next request re-hashes the partial file once. state.json's offset
 * counts acknowledged bytes only: a chunk cut short is truncated away. Completing an upload verifies
 * the digest, fsyncs and hands the file to the blob store, which renames it into place.
 */
import { mkdir, readFile, rmdir, stat, truncate, writeFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { BlobStore } from './blob-store';
import { readdirQuiet } from './blob-store';
import { type DirectoryCache, isNotFound, removeQuietly, writeFileAtomic } from './atomic-file';
import { BackgroundFlushes } from './background-flush';
import { writeChunk } from './chunk-writer';
import type { HashPool } from './hash-pool';
import { KeyedLock } from './keyed-lock';
import type { StoragePaths } from './paths';
import type { RepositoryStore } from './repository-store';
import { UploadLimitReached, UploadOffsetMismatch } from './upload-errors';
import { registryError } from '../errors';
import type { Digest } from '../names';

/** How far a chunk's bytes run ahead of the worker hashing them. */
const HASH_STEP = 8 * 1024 * 1024;
const UUID_PATTERN = /^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$/;

/** What a client learns about an upload: its id and how many bytes were received. */
export interface UploadStatus {
  uuid: string;
  offset: number;
}

interface PersistedState {
  name: string;
  offset: number;
  startedAt: number;
}

interface Session extends PersistedState {
  uuid: string;
  /** The client address that started it ('' when unknown, or after a restart). */
  client: string;
  /** When a request last used it (in this process). */
  touchedAt: number;
  /** Bytes fed to the running hash in the pool; undefined when it must be rebuilt from the file. */
  hashed: number | undefined;
}

/** Chunk-wise options for `append`/`complete`. */
export interface ChunkOptions {
  /** First byte of the chunk (from Content-Range); must equal the upload's offset (else UploadOffsetMismatch). */
  start?: number;
  /** Declared chunk length; the body must match it. */
  length?: number;
  signal?: AbortSignal;
  /** Told how many bytes of this chunk are in the file, each time another batch is written. */
  progress?: (written: number) => void;
}

/** Limits on open upload sessions; see `UploadStore.create`. */
export interface UploadLimits {
  /** Open sessions one client address may hold. */
  perClient: number;
  /** Sessions idle this long are swept when a client nears its limit (the regular sweep waits longer). */
  busyIdleMs: number;
}

/**
 * Default limits. Docker pushes up to 5 layers at once per image, so 256 leaves room for dozens of
 * pushes from one machine (every local client shares 127.0.0.1) while a client that opens sessions
 * and abandons them can't fill the disk's inode table or the process's memory.
 */
export const DEFAULT_UPLOAD_LIMITS: UploadLimits = { perClient: 256, busyIdleMs: 5 * 60_000 };

/** Creates, appends to, completes, cancels and sweeps uploads. */
export class UploadStore {
  private readonly sessions = new Map<string, Session>();
  /** Open sessions started in this process, by client address. */
  private readonly byClient = new Map<string, Set<string>>();
  private readonly locks = new KeyedLock();
  /** Datasyncs of upload files started while they stream in. */
  private readonly flushes = new BackgroundFlushes();

  constructor(
    private readonly paths: StoragePaths,
    private readonly dirs: DirectoryCache,
    private readonly blobs: BlobStore,
    private readonly repositories: RepositoryStore,
    private readonly hashes: HashPool,
    private readonly limits: UploadLimits = DEFAULT_UPLOAD_LIMITS,
  ) {}

  /**
   * Starts an upload into repository `name` for `client` (its address). When the client holds three
   * quarters of its limit, its sessions idle for `busyIdleMs` are swept first; at the limit, it is
   * refused (UploadLimitReached) until one finishes, is cancelled or goes stale.
   */
  async create(name: string, client = ''): Promise<UploadStatus> {
    await this.makeRoomFor(client);
    const uuid = process.getBuiltinModule('node:crypto').randomUUID();
    const now = Date.now();
    const session: Session = {
      uuid,
      name,
      offset: 0,
      startedAt: now,
      client,
      touchedAt: now,
      hashed: undefined,
    };
    // mkdir without the cache: the folder is new, and forgetting it later keeps the cache small.
    await mkdir(this.paths.upload(uuid), { recursive: true });
    // A fresh file in a fresh folder needs no temp+rename: torn, it fails to parse and is swept.
    // The data file is created by the first chunk.
    await writeFile(
      this.paths.uploadState(uuid),
      JSON.stringify({ name, offset: 0, startedAt: session.startedAt } satisfies PersistedState),
    );
    this.track(session);
    // Its hash worker starts now, while the client gets ready to send (see hash-pool.ts).
    this.hashes.prepare(uuid);
    return { uuid, offset: 0 };
  }

  private async makeRoomFor(client: string): Promise<void> {
    const open = this.byClient.get(client);
    if (!open || open.size < Math.ceil(this.limits.perClient * 0.75)) return;
    const cutoff = Date.now() - this.limits.busyIdleMs;
    for (const uuid of [...open]) {
      const session = this.sessions.get(uuid);
      if (!session || this.locks.isHeld(uuid) || session.touchedAt > cutoff) continue;
      await this.locks.run(uuid, () => this.discard(session));
    }
    if (open.size >= this.limits.perClient) throw new UploadLimitReached(open.size, this.limits.busyIdleMs);
  }

  private track(session: Session): void {
    this.sessions.set(session.uuid, session);
    let open = this.byClient.get(session.client);
    if (!open) this.byClient.set(session.client, (open = new Set()));
    open.add(session.uuid);
  }

  private untrack(uuid: string): void {
    const session = this.sessions.get(uuid);
    this.sessions.delete(uuid);
    if (!session) return;
    const open = this.byClient.get(session.client);
    open?.delete(uuid);
    if (open?.size === 0) this.byClient.delete(session.client);
  }

  /** The upload's progress; BLOB_UPLOAD_UNKNOWN when it doesn't exist in `name`. */
  async status(name: string, uuid: string): Promise<UploadStatus> {
    const session = await this.load(name, uuid);
    return { uuid, offset: session.offset };
  }

  /** Appends a chunk streamed from `body`. */
  async append(
    name: string,
    uuid: string,
    body: Readable,
    options: ChunkOptions = {},
  ): Promise<UploadStatus> {
    return this.locks.run(uuid, async () => {
      const session = await this.load(name, uuid);
      await this.writeChunk(session, body, options);
      return { uuid, offset: session.offset };
    });
  }

  /**
   * Finishes the upload: appends `body` if given, verifies `digest`, fsyncs and moves the bytes to
   * their content address, links the blob into the repository. A wrong digest cancels the upload.
   */
  async complete(
    name: string,
    uuid: string,
    digest: Digest,
    body: Readable | undefined,
    options: ChunkOptions = {},
  ): Promise<{ size: number }> {
    return this.locks.run(uuid, async () => {
      const session = await this.load(name, uuid);
      // The last chunk is fsynced by its stream and needs no state update: it is committed next.
      const flushed = body !== undefined;
      if (body) await this.writeChunk(session, body, options, true);
      const data = this.paths.uploadData(uuid);
      await this.ensureHash(session);
      let actual = await this.hashes.digest(uuid);
      if (digest.algorithm !== 'sha256') {
        // Uploads are hashed with sha256 as they arrive; another algorithm means one more pass.
        const key = `${uuid}:${digest.algorithm}`;
        await this.hashes.reset(key, digest.algorithm);
        await this.hashes.update(key, data, 0, session.offset);
        actual = await this.hashes.digest(key);
        this.hashes.drop(key);
      }
      if (actual !== digest.hex) {
        await this.discard(session);
        throw registryError('DIGEST_INVALID', 'provided digest did not match uploaded content', {
          detail: { expected: digest.value, received: `${digest.algorithm}:${actual}` },
        });
      }
      if (!flushed) {
        // An upload of no bytes never created its file.
        if (session.offset === 0) await writeFile(data, '', { flag: 'a' });
        await this.flushes.finalSync(data);
      }
      await this.blobs.commit(digest, data, session.offset);
      await this.repositories.linkLayer(name, digest);
      await this.discard(session);
      return { size: session.offset };
    });
  }

  /** The sha256 of everything the upload holds so far (hex), from its running hash. */
  async computedDigest(name: string, uuid: string): Promise<string> {
    return this.locks.run(uuid, async () => {
      const session = await this.load(name, uuid);
      await this.ensureHash(session);
      return this.hashes.digest(uuid);
    });
  }

  /** Cancels the upload and removes its bytes. */
  async cancel(name: string, uuid: string): Promise<void> {
    await this.locks.run(uuid, async () => this.discard(await this.load(name, uuid)));
  }

  /**
   * Removes uploads idle for longer than `maxIdleMs` (judged by their state file's time) and
   * uploads without a readable state. Uploads being written by this process are left alone.
   */
  async sweep(maxIdleMs: number): Promise<number> {
    let removed = 0;
    const cutoff = Date.now() - maxIdleMs;
    for (const uuid of await readdirQuiet(this.paths.uploadsRoot)) {
      if (this.locks.isHeld(uuid)) continue;
      let stale = !UUID_PATTERN.test(uuid);
      if (!stale) {
        try {
          const info = await stat(this.paths.uploadState(uuid));
          stale = info.mtimeMs <= cutoff;
        } catch (error) {
          if (!isNotFound(error)) throw error;
          stale = true;
        }
      }
      if (stale && !this.locks.isHeld(uuid)) {
        this.untrack(uuid);
        this.hashes.drop(uuid);
        await removeQuietly(this.paths.upload(uuid), true);
        removed += 1;
      }
    }
    return removed;
  }

  private async load(name: string, uuid: string): Promise<Session> {
    const unknown = () =>
      registryError('BLOB_UPLOAD_UNKNOWN', 'upload unknown', { detail: { uuid: uuid.slice(0, 80) } });
    if (!UUID_PATTERN.test(uuid)) throw unknown();
    let session = this.sessions.get(uuid);
    if (!session) {
      let persisted: PersistedState;
      try {
        persisted = JSON.parse(await readFile(this.paths.uploadState(uuid), 'utf8')) as PersistedState;
      } catch (error) {
        if (isNotFound(error) || error instanceof SyntaxError) throw unknown();
        throw error;
      }
      if (typeof persisted.name !== 'string' || !Number.isSafeInteger(persisted.offset)) throw unknown();
      // Came back after a restart: the hash is rebuilt from the file on first use.
      session = {
        uuid,
        name: persisted.name,
        offset: persisted.offset,
        startedAt: persisted.startedAt,
        client: '',
        touchedAt: Date.now(),
        hashed: undefined,
      };
      this.track(session);
    }
    if (session.name !== name) throw unknown();
    session.touchedAt = Date.now();
    return session;
  }

  private async writeChunk(
    session: Session,
    body: Readable,
    options: ChunkOptions,
    last = false,
  ): Promise<void> {
    if (options.start !== undefined && options.start !== session.offset) {
      throw new UploadOffsetMismatch(session.uuid, session.offset, options.start);
    }
    await this.ensureHash(session);
    const start = session.offset;
    // Hash while the chunk streams in: each time another HASH_STEP bytes reached the file, the
    // worker hashes that range, so a big PATCH isn't followed by a long hash of everything.
    const path = this.paths.uploadData(session.uuid);
    let hashedTo = start;
    let hashing: Promise<void> = Promise.resolve();
    let hashFailed = false;
    const feedHash = (to: number) => {
      const from = hashedTo;
      hashedTo = to;
      hashing = hashing
        .then(() => this.hashes.update(session.uuid, path, from, to))
        .catch(() => void (hashFailed = true));
    };
    let received: number;
    try {
      received = await writeChunk(path, start, body, {
        // The first chunk creates the file (or empties a stale one); later chunks write at the offset.
        create: start === 0,
        // fsync: the bytes of a last chunk must be on disk before they are committed.
        flush: last,
        signal: options.signal,
        background: this.flushes,
        written: (end) => {
          if (end - hashedTo >= HASH_STEP) feedHash(end);
          options.progress?.(end - start);
        },
      });
      if (options.length !== undefined && received !== options.length) {
        throw registryError('SIZE_INVALID', `received ${received} bytes, expected ${options.length}`);
      }
    } catch (error) {
      // Nothing of this chunk is acknowledged: cut the file back; the hash saw part of it, rebuild later.
      await hashing;
      session.hashed = hashedTo === start ? session.hashed : undefined;
      await truncate(path, start).catch(() => (session.hashed = undefined));
      throw error;
    }
    const end = start + received;
    session.offset = end;
    session.touchedAt = Date.now();
    feedHash(end);
    await hashing;
    // On a hash failure the bytes are still safely written; the hash is rebuilt when next needed.
    session.hashed = hashFailed ? undefined : end;
    if (!last) await this.saveState(session);
  }

  /** Makes sure the pool's running hash covers data[0, offset), rebuilding it from the file if not. */
  private async ensureHash(session: Session): Promise<void> {
    if (session.hashed === session.offset) return;
    const data = this.paths.uploadData(session.uuid);
    let size = 0;
    try {
      size = (await stat(data)).size;
    } catch (error) {
      if (!isNotFound(error)) throw error;
      if (session.offset > 0) {
        // Killed after the bytes were committed but before the upload folder was removed.
        await this.discard(session);
        throw registryError('BLOB_UPLOAD_UNKNOWN', 'upload unknown');
      }
    }
    if (size < session.offset) {
      await this.discard(session);
      throw registryError('BLOB_UPLOAD_INVALID', 'upload data is shorter than acknowledged; start again');
    }
    if (size > session.offset) await truncate(data, session.offset);
    await this.hashes.reset(session.uuid);
    await this.hashes.update(session.uuid, data, 0, session.offset);
    session.hashed = session.offset;
  }

  private async saveState(session: Session): Promise<void> {
    const state: PersistedState = {
      name: session.name,
      offset: session.offset,
      startedAt: session.startedAt,
    };
    // Not fsynced: losing it in a power cut only loses a resumable upload, which the sweep removes.
    await writeFileAtomic(
      this.dirs,
      this.paths.tmpRoot,
      this.paths.uploadState(session.uuid),
      JSON.stringify(state),
      false,
    );
  }

  private async discard(session: Session): Promise<void> {
    this.untrack(session.uuid);
    this.flushes.forget(this.paths.uploadData(session.uuid));
    this.hashes.drop(session.uuid);
    // Three syscalls instead of a recursive rm: this runs once per blob pushed.
    await Promise.all([
      removeQuietly(this.paths.uploadData(session.uuid)),
      removeQuietly(this.paths.uploadState(session.uuid)),
    ]);
    try {
      await rmdir(this.paths.upload(session.uuid));
    } catch (error) {
      if (!isNotFound(error)) await removeQuietly(this.paths.upload(session.uuid), true);
    }
  }
}
