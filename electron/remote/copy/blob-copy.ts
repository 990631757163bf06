/**
 * One blob from a source registry into a target repository, the cheapest way there is:
 *   1. `HEAD` on the target: already there → nothing to move;
 *   2. same registry → a cross-repository mount (`POST …/blobs/uploads/?mount=<digest>&from=<repo>`);
 *   3. else the source's `GET` streamed straight into the target's upload (`POST`, then one `PUT
 *      ?digest=` whose body is the download, ./blob-http.ts), never whole in memory nor on disk.
 * The bytes are hashed as they pass; the last chunk is held back until the digest and size are checked,
 * so the target never receives the whole of a blob that is not what its digest says (and, as a second
 * guard, a registry verifies the digest of what it is given before it keeps it).
 */
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { AppError } from '../../api/app-error';
import type { RegistrySession } from '../registry-session';
import { openBlob, putBlob } from './blob-http';
import { atEnd, corruptSourceBlob, onEnd } from './copy-errors';

export interface BlobEnds {
  source: RegistrySession;
  sourceRepository: string;
  target: RegistrySession;
  targetRepository: string;
}

/** What happened to one blob. */
export type BlobOutcome = 'exists' | 'mounted' | 'copied';

export interface BlobProgress {
  /** Bytes of this blob that have passed so far. */
  bytes(count: number): void;
  /** Started moving bytes (after the checks). */
  started(): void;
}

/** No byte for this long on a blob's way through: the copy stops (a stalled registry). */
const IDLE_TIMEOUT_MS = 60_000;

/** Whether the target repository has the blob already (`HEAD`). */
export async function targetHas(
  ends: BlobEnds,
  blob: { digest: string },
  signal: AbortSignal,
): Promise<boolean> {
  const { target, targetRepository } = ends;
  const head = await onEnd('target', target.host, () =>
    target.request(`/v2/${targetRepository}/blobs/${blob.digest}`, {
      method: 'HEAD',
      scope: `repository:${targetRepository}:pull,push`,
      signal,
      doing: `copy ${targetRepository} into`,
      accept: [404],
    }),
  );
  return head.status === 200;
}

/**
 * Copies one blob; answers what it took. Throws an AppError naming the end that failed. `checked`:
 * the caller already knows the target lacks it (`targetHas`).
 */
