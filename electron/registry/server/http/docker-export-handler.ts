/**
 * The registry's half of the fast local push (issue 23): `POST /_berth/docker-export` makes the
 * registry read `docker save`'s export straight off the daemon's socket and write each layer into an
 * upload session itself, while the host only reads what it needs to decide (the small files) and
 * finishes each session as the digest it expects — which this registry then verifies as it verifies
 * any upload. Before, every layer byte went daemon → host → registry: the host's read and send and
 * the registry's HTTP parse were a copy and more per byte each, on the two cores the daemon's export
 * also needs (bench/fastpush-profile.ts: host 560–830 ms of CPU for the 349 MiB image).
 *
 * Only the host may ask: the request must carry the token the registry was given at start
 * (BERTH_REGISTRY_IMPORT_TOKEN, or one of its own sent to the supervisor in `ready`); without one
 * configured, or with a wrong one, the path doesn't exist (404). It would otherwise let any local
 * process copy images out of Docker into a registry that serves them to anyone who can reach it.
 *
 * The answer is NDJSON, one event per line, in export order (see `DockerExportEvent`): small files whole
 * (base64), links, `begin`/`progress` of a layer being written, `session` when its bytes are all in
 * an upload session (the host finishes or cancels it), `skipped` for a layer the host said it holds
 * (read past, not written), then `end`, or `error` — after which every session not yet handed over
 * is deleted. The host going away deletes every session this request opened.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { openSocketExport } from '../../../docker/fast-push/export-socket';
import { drain, readAll, toError } from '../../../docker/fast-push/export-stream';
import { readTar, TarFormatError, type TarEntryHeader } from '../../../docker/fast-push/tar-reader';
import { registryError } from '../errors';
import { isValidName, parseDigest } from '../names';
import {
  classicJsonId,
  classicLayerId,
  layoutBlobHex,
  v1Depth,
  type DockerExportEvent,
  type DockerExportRequest,
} from '../../docker-export-protocol';
import type { RegistryStorage } from '../storage/registry-storage';
import type { ActivityListener } from './context';

/** Entries up to this size are sent to the host whole (JSON files, small blobs and layers). */
export const SMALL_ENTRY = 1024 * 1024;
/** A small-file entry larger than this (not a layer or blob) fails the import. */
const FILE_LIMIT = 16 * 1024 * 1024;
/** Most a request body may hold. */
const REQUEST_LIMIT = 256 * 1024;
/**
 * A `progress` event each time a layer's bytes pass another multiple of this: one per 80 ms on a
 * 50 MB/s disk, smooth enough. 1 MiB steps sent 349 events for the 349 MiB bench image, each a
 * write here and a wake-up of the host while both share the cores with the daemon's export.
 */
const PROGRESS_STEP = 4 * 1024 * 1024;

