/**
 * The fast local push (issue 23): for a push to Berth's own registry, export the image from the daemon
 * (`GET /images/{name}/get`, read as a stream, entry by entry: never the whole tar in memory or on
 * disk), write each layer straight into the registry over its HTTP API (verified by digest there),
 * then the config, the manifest, and last the tag — so a cancel or a failure never leaves a tag
 * pointing at something incomplete. No compression by default: the registry is on this machine.
 *
 * Who reads the export: with plain layers and a daemon on a local socket, the registry itself
 * (`pushThroughRegistry`: registry/server/http/docker-export-handler.ts writes each big layer into an
 * upload session and tells this side what it read). That took the host's 560–830 ms of CPU and the
 * registry's HTTP parse off the two cores the daemon's export needs too: 349 MiB pushed in 1.69 s
 * instead of 2.24 s (bench/fastpush-profile.ts, same run). Otherwise (gzip, a daemon on TCP or SSH,
 * a registry without the endpoint, or one that can't open Docker's socket) this side reads it.
 *
 * Two export formats, told apart by their entry names:
 * - Docker's classic `docker save` (Docker before 25, graph drivers): `<id>/layer.tar` for each layer
 *   (uncompressed), `<id>/json` (its parent, in the v1 chain), `<config hex>.json`, `manifest.json`.
 *   Entries come sorted by name, not in layer order, so a layer's diff ID is known before its bytes
 *   only when its ancestors came first; such layers, if the registry has them, are skipped unread.
 *   Any other layer streams into an upload session without being hashed here (the registry hashes
 *   it anyway); at the end manifest.json gives each layer's place, hence its diff ID, and the session
 *   is finished as that digest (the registry refuses it if the bytes differ) — or dropped, if the
 *   registry turns out to hold that layer already. With gzip chosen, the tar and the gzip output are
 *   hashed here as they stream (the gzip digest can't be known any other way).
 * - An OCI layout (containerd image store, Docker 25+): see ./oci-layout.ts.
 *
 * Over the ~400 lines a file should keep to: ExportPush reads one tar (or the registry's events about
 * one) whose entries depend on each other
 * (a layer's parents, links, sessions left pending until manifest.json names their diff IDs), so its
 * state is read and changed together. The parts that stand alone have their own files: the export
 * stream, the registry client, the layer index, the OCI layout, parallel gzip.
 */