export async function copyBlob(
  ends: BlobEnds,
  blob: { digest: string; size: number },
  progress: BlobProgress,
  signal: AbortSignal,
  checked = false,
): Promise<BlobOutcome> {
  const { source, target, sourceRepository, targetRepository } = ends;
  const push = `repository:${targetRepository}:pull,push`;
  const writing = `copy ${targetRepository} into`;
  if (!checked && (await targetHas(ends, blob, signal))) return 'exists';

  const sameRegistry = source === target;
  const start = await onEnd('target', target.host, () =>
    target.request(
      sameRegistry
        ? `/v2/${targetRepository}/blobs/uploads/?mount=${encodeURIComponent(blob.digest)}&from=${encodeURIComponent(sourceRepository)}`
        : `/v2/${targetRepository}/blobs/uploads/`,
      {
        method: 'POST',
        scope: sameRegistry ? `${push} repository:${sourceRepository}:pull` : push,
        signal,
        doing: writing,
        headers: { 'Content-Length': '0' },
        accept: [201, 202],
      },
    ),
  );
  // 201: mounted. (A 201 to a plain POST would be a registry's quirk; treat it as an upload session.)
  if (start.status === 201 && sameRegistry) return 'mounted';
  const location = start.headers.get('location');
  if (!location)
    throw atEnd(
      new AppError('INTERNAL', `${target.host} started an upload without saying where to send it.`),
      'target',
      target.host,
    );
  const base = target.baseUrl ?? '';
  const uploadUrl = new URL(location, base);
  uploadUrl.searchParams.set('digest', blob.digest);

  // One controller for this blob: the copy's cancel, a stall, or a bad digest stop both requests.
  const blobController = new AbortController();
  const stop = () => blobController.abort();
  signal.addEventListener('abort', stop, { once: true });
  let idle: NodeJS.Timeout | undefined;
  let stalled = false;
  const watch = () => {
    clearTimeout(idle);
    idle = setTimeout(() => {
      stalled = true;
      blobController.abort();
    }, IDLE_TIMEOUT_MS);
    idle.unref?.();
  };
  let committed = false;
  try {
    watch();
    const download = await onEnd('source', source.host, () =>
      openBlob(
        source,
        `/v2/${sourceRepository}/blobs/${blob.digest}`,
        `repository:${sourceRepository}:pull`,
        `read ${sourceRepository} from`,
        blobController.signal,
      ),
    );
    progress.started();
    let bad: AppError | undefined;
    const body = new DigestCheck(
      blob,
      (count) => {
        watch();
        progress.bytes(count);
      },
      (got) => {
        bad = corruptSourceBlob(source.host, sourceRepository, blob.digest, got);
        return bad;
      },
    );
    download.on('error', (error) => body.destroy(error));
    // Heard from the start: the target's upload only takes the body after its own await (a token),
    // and an error in between (a cancel, the source hanging up) must stop both requests, not the app.
    let broken: unknown;
    body.on('error', (error) => {
      broken ??= error;
      blobController.abort();
    });
    download.pipe(body);
    try {
      await onEnd('target', target.host, () =>
        putBlob(target, uploadUrl.toString(), body, blob.size, push, writing, blobController.signal),
      );
      committed = true;
    } catch (error) {
      if (bad) throw bad;
      if (broken !== undefined && !signal.aborted && !stalled)
        throw atEnd(
          new AppError(
            'REGISTRY_UNREACHABLE',
            `The connection broke while reading ${blob.digest.slice(0, 19)}….`,
            {
              hint: 'Check that the registry is still running and reachable, then try again.',
              raw: broken instanceof Error ? broken.message : 'the source stream failed',
              fix: { kind: 'retry' },
            },
          ),
          'source',
          source.host,
        );
      if (stalled)
        throw new AppError(
          'TIMEOUT',
          `Nothing moved for ${IDLE_TIMEOUT_MS / 1000} seconds while copying ${blob.digest.slice(0, 19)}…`,
          {
            hint: 'One of the registries or the network stalled. Try again.',
            fix: { kind: 'retry' },
          },
        );
      throw error;
    }
    return 'copied';
  } finally {
    clearTimeout(idle);
    signal.removeEventListener('abort', stop);
    if (!committed) {
      blobController.abort();
      // Leave no upload session behind (best effort: registries also sweep stale ones).
      void target
        .request(new URL(location, base).toString(), {
          method: 'DELETE',
          scope: push,
          doing: writing,
          accept: [400, 404, 405],
        })
        .catch(() => undefined);
    }
  }
}

/**
 * The bytes of a blob, hashed and counted as they pass, one chunk behind: the last is given only once
 * the whole blob matched its digest and size; on a mismatch the stream ends in the error `bad` makes,
 * and the upload it feeds is cut off short of its end.
 */
class DigestCheck extends Transform {
  readonly #hash: Hash;
  readonly #expected: string;
  readonly #algorithm: string;
  #count = 0;
  #held: Buffer | undefined;

  constructor(
    private readonly blob: { digest: string; size: number },
    private readonly onBytes: (count: number) => void,
    private readonly bad: (got: string) => AppError,
  ) {
    super();
    const [algorithm = '', expected = ''] = blob.digest.split(':');
    this.#algorithm = algorithm;
    this.#expected = expected;
    this.#hash = createHash(algorithm === 'sha512' ? 'sha512' : 'sha256');
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.#count += chunk.length;
    if (this.#count > this.blob.size) return done(this.bad(`more than ${this.blob.size} bytes`));
    this.#hash.update(chunk);
    this.onBytes(this.#count);
    const previous = this.#held;
    this.#held = chunk;
    done(null, previous);
  }

  override _flush(done: TransformCallback): void {
    const got = this.#hash.digest('hex');
    if (this.#count !== this.blob.size) return done(this.bad(`${this.#count} of ${this.blob.size} bytes`));
    if (got !== this.#expected) return done(this.bad(`${this.#algorithm}:${got}`));
    done(null, this.#held);
  }
}