const DIGEST = /^sha256:[a-f0-9]{64}$/;
/** An image name as encodeURIComponent writes it: nothing that could end the request line or a header. */
const EXPORT_PATH = /^(\/v\d{1,2}\.\d{1,3})?\/images\/[A-Za-z0-9%._~!*'()-]{1,1024}\/get$/;

/**
 * Answers one request whose token `server.ts` has checked (it loads this module on the first such
 * request, so a registry nobody fast-pushes to never evaluates it, nor the tar reader).
 */
export async function handleDockerExport(
  req: IncomingMessage,
  res: ServerResponse,
  storage: RegistryStorage,
  signal: AbortSignal,
  activity: ActivityListener,
): Promise<void> {
  let request: DockerExportRequest;
  try {
    request = parseRequest(await readBody(req));
  } catch (error) {
    if (!(error instanceof ImportRequestError)) throw error;
    throw registryError('UNSUPPORTED', error.message, { status: 400 });
  }
  // The daemon may stage a big image for longer than the idle limit before its first byte.
  req.socket.setTimeout(0);
  res.writeHead(200, { 'Content-Type': 'application/x-ndjson', 'Cache-Control': 'no-store' });
  await new DockerExportImport(request, storage, res, signal, activity).run();
}

/** Why a request is refused: a 400 with this message. */
export class ImportRequestError extends Error {}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    total += (chunk as Buffer).length;
    if (total > REQUEST_LIMIT) throw new ImportRequestError('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Checks every field; anything else is refused. */
export function parseRequest(body: Buffer): DockerExportRequest {
  let value: Partial<Record<keyof DockerExportRequest, unknown>>;
  try {
    value = JSON.parse(body.toString('utf8')) as typeof value;
  } catch {
    throw new ImportRequestError('the request is not JSON');
  }
  const digests = (list: unknown, what: string): string[] => {
    if (
      !Array.isArray(list) ||
      list.length > 10_000 ||
      !list.every((item) => typeof item === 'string' && DIGEST.test(item))
    )
      throw new ImportRequestError(`${what} must be a list of sha256 digests`);
    return list as string[];
  };
  const { socketPath, path, repository } = value ?? {};
  if (
    typeof socketPath !== 'string' ||
    socketPath === '' ||
    socketPath.length > 4096 ||
    /[\0\r\n]/.test(socketPath)
  )
    throw new ImportRequestError("socketPath must name the daemon's socket");
  if (typeof path !== 'string' || !EXPORT_PATH.test(path) || /\/\.\.?\//.test(path))
    throw new ImportRequestError('path must be an image export path (/images/<name>/get)');
  if (typeof repository !== 'string' || !isValidName(repository))
    throw new ImportRequestError('repository is not a valid repository name');
  return {
    socketPath,
    path,
    repository,
    diffIds: digests(value.diffIds, 'diffIds'),
    skip: digests(value.skip, 'skip'),
  };
}

/** One import: reads the export, writes its layers into sessions, tells the host as it goes. */
class DockerExportImport {
  /** A classic export's v1 chain, as its `<id>/json` entries pass. */
  private readonly parents = new Map<string, string | null>();
  private readonly skip: Set<string>;
  private readonly diffIds: Set<string>;
  /** Sessions opened and not yet handed to the host (deleted on failure). */
  private readonly open = new Set<string>();
  /** Sessions opened by this import (all deleted if the host goes away). */
  private readonly opened = new Set<string>();
  /** Layers still being written after their bytes left the export. */
  private readonly writing = new Set<Promise<void>>();
  /** The first failure of the registry's own part (opening or writing an upload). */
  private failure: unknown = undefined;
  /** The export's own failure (the daemon went away): the cause of whatever failed after it. */
  private exportFailure: unknown = undefined;

  constructor(
    private readonly request: DockerExportRequest,
    private readonly storage: RegistryStorage,
    private readonly res: ServerResponse,
    private readonly signal: AbortSignal,
    private readonly activity: ActivityListener,
  ) {
    this.skip = new Set(request.skip);
    this.diffIds = new Set(request.diffIds);
  }

  async run(): Promise<void> {
    try {
      // Docker stages the export before its first byte: the hash workers start meanwhile.
      this.storage.hashes.warm();
      const exported = await openSocketExport({
        socketPath: this.request.socketPath,
        path: this.request.path,
        signal: this.signal,
      });
      await this.read(exported);
      await Promise.all(this.writing);
      if (this.failure !== undefined) throw toError(this.failure);
      this.send({ t: 'end' });
    } catch (error) {
      await Promise.allSettled(this.writing);
      const sessions = this.signal.aborted ? this.opened : this.open;
      await Promise.all(
        [...sessions].map((uuid) =>
          this.storage.uploads.cancel(this.request.repository, uuid).catch(() => undefined),
        ),
      );
      if (this.signal.aborted) return;
      // An upload cut short because the export broke is the export's failure, not the registry's.
      const cause = this.exportFailure ?? error;
      const failure = cause as { message?: string; code?: string; statusCode?: number; json?: unknown };
      this.send({
        t: 'error',
        where: this.exportFailure === undefined && error === this.failure ? 'registry' : 'export',
        message: failure.message ?? String(cause),
        ...(typeof failure.code === 'string' ? { code: failure.code } : {}),
        ...(typeof failure.statusCode === 'number'
          ? { statusCode: failure.statusCode, json: failure.json }
          : {}),
      });
    }
    this.res.end();
  }

  private send(event: DockerExportEvent): void {
    if (!this.res.writableEnded && !this.res.destroyed) this.res.write(`${JSON.stringify(event)}\n`);
  }

  private async read(exported: Readable): Promise<void> {
    exported.on('error', (error) => void (this.exportFailure ??= error));
    const stop = () => exported.destroy(new Error('cancelled'));
    this.signal.addEventListener('abort', stop);
    try {
      // Ends at the archive's end marker, before the daemon's answer ends (it deletes its staging
      // folder first): `end` reaches the host that much sooner.
      for await (const { header, body } of readTar(exported)) {
        if (this.failure !== undefined) throw toError(this.failure);
        await this.onEntry(header, body);
      }
    } finally {
      this.signal.removeEventListener('abort', stop);
      exported.destroy();
    }
  }

  private async onEntry(header: TarEntryHeader, body: Readable): Promise<void> {
    const name = header.name.replace(/^\.\//, '');
    const { size } = header;
    if (header.type === 'symlink' || header.type === 'link') {
      this.send({ t: 'link', name, linkname: header.linkname ?? '' });
      return drain(body);
    }
    if (header.type !== 'file' && header.type !== 'contiguous-file') return drain(body);
    const layer = classicLayerId(name);
    const blob = layoutBlobHex(name);
    if ((layer !== undefined || blob !== undefined) && size > SMALL_ENTRY) {
      if (layer !== undefined && this.skipped(layer)) {
        this.send({ t: 'skipped', name, size });
        return drain(body);
      }
      return this.write(name, size, body);
    }
    if (size > FILE_LIMIT) throw new Error(`the export's ${name} is larger than ${FILE_LIMIT} bytes`);
    const data = await readAll(body, FILE_LIMIT);
    const json = classicJsonId(name);
    if (json !== undefined) {
      try {
        const parent = (JSON.parse(data.toString('utf8')) as { parent?: unknown }).parent;
        this.parents.set(json, typeof parent === 'string' ? parent : null);
      } catch {
        // Not ours to judge: the host reads the same file and says what is wrong with it.
      }
    }
    this.send({ t: 'file', name, data: data.toString('base64') });
    // The host reads as it goes; if it falls behind, the export waits rather than this buffer growing.
    if (this.res.writableNeedDrain)
      await new Promise<void>((resolve) => {
        const done = () => {
          this.res.off('drain', done);
          this.res.off('close', done);
          resolve();
        };
        this.res.on('drain', done);
        this.res.on('close', done);
      });
  }

  /**
   * True when the layer's place in the image is known (its whole v1 chain came by: entries come sorted
   * by name, `<id>/json` before `<id>/layer.tar`) and the host holds that diff ID. The host works its
   * place out the same way from the same files, so it knows which layer this is.
   */
  private skipped(id: string): boolean {
    const depth = v1Depth(this.parents, id, this.request.diffIds.length);
    const diffId = depth === undefined ? undefined : this.request.diffIds[depth];
    return diffId !== undefined && this.skip.has(diffId);
  }

  /**
   * Once an upload holds a whole entry: a classic layer whose sha256 is one of the image's diff IDs,
   * or a layout blob whose sha256 is its name, is stored as that blob now (while the next entries
   * stream, rather than all at the end); anything else is handed to the host as a session.
   */
  private async settle(name: string, size: number, uuid: string): Promise<void> {
    const { uploads } = this.storage;
    const { repository } = this.request;
    const hex = await uploads.computedDigest(repository, uuid);
    const blob = layoutBlobHex(name);
    const digest = `sha256:${hex}`;
    if (blob === hex || (blob === undefined && this.diffIds.has(digest))) {
      await uploads.complete(repository, uuid, parseDigest(digest), undefined, { signal: this.signal });
      this.open.delete(uuid);
      this.opened.delete(uuid);
      this.activity({ kind: 'blob-upload', repository, digest, bytes: size, at: Date.now() });
      this.send({ t: 'blob', name, size, digest });
      return;
    }
    this.open.delete(uuid);
    this.send({ t: 'session', name, size, location: `/v2/${repository}/blobs/uploads/${uuid}` });
  }

  /**
   * Streams an entry into a new upload session. Returns once its bytes have left the export (so the
   * next entry streams while this one's last batches are written and hashed); `session` is sent when
   * the upload holds them all.
   */
  private async write(name: string, size: number, body: Readable): Promise<void> {
    const { uploads } = this.storage;
    const { repository } = this.request;
    let uuid: string;
    try {
      ({ uuid } = await uploads.create(repository, 'berth-docker-export'));
    } catch (error) {
      throw toError((this.failure ??= error));
    }
    this.open.add(uuid);
    this.opened.add(uuid);
    this.send({ t: 'begin', name, size });
    let reported = 0;
    const progress = (bytes: number) => {
      if (bytes - reported < PROGRESS_STEP) return;
      reported = bytes;
      this.send({ t: 'progress', name, bytes });
    };
    // The entry itself is the upload's body: no stream between them (each hop cost CPU per MiB).
    let read!: () => void;
    const bodyRead = new Promise<void>((resolve) => (read = resolve));
    body.once('end', read);
    const appended = uploads.append(repository, uuid, body, { length: size, signal: this.signal, progress });
    const done = appended
      .then(() => this.settle(name, size, uuid))
      .catch((error: unknown) => {
        // An export cut short (or not a tar) fails the upload reading it: the export's failure.
        if (error instanceof TarFormatError) this.exportFailure ??= error;
        this.failure ??= error;
      });
    this.writing.add(done);
    void done.then(() => this.writing.delete(done));
    // On to the next entry once this one's bytes are all read (its last batch may still be written).
    await Promise.race([bodyRead, done]);
    // A refusal before the bytes were all written stops the read at once.
    if (this.failure !== undefined) throw toError(this.failure);
  }
}