import { createHash, type Hash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type Dockerode from 'dockerode';
import { createInterface } from 'node:readline';
import { Readable as ReadableStream } from 'node:stream';
import {
  classicJsonId,
  classicLayerId,
  layoutBlobHex,
  v1Depth,
  type DockerExportEvent,
} from '../../registry/docker-export-protocol';
import { DaemonAnswerError } from './export-socket';
import { readTar, type TarEntryHeader } from './tar-reader';
import {
  abortError,
  byteCounter,
  drain,
  exportError,
  openExport,
  readAll,
  socketExportTarget,
  toError,
} from './export-stream';
import {
  MEDIA,
  RegistryConnectionError,
  RegistryHttpError,
  type LocalRegistryClient,
} from './local-registry-client';
import type { LayerIndex, StoredLayer } from './layer-index';
import { imageDescriptor, pushLayoutImage, sha256Digest, type LayoutContents } from './oci-layout';
import { createParallelGzip } from './parallel-gzip';

/** How layers exported as plain tars are stored. */
export type LayerCompression = 'none' | 'gzip';

/** What the fast push reports as it goes; the transfer service turns it into rows and messages. */
export interface FastPushReporter {
  layer(id: string, status: string, current?: number, total?: number): void;
  message(text: string): void;
  /** How many layers to expect (known before the export starts, for the overall bar). */
  expectLayers(count: number): void;
}

export interface FastPushOptions {
  docker: Dockerode;
  /** The local image to export (as the user named it). */
  image: string;
  registry: LocalRegistryClient;
  layers: LayerIndex;
  repository: string;
  tag: string;
  compression: LayerCompression;
  signal: AbortSignal;
  report: FastPushReporter;
}

/** What was stored. */
export interface FastPushResult {
  digest: string;
  /** 'uncompressed' / 'gzip' for a classic export; 'as-exported' for an OCI layout's original blobs. */
  layerFormat: 'uncompressed' | 'gzip' | 'as-exported';
  /** Bytes of layers written now (skipped ones not counted). */
  writtenBytes: number;
  /** Bytes of all the image's layers as stored. */
  storedBytes: number;
  layersWritten: number;
  layersSkipped: number;
  platforms: string[];
}

/** Blobs up to this size are read into memory (manifests, configs, tiny layers); bigger ones stream. */
const SMALL_BLOB = 1024 * 1024;
/** Most a JSON file of a classic export may hold (configs of huge images stay far below). */
const JSON_LIMIT = 16 * 1024 * 1024;

/** An upload session holding a whole plain layer, answered by the registry, not yet finished. */
interface PendingSession {
  location: string;
  size: number;
  /** Stored by the registry already as this digest (the direct path), so there is no session left. */
  committed?: string;
}

interface ClassicLayer {
  diffId: string;
  descriptor: { mediaType: string; digest: string; size: number };
  written: boolean;
}

/** Runs one fast push; see the file comment. Throws on failure; an abort throws an AbortError. */
export async function fastPush(options: FastPushOptions): Promise<FastPushResult> {
  const { docker, image, signal, report } = options;
  const inspect = (await docker.getImage(image).inspect()) as { Id: string; RootFS?: { Layers?: string[] } };
  const diffIds = inspect.RootFS?.Layers ?? [];
  report.expectLayers(new Set(diffIds).size);
  report.message(`Exporting ${image} from Docker`);
  // Plain layers from a daemon on a local socket: the registry reads the export itself.
  const target =
    options.compression === 'none' && options.registry.readsDockerExports
      ? await socketExportTarget(docker, image)
      : undefined;
  if (target) {
    try {
      return await pushThroughRegistry(target, options, { imageId: inspect.Id, diffIds });
    } catch (error) {
      if (!(error instanceof ExportUnreachable)) throw error;
      // The registry can't open Docker's socket (not allowed to, or not the same one): this side reads.
      report.message(
        `The registry could not reach Docker (${error.message}); Berth reads the export instead`,
      );
    }
  }
  const exported = await openExport(docker, image, signal);
  return pushExport(exported, options, { imageId: inspect.Id, diffIds });
}

/**
 * The direct path: the registry reads the export off the daemon's socket and writes each big layer
 * into an upload session (registry/server/http/docker-export-handler.ts); this side gets the small
 * files and the sessions, in export order, and decides as `pushExport` does — the same ExportPush,
 * fed events instead of tar entries. No layer byte passes through this process. Exported for tests
 * that hand the registry an export format this machine's Docker can't write (an OCI layout).
 */
export async function pushThroughRegistry(
  target: { socketPath: string; path: string },
  options: Omit<FastPushOptions, 'docker'>,
  image: { imageId: string; diffIds: string[] },
): Promise<FastPushResult> {
  const { signal, registry, repository } = options;
  let push: ExportPush | undefined;
  try {
    const existing = await options.layers.find(image.diffIds, repository, signal);
    push = new ExportPush(options, image, existing);
    const answer = await registry.dockerExport(
      { ...target, repository, diffIds: image.diffIds, skip: [...existing.keys()] },
      signal,
    );
    let answerFailure: Error | undefined;
    answer.on('error', (error) => (answerFailure ??= error));
    try {
      await push.readEvents(answer);
    } catch (error) {
      if (signal.aborted) throw abortError();
      // The registry's answer broke off (the registry stopped): the registry's failure, not Docker's.
      if (answerFailure !== undefined) throw new RegistryConnectionError(answerFailure);
      throw error;
    } finally {
      answer.destroy();
    }
    return await push.finish(image.imageId);
  } catch (error) {
    await push?.abandon();
    throw error;
  }
}

/**
 * Stores what an export stream holds (either format) and tags it; `fastPush` opens the stream from
 * the daemon, tests hand it a layout they built. `image` names the image as Docker knows it.
 */
export async function pushExport(
  exported: Readable,
  options: Omit<FastPushOptions, 'docker'>,
  image: { imageId: string; diffIds: string[] },
): Promise<FastPushResult> {
  const { signal } = options;
  let push: ExportPush | undefined;
  try {
    const existing = await options.layers.find(image.diffIds, options.repository, signal);
    push = new ExportPush(options, image, existing);
    try {
      await push.read(exported);
    } catch (error) {
      if (signal.aborted) throw abortError();
      // The registry's failures are its own; anything else broke the export.
      if (error instanceof RegistryHttpError || error instanceof RegistryConnectionError) throw error;
      throw exportError(error);
    }
    return await push.finish(image.imageId);
  } catch (error) {
    await push?.abandon();
    throw error;
  } finally {
    exported.destroy();
  }
}

/** The row of an export entry: a classic layer's v1 ID, or an OCI layout blob's digest. */
function rowOf(name: string): string {
  const blob = layoutBlobHex(name);
  return blob !== undefined ? `sha256:${blob}` : (classicLayerId(name) ?? name);
}

/** The registry could not connect to Docker's socket at all, before any of the export. */
class ExportUnreachable extends Error {}

/** Connection failures the registry may meet where this process would not (another user, a sandbox). */
const UNREACHABLE = new Set(['ENOENT', 'ECONNREFUSED', 'EACCES', 'EPERM']);

/** The error the registry reported on the direct path, shaped as the same failure on the other path. */
function directError(event: Extract<DockerExportEvent, { t: 'error' }>, sawEntry: boolean): Error {
  if (!sawEntry && event.where === 'export' && event.code !== undefined && UNREACHABLE.has(event.code))
    return new ExportUnreachable(event.message);
  if (event.where === 'registry')
    return new RegistryHttpError(500, event.message, 'export into the registry');
  if (event.statusCode !== undefined)
    return new DaemonAnswerError(event.statusCode, event.json, event.message);
  return exportError(
    Object.assign(new Error(event.message), event.code === undefined ? {} : { code: event.code }),
  );
}

/** Reads the export's entries and stores what they hold; `finish` stores the manifest and tag. */
class ExportPush {
  // Classic export.
  private readonly parents = new Map<string, string | null>();
  private readonly classicLayers = new Map<string, ClassicLayer>();
  private readonly links = new Map<string, string>();
  private readonly jsonFiles = new Map<string, Buffer>();
  /** Diff IDs stored (or found) by this push, with their descriptors. */
  private readonly handled = new Map<string, ClassicLayer['descriptor']>();
  private readonly mounted = new Set<string>();
  /**
   * Plain layers whose place in the image was not known as they streamed: written into an upload
   * session unhashed (the registry hashes them), finished by `finishClassic` once manifest.json has
   * told each one's place, hence its diff ID, which the registry then checks.
   */
  private readonly pending = new Map<string, Promise<PendingSession>>();
  // OCI layout.
  private readonly smallBlobs = new Map<string, Buffer>();
  private readonly storedBlobs = new Set<string>();
  private readonly blobSizes = new Map<string, number>();
  private writtenBytes = 0;
  private layersWritten = 0;
  private layersSkipped = 0;
  private sawEntry = false;
  /** The first failure of an upload answered after its layer's bytes had passed. */
  private uploadFailure: unknown = undefined;

  /** The classic export's config, sent as soon as it comes by (while later layers stream). */
  private configStored: Promise<void> | undefined;

  constructor(
    private readonly options: Omit<FastPushOptions, 'docker'>,
    private readonly image: { imageId: string; diffIds: string[] },
    private readonly existing: Map<string, StoredLayer>,
  ) {}

  /**
   * Reads the registry's events of the direct path (see `pushThroughRegistry`): small files and links
   * go through `onEntry` as tar entries would; a big layer's upload session, once the registry says
   * it holds the bytes, takes the place of `streamUnhashed`'s (a classic layer, finished once
   * manifest.json tells its diff ID) or is finished as the blob it is named after (an OCI layout).
   */
  async readEvents(answer: Readable): Promise<void> {
    const { report } = this.options;
    /** Sessions announced (`begin`) and not yet handed over, and their sizes. */
    const waiting = new Map<
      string,
      { resolve: (session: PendingSession) => void; reject: (error: Error) => void; size: number }
    >();
    const blobFinishes: Promise<void>[] = [];
    let ended = false;
    try {
      for await (const line of createInterface({ input: answer, crlfDelay: Infinity })) {
        if (this.uploadFailure) throw toError(this.uploadFailure);
        if (line === '') continue;
        let event: DockerExportEvent;
        try {
          event = JSON.parse(line) as DockerExportEvent;
        } catch {
          throw new RegistryConnectionError(
            new Error(`the registry's answer could not be read: ${line.slice(0, 80)}`),
          );
        }
        if (event.t !== 'end' && event.t !== 'error') this.sawEntry = true;
        switch (event.t) {
          case 'file': {
            const data = Buffer.from(event.data, 'base64');
            await this.onEntry(
              { name: event.name, size: data.length, type: 'file', linkname: null },
              ReadableStream.from([data]),
            );
            break;
          }
          case 'link':
            await this.onEntry(
              { name: event.name, size: 0, type: 'symlink', linkname: event.linkname },
              ReadableStream.from([]),
            );
            break;
          case 'skipped':
            await this.onSkippedLayer(event.name, event.size);
            break;
          case 'begin': {
            if (waiting.has(event.name)) throw exportError(new Error(`the export holds ${event.name} twice`));
            const row = rowOf(event.name);
            report.layer(row, 'Writing', 0, event.size);
            const session = new Promise<PendingSession>((resolve, reject) =>
              waiting.set(event.name, { resolve, reject, size: event.size }),
            );
            // A layer's failure is the read's failure: seen at the next event, or when it is settled.
            session.catch(() => undefined);
            if (/\/layer\.tar$/.test(event.name)) this.pending.set(row, session);
            else {
              const finishing = this.finishBlobSession(row, event.size, session);
              // Awaited after the read; its failure is also the read's (uploadFailure) meanwhile.
              finishing.catch(() => undefined);
              blobFinishes.push(finishing);
            }
            break;
          }
          case 'progress': {
            const size = waiting.get(event.name)?.size;
            if (size !== undefined) report.layer(rowOf(event.name), 'Writing', event.bytes, size);
            break;
          }
          case 'session':
          case 'blob': {
            report.layer(rowOf(event.name), 'Verifying', event.size, event.size);
            waiting
              .get(event.name)
              ?.resolve(
                event.t === 'blob'
                  ? { location: '', size: event.size, committed: event.digest }
                  : { location: event.location, size: event.size },
              );
            waiting.delete(event.name);
            break;
          }
          case 'error':
            throw directError(event, this.sawEntry);
          case 'end':
            ended = true;
            break;
        }
      }
      if (!ended)
        throw new RegistryConnectionError(
          new Error('the registry stopped answering before the end of the export'),
        );
      await Promise.all(blobFinishes);
    } finally {
      // The registry deletes what it never handed over; nobody waits for those sessions any more.
      const gone = new Error('the export stopped before this layer was written');
      for (const { reject } of waiting.values()) reject(gone);
      await Promise.allSettled(blobFinishes);
    }
  }

  /** A classic layer the registry read past because this push holds it (it said so in `skip`). */
  private async onSkippedLayer(name: string, size: number): Promise<void> {
    const id = classicLayerId(name);
    const depth = id === undefined ? undefined : this.depthOf(id);
    const diffId = depth === undefined ? undefined : this.image.diffIds[depth];
    this.options.report.layer(id ?? name, 'Exporting', 0, size);
    const stored = diffId === undefined ? undefined : await this.reuse(diffId, id ?? name);
    if (id === undefined || diffId === undefined || !stored)
      throw new Error(`the registry read past ${name}, a layer this push can't link`);
    this.classicLayers.set(id, { diffId, descriptor: stored, written: false });
  }

  /** An OCI layout's blob written into a session by the registry: finished as its name says (the registry checks). */
  private async finishBlobSession(
    row: string,
    size: number,
    session: Promise<PendingSession>,
  ): Promise<void> {
    const { registry, signal, report } = this.options;
    const digest = row;
    this.blobSizes.set(digest, size);
    let open: string | undefined;
    try {
      const { location, committed } = await session;
      open = location || undefined;
      if (committed !== undefined) {
        if (committed !== digest) throw new Error(`the registry stored ${committed} for ${digest}`);
        this.writtenBytes += size;
        this.layersWritten += 1;
        report.layer(row, 'Written', size, size);
      } else if (await this.ensureBlob(digest)) {
        await registry.cancelSession(location);
        report.layer(row, 'Already exists');
        this.layersSkipped += 1;
      } else {
        await registry.finishSession(location, digest, signal);
        this.writtenBytes += size;
        this.layersWritten += 1;
        report.layer(row, 'Written', size, size);
      }
      this.storedBlobs.add(digest);
    } catch (error) {
      this.uploadFailure ??= error;
      if (open !== undefined) await registry.cancelSession(open);
      throw error;
    }
  }

  async read(exported: Readable): Promise<void> {
    // A broken export (the daemon went away, even while this push asked the registry what it holds)
    // fails the reader with the socket's own error.
    for await (const { header, body } of readTar(exported)) {
      // A layer the registry refused after its bytes had passed stops the read here.
      if (this.uploadFailure) throw toError(this.uploadFailure);
      this.sawEntry = true;
      await this.onEntry(header, body);
    }
  }

  private async onEntry(header: TarEntryHeader, body: Readable): Promise<void> {
    const name = header.name.replace(/^\.\//, '');
    const { size } = header;
    if (header.type === 'symlink' || header.type === 'link') {
      if (header.linkname) this.links.set(name, header.linkname);
      return drain(body);
    }
    const blob = layoutBlobHex(name);
    if (blob !== undefined) return this.onBlob(`sha256:${blob}`, size, body);
    const layer = classicLayerId(name);
    if (layer !== undefined) return this.onClassicLayer(layer, size, body);
    const json = classicJsonId(name);
    if (json !== undefined) {
      const parsed = JSON.parse((await readAll(body, JSON_LIMIT)).toString('utf8')) as { parent?: string };
      this.parents.set(json, parsed.parent ?? null);
      return;
    }
    if (/^([a-f0-9]{64}\.json|manifest\.json|index\.json)$/.test(name)) {
      const data = await readAll(body, JSON_LIMIT);
      this.jsonFiles.set(name, data);
      // The image's config (its digest is the image ID): stored now, not after the last layer.
      if (
        name === `${this.image.imageId.replace(/^sha256:/, '')}.json` &&
        sha256Digest(data) === this.image.imageId
      )
        this.configStored ??= this.storeConfig(data);
      return;
    }
    return drain(body);
  }

  /** The layer's place in the image (0 = base) when its whole v1 chain has come by, else undefined. */
  private depthOf(id: string): number | undefined {
    return v1Depth(this.parents, id, this.image.diffIds.length);
  }

  private async onClassicLayer(id: string, size: number, body: Readable): Promise<void> {
    const { report, registry, repository, compression, signal } = this.options;
    const row = id;
    const depth = this.depthOf(id);
    const knownDiffId = depth === undefined ? undefined : this.image.diffIds[depth];
    if (knownDiffId !== undefined) {
      report.layer(row, 'Exporting', 0, size);
      const stored = await this.reuse(knownDiffId, row);
      if (stored) {
        await drain(body);
        this.classicLayers.set(id, { diffId: knownDiffId, descriptor: stored, written: false });
        return;
      }
    }
    if (compression === 'none') return this.streamUnhashed(id, size, body);
    // Hash the tar (its diff ID) as it streams, gzip it on every core, hash that too.
    const diffHash = createHash('sha256');
    const counter = byteCounter(
      (read) => report.layer(row, 'Writing', read, size),
      size,
      (chunk) => diffHash.update(chunk),
    );
    let storedHash: Hash | undefined;
    let measure: ReturnType<typeof byteCounter> | undefined;
    let upload: Readable = counter;
    if (compression === 'gzip') {
      storedHash = createHash('sha256');
      const hashOut = storedHash;
      const gzipped = createParallelGzip();
      // A transform, not a 'data' listener: nothing flows (and is hashed) before the upload reads it,
      // which starts only once the registry has opened its session.
      measure = byteCounter(
        () => undefined,
        Number.NaN,
        (chunk) => hashOut.update(chunk),
      );
      const out = measure;
      void pipeline(counter, gzipped, out).catch((error: unknown) =>
        out.destroy(error instanceof Error ? error : undefined),
      );
      upload = out;
    }
    let diffId = '';
    let storedDigest = '';
    let reused: ClassicLayer['descriptor'] | undefined;
    const feeding = pipeline(body, counter);
    const uploading = registry.uploadStreamed(
      repository,
      upload,
      () => {
        diffId = `sha256:${diffHash.digest('hex')}`;
        // Seen before as the export went by, or stored already: use that blob, drop this upload.
        const known = this.handled.get(diffId) ?? this.existingDescriptor(diffId);
        if (known) {
          reused = known;
          return undefined;
        }
        storedDigest = storedHash ? `sha256:${storedHash.digest('hex')}` : diffId;
        return storedDigest;
      },
      signal,
    );
    await Promise.all([feeding, uploading]);
    if (reused) {
      await this.reuse(diffId, row);
      this.classicLayers.set(id, { diffId, descriptor: reused, written: false });
      return;
    }
    const descriptor =
      compression === 'gzip' && storedHash
        ? { mediaType: MEDIA.ociLayerGzip, digest: storedDigest, size: measure?.bytes ?? 0 }
        : { mediaType: MEDIA.ociLayer, digest: diffId, size: counter.bytes };
    this.handled.set(diffId, descriptor);
    this.classicLayers.set(id, { diffId, descriptor, written: true });
    this.writtenBytes += descriptor.size;
    this.layersWritten += 1;
    report.layer(row, 'Written', counter.bytes, size);
  }

  /**
   * A plain layer into an upload session as it streams, unhashed here; see `pending`. Returns once the
   * layer's bytes have left the export, without waiting for the registry's answer (its last bytes
   * written, hashed and synced): the next entry of the export streams meanwhile. A refusal still
   * stops the read at once; `finishClassic` awaits every answer.
   */
  private async streamUnhashed(id: string, size: number, body: Readable): Promise<void> {
    const { report, registry, repository, signal } = this.options;
    const counter = byteCounter((read) => report.layer(id, 'Writing', read, size), size);
    const answered = registry.streamToSession(repository, counter, signal).then((location) => {
      report.layer(id, 'Verifying', counter.bytes, size);
      return { location, size: counter.bytes };
    });
    // Its failure is seen by the race below, or at the next entry, or in `finishClassic`.
    answered.catch((error: unknown) => (this.uploadFailure ??= error));
    this.pending.set(id, answered);
    const read = pipeline(body, counter);
    await Promise.race([read, answered.then(() => read)]);
  }

  /** Finishes a pending layer now that its diff ID is known: as that blob, or dropped if stored already. */
  private async settlePending(id: string, diffId: string): Promise<ClassicLayer> {
    const { report, registry, signal } = this.options;
    const answered = this.pending.get(id);
    if (!answered) throw new Error(`no upload for layer ${id}`);
    const session = await answered;
    this.pending.delete(id);
    if (session.committed !== undefined) return this.settleCommitted(id, diffId, session);
    // Stored already (by this push, or in the registry): link that blob and drop the session. If it
    // can't be linked (a mount refused), the bytes are in the session: finish it after all.
    const reused = await this.reuse(diffId, id);
    if (reused) {
      await registry.cancelSession(session.location);
      return { diffId, descriptor: reused, written: false };
    }
    await registry.finishSession(session.location, diffId, signal);
    const descriptor = { mediaType: MEDIA.ociLayer, digest: diffId, size: session.size };
    this.handled.set(diffId, descriptor);
    this.writtenBytes += session.size;
    this.layersWritten += 1;
    report.layer(id, 'Written', session.size, session.size);
    return { diffId, descriptor, written: true };
  }

  /** A layer the registry stored as its sha256 (the direct path): that must be its diff ID. */
  private async settleCommitted(id: string, diffId: string, session: PendingSession): Promise<ClassicLayer> {
    if (session.committed !== diffId)
      throw new Error(
        `layer ${id} of the export is ${session.committed ?? '?'}, but the image lists ${diffId} there`,
      );
    // Stored before this push (or earlier in it): said so, as for any layer found stored.
    const reused = await this.reuse(diffId, id);
    if (reused) return { diffId, descriptor: reused, written: false };
    const descriptor = { mediaType: MEDIA.ociLayer, digest: diffId, size: session.size };
    this.handled.set(diffId, descriptor);
    this.writtenBytes += session.size;
    this.layersWritten += 1;
    this.options.report.layer(id, 'Written', session.size, session.size);
    return { diffId, descriptor, written: true };
  }

  /**
   * Settles the pending layers together, once the export has said where each goes: each waits for its
   * own upload's answer and is finished (or dropped) meanwhile the others are. A diff ID the image
   * lists twice is settled once here; its other places find that blob afterwards.
   */
  private async settleAllPending(
    places: { id: string; expected: string }[],
  ): Promise<Map<string, ClassicLayer>> {
    const first = new Map<string, string>();
    for (const { id, expected } of places)
      if (this.pending.has(id) && !first.has(expected)) first.set(expected, id);
    // Every upload answered before any is finished: one refused leaves none of the others stored.
    const answers = await Promise.allSettled([...first.values()].flatMap((id) => this.pending.get(id) ?? []));
    const refused = answers.find((answer) => answer.status === 'rejected');
    if (refused) throw toError(refused.reason);
    const settled = new Map<string, ClassicLayer>();
    const outcomes = await Promise.allSettled(
      [...first].map(async ([diffId, id]) => settled.set(id, await this.settlePending(id, diffId))),
    );
    const failure = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failure) throw toError(failure.reason);
    return settled;
  }

  /** Stores the config blob unless the repository holds it; a failure waits for `finishClassic`. */
  private storeConfig(config: Buffer): Promise<void> {
    const { registry, repository, signal } = this.options;
    const digest = sha256Digest(config);
    const stored = (async () => {
      if (!(await registry.hasBlob(repository, digest, signal)))
        await registry.putBlob(repository, digest, config, signal);
    })();
    // Heard by finishClassic, or dropped with the push (abandon).
    stored.catch(() => undefined);
    return stored;
  }

  /** After a failure or cancel: deletes the upload sessions still open, so none waits for the sweep. */
  async abandon(): Promise<void> {
    await this.configStored?.catch(() => undefined);
    const sessions = [...this.pending.values()];
    this.pending.clear();
    // A session whose upload failed was deleted by the client already; the others are deleted here.
    await Promise.all(
      sessions.map((answered) =>
        answered.then(
          (session) =>
            session.committed === undefined
              ? this.options.registry.cancelSession(session.location)
              : undefined,
          () => undefined,
        ),
      ),
    );
  }

  /** The descriptor of a layer the registry holds under the diff ID, or undefined. */
  private existingDescriptor(diffId: string): ClassicLayer['descriptor'] | undefined {
    const stored = this.existing.get(diffId);
    return stored && { mediaType: stored.mediaType, digest: stored.digest, size: stored.size };
  }

  /**
   * When the layer is stored already (by this push, or in the registry), makes sure the target
   * repository has it (mounting it from another one if needed), reports the row, and answers its
   * descriptor; else undefined.
   */
  private async reuse(diffId: string, row: string): Promise<ClassicLayer['descriptor'] | undefined> {
    const { report, registry, repository, signal } = this.options;
    const mine = this.handled.get(diffId);
    if (mine) {
      report.layer(row, 'Already exists');
      this.layersSkipped += 1;
      return mine;
    }
    const stored = this.existing.get(diffId);
    if (!stored) return undefined;
    const descriptor = { mediaType: stored.mediaType, digest: stored.digest, size: stored.size };
    if (stored.repository === repository || this.mounted.has(stored.digest)) {
      report.layer(row, 'Already exists');
    } else if (await registry.mountBlob(repository, stored.digest, stored.repository, signal)) {
      this.mounted.add(stored.digest);
      report.layer(row, `Mounted from ${stored.repository}`);
    } else {
      return undefined;
    }
    this.handled.set(diffId, descriptor);
    this.layersSkipped += 1;
    return descriptor;
  }

  private async onBlob(digest: string, size: number, body: Readable): Promise<void> {
    const { report, registry, repository, signal } = this.options;
    this.blobSizes.set(digest, size);
    if (size <= SMALL_BLOB) {
      this.smallBlobs.set(digest, await readAll(body, SMALL_BLOB));
      return;
    }
    const row = digest;
    if (await this.ensureBlob(digest)) {
      report.layer(row, 'Already exists');
      this.layersSkipped += 1;
      await drain(body);
      this.storedBlobs.add(digest);
      return;
    }
    const counter = byteCounter((read) => report.layer(row, 'Writing', read, size), size);
    await Promise.all([pipeline(body, counter), registry.putBlob(repository, digest, counter, signal)]);
    this.storedBlobs.add(digest);
    this.writtenBytes += counter.bytes;
    this.layersWritten += 1;
    report.layer(row, 'Written', size, size);
  }

  /** True when the target repository has blob `digest`, mounting it from another repository if one has it. */
  private async ensureBlob(digest: string): Promise<boolean> {
    const { registry, repository, signal } = this.options;
    if (await registry.hasBlob(repository, digest, signal)) return true;
    for (const other of await registry.repositories(signal)) {
      if (other === repository || !(await registry.hasBlob(other, digest, signal))) continue;
      if (await registry.mountBlob(repository, digest, other, signal)) return true;
    }
    return false;
  }

  async finish(imageId: string): Promise<FastPushResult> {
    if (!this.sawEntry) throw exportError(new Error('the export was empty'));
    const index = this.jsonFiles.get('index.json');
    if (index) return this.finishLayout(index);
    return this.finishClassic(imageId);
  }

  private async finishLayout(index: Buffer): Promise<FastPushResult> {
    const { registry, repository, tag, signal, image, report } = this.options;
    const contents: LayoutContents = { index, smallBlobs: this.smallBlobs, storedBlobs: this.storedBlobs };
    const descriptor = imageDescriptor(index, [image, tag, `${repository}:${tag}`]);
    const result = await pushLayoutImage(contents, descriptor, tag, {
      ensure: (digest) => this.ensureBlob(digest),
      upload: (digest, body) => registry.putBlob(repository, digest, body, signal),
      putManifest: async (reference, mediaType, body) => {
        await registry.putManifest(repository, reference, mediaType, body, signal);
      },
    });
    if (result.missingPlatforms.length > 0)
      report.message(`Left out platforms Docker doesn't hold locally: ${result.missingPlatforms.join(', ')}`);
    let storedBytes = 0;
    for (const digest of this.storedBlobs) storedBytes += this.blobSizes.get(digest) ?? 0;
    report.message(`${tag}: digest: ${result.digest} size: ${result.size}`);
    return {
      digest: result.digest,
      layerFormat: 'as-exported',
      writtenBytes: this.writtenBytes,
      storedBytes,
      layersWritten: this.layersWritten,
      layersSkipped: this.layersSkipped,
      platforms: result.platforms,
    };
  }

  private async finishClassic(imageId: string): Promise<FastPushResult> {
    const { registry, repository, tag, signal, report, compression } = this.options;
    const manifestFile = this.jsonFiles.get('manifest.json');
    if (!manifestFile) throw exportError(new Error('the export has no manifest.json'));
    const [entry] = JSON.parse(manifestFile.toString('utf8')) as { Config: string; Layers: string[] }[];
    if (!entry) throw exportError(new Error('manifest.json lists no image'));
    const config = this.jsonFiles.get(entry.Config);
    if (!config) throw exportError(new Error(`the export lacks the image config ${entry.Config}`));
    const configDigest = sha256Digest(config);
    if (configDigest !== imageId)
      throw new Error(`the exported config is ${configDigest}, but Docker said the image is ${imageId}`);
    const places = entry.Layers.map((path, position) => {
      const expected = this.image.diffIds[position];
      if (expected === undefined) throw new Error(`the export lists more layers than the image has`);
      return { path, id: this.resolveLink(path).replace(/\/layer\.tar$/, ''), expected };
    });
    const settled = await this.settleAllPending(places);
    const layers: ClassicLayer[] = [];
    for (const [position, { path, id, expected }] of places.entries()) {
      // Reused by its place in the v1 chain, or hashed as it streamed (gzip); else written unhashed.
      const layer =
        this.classicLayers.get(id) ??
        settled.get(id) ??
        (this.pending.has(id) ? await this.settlePending(id, expected) : undefined);
      if (!layer) throw exportError(new Error(`the export lacks ${path}`));
      if (layer.diffId !== expected)
        throw new Error(
          `layer ${position + 1} of the export is ${layer.diffId}, but the image lists ${expected}`,
        );
      this.classicLayers.set(id, layer);
      layers.push(layer);
    }
    await (this.configStored ?? this.storeConfig(config));
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA.ociManifest,
        config: { mediaType: MEDIA.ociConfig, digest: configDigest, size: config.length },
        layers: layers.map((layer) => layer.descriptor),
      }),
    );
    const digest = sha256Digest(manifest);
    await registry.putManifest(repository, tag, MEDIA.ociManifest, manifest, signal);
    report.message(`${tag}: digest: ${digest} size: ${manifest.length}`);
    return {
      digest,
      layerFormat: compression === 'gzip' ? 'gzip' : 'uncompressed',
      writtenBytes: this.writtenBytes,
      storedBytes: layers.reduce((sum, layer) => sum + layer.descriptor.size, 0),
      layersWritten: this.layersWritten,
      layersSkipped: this.layersSkipped,
      platforms: [],
    };
  }

  /** A layer path after following the export's links (`../<id>/layer.tar`). */
  private resolveLink(path: string): string {
    let current = path;
    for (let hops = 0; hops < 8; hops += 1) {
      const target = this.links.get(current);
      if (target === undefined) return current;
      const base = current.split('/').slice(0, -1);
      for (const part of target.split('/')) {
        if (part === '..') base.pop();
        else if (part !== '.') base.push(part);
      }
      current = base.join('/');
    }
    return current;
  }
}
