/**
 * Copies an image from one registry to another, registry to registry, as `skopeo copy` and `crane copy`
 * do: no daemon, no local disk.
 *
 *   1. Read what the source tag points at, byte for byte. An image manifest is copied as it is (the
 *      same digest on both sides). An index is copied whole with every platform's manifest, or, when
 *      platforms are chosen, as a new index listing only those (its digest then changes: `digestChanged`).
 *   2. With `referrers`, find what refers to each of those manifests (signatures, SBOMs): the OCI
 *      referrers API, else the referrers tag schema (`sha256-<hex>`).
 *   3. Copy every blob they need, a few at a time (./blob-copy.ts: skipped, mounted, or streamed).
 *   4. Only then write the manifests, children before the index that lists them, the tag last, then the
 *      referrers: a copy stopped at any point leaves no manifest in the target pointing at a missing blob.
 */
import { AppError } from '../../api/app-error';
import { parseManifest } from '../manifests';
import { eachBounded } from './bounded';
import { copyBlob, targetHas, type BlobOutcome } from './blob-copy';
import { onEnd } from './copy-errors';
import {
  blobsOf,
  childrenOf,
  narrowIndex,
  putManifest,
  readManifest,
  type CopyEndpoint,
  type Descriptor,
  type ManifestBytes,
} from './copy-manifests';
import { findReferrers, writeReferrer } from './referrers';

export type { CopyEndpoint, ManifestBytes } from './copy-manifests';

export interface CopyRequest {
  source: CopyEndpoint & { /** A tag or a digest. */ reference: string };
  target: CopyEndpoint & { tag: string };
  /** `os/arch[/variant]` to keep of an index; undefined: all of it, as it is. */
  platforms?: string[] | undefined;
  /** Copy signatures, SBOMs and other manifests whose `subject` is a copied manifest. */
  referrers?: boolean;
  /** Blobs moved at once (default 6, as containers/image copies layers). */
  concurrency?: number;
  signal: AbortSignal;
  report?: CopyReport;
}

/** How a copy tells its progress: messages and one row per blob, in the words of a push. */
export interface CopyReport {
  message(text: string): void;
  /** How many blobs there will be, before their rows. */
  expectBlobs(count: number): void;
  /** Every blob's first row at once (so the panel never shows a part of the list and its total). */
  listBlobs?(rows: Array<{ id: string; status: string; total?: number }>): void;
  /** A blob's row: its short id, status, and bytes when they move. */
  blob(id: string, status: string, current?: number, total?: number): void;
}

export interface CopyResult {
  /** The source tag's digest. */
  sourceDigest: string;
  /** The digest the target tag now has: the same, unless platforms were chosen. */
  digest: string;
  digestChanged: boolean;
  blobs: { copied: number; mounted: number; existing: number };
  /** Bytes streamed from source to target (not those skipped or mounted). */
  bytesCopied: number;
  /** Manifests written, referrers included. */
  manifests: number;
  referrers: number;
}

const DEFAULT_CONCURRENCY = 6;
/** HEADs asked at once before the copy starts. */
const HEAD_CONCURRENCY = 8;

/** Short id of a blob's row, as Docker shows layers: 12 hex digits. */
export function shortId(digest: string): string {
  return digest.slice(digest.indexOf(':') + 1, digest.indexOf(':') + 13);
}

/** What will be written: manifests in writing order (children first) and the blobs they need. */
interface Plan {
  manifests: ManifestBytes[];
  blobs: Map<string, Descriptor>;
}

async function planManifest(
  end: CopyEndpoint,
  manifest: ManifestBytes,
  plan: Plan,
  signal: AbortSignal,
  depth = 0,
): Promise<void> {
  const parsed = parseManifest(manifest.bytes.toString('utf8'), manifest.mediaType);
  if (parsed?.kind === 'index') {
    if (depth > 2) throw new AppError('INTERNAL', 'The image nests indexes too deeply to copy.');
    for (const child of childrenOf(manifest)) {
      const read = await readManifest(end, child.digest, signal);
      await planManifest(end, read, plan, signal, depth + 1);
    }
  } else {
    for (const blob of blobsOf(manifest)) if (!plan.blobs.has(blob.digest)) plan.blobs.set(blob.digest, blob);
  }
  if (!plan.manifests.some((known) => known.digest === manifest.digest)) plan.manifests.push(manifest);
}

/** Copies an image (see the file comment); throws an AppError that names the end that failed. */
export async function copyImage(request: CopyRequest): Promise<CopyResult> {
  const { source, target, report } = request;
  const say = (text: string) => report?.message(text);
  // One controller for the whole copy: the caller's cancel, or the first failing blob, stops every blob.
  const controller = new AbortController();
  const stop = () => controller.abort();
  request.signal.addEventListener('abort', stop, { once: true });
  const signal = controller.signal;
  try {
    const top = await readManifest(source, source.reference, signal);
    const isIndex = parseManifest(top.bytes.toString('utf8'), top.mediaType)?.kind === 'index';
    const written = isIndex && request.platforms !== undefined ? narrowIndex(top, request.platforms) : top;
    const plan: Plan = { manifests: [], blobs: new Map() };
    await planManifest(source, written, plan, signal);
    // Referrers of every manifest the copy writes unchanged (found before any blob moves, so their
    // blobs are counted too). A new index has none: what signed the source's index signed another digest.
    const referrerPlans: Array<{ manifest: ManifestBytes; subject?: string }> = [];
    if (request.referrers) {
      for (const manifest of plan.manifests.filter(
        (known) => known.digest !== written.digest || written === top,
      )) {
        for (const found of await findReferrers(source, manifest.digest, signal)) {
          const read = await readManifest(source, found.digest, signal);
          const sub: Plan = { manifests: [], blobs: plan.blobs };
          await planManifest(source, read, sub, signal);
          for (const needed of sub.manifests)
            referrerPlans.push(
              needed === read ? { manifest: needed, subject: manifest.digest } : { manifest: needed },
            );
        }
      }
      const count = referrerPlans.filter((entry) => entry.subject !== undefined).length;
      if (count > 0) say(`Found ${count} referrer${count === 1 ? '' : 's'} (signatures, SBOMs…)`);
    }

    const blobs = [...plan.blobs.values()];
    report?.expectBlobs(blobs.length);
    const outcomes: Record<BlobOutcome, number> = { copied: 0, mounted: 0, exists: 0 };
    let bytesCopied = 0;
    const ends = {
      source: source.session,
      sourceRepository: source.repository,
      target: target.session,
      targetRepository: target.repository,
    };
    // The upload can only be sent once: get the target's push token before the bytes start.
    await onEnd('target', target.session.host, () =>
      target.session.prepare(
        source.session === target.session
          ? `repository:${target.repository}:pull,push repository:${source.repository}:pull`
          : `repository:${target.repository}:pull,push`,
        `copy ${target.repository} into`,
        signal,
      ),
    );
    // What the target has is asked first (HEAD is cheap), so the blobs still to move are sized from the
    // start: the bar, the speed and the time left count only them. (Where they will be mounted, they
    // move no bytes: no size.)
    const sameRegistry = source.session === target.session;
    const existing = new Set<string>();
    await eachBounded(blobs, HEAD_CONCURRENCY, async (blob) => {
      if (await targetHas(ends, blob, signal)) existing.add(blob.digest);
    });
    const rows = blobs.map((blob) => {
      const id = shortId(blob.digest);
      if (existing.has(blob.digest)) return { id, status: 'Already exists' };
      return sameRegistry ? { id, status: 'Waiting' } : { id, status: 'Waiting', total: blob.size };
    });
    if (report?.listBlobs) report.listBlobs(rows);
    else
      for (const row of rows)
        report?.blob(row.id, row.status, row.total === undefined ? undefined : 0, row.total);
    outcomes.exists = existing.size;
    const missing = blobs.filter((blob) => !existing.has(blob.digest));
    await eachBounded(missing, request.concurrency ?? DEFAULT_CONCURRENCY, async (blob) => {
      const id = shortId(blob.digest);
      try {
        const outcome = await copyBlob(
          ends,
          blob,
          {
            started: () => report?.blob(id, 'Copying', 0, blob.size),
            bytes: (count) => report?.blob(id, 'Copying', count, blob.size),
          },
          signal,
          true,
        );
        outcomes[outcome] += 1;
        if (outcome === 'copied') bytesCopied += blob.size;
        report?.blob(
          id,
          outcome === 'exists'
            ? 'Already exists'
            : outcome === 'mounted'
              ? `Mounted from ${source.repository}`
              : 'Copied',
        );
      } catch (error) {
        controller.abort();
        throw error;
      }
    });

    // Every blob is there: now the manifests, children first, the tag last.
    for (const manifest of plan.manifests) {
      const reference = manifest === written ? target.tag : manifest.digest;
      await putManifest(target, manifest, reference, signal);
    }
    let referrers = 0;
    for (const { manifest, subject } of referrerPlans) {
      if (subject === undefined) {
        await putManifest(target, manifest, manifest.digest, signal);
        continue;
      }
      await writeReferrer(target, manifest, subject, signal, (bytes, reference) =>
        putManifest(target, bytes, reference, signal),
      );
      referrers += 1;
    }
    const digestChanged = written.digest !== top.digest;
    if (digestChanged)
      say(
        `Wrote a new index with ${request.platforms?.join(', ')}: its digest differs from the source's ${top.digest}`,
      );
    say(`${target.tag}: digest: ${written.digest} size: ${written.bytes.length}`);
    return {
      sourceDigest: top.digest,
      digest: written.digest,
      digestChanged,
      blobs: { copied: outcomes.copied, mounted: outcomes.mounted, existing: outcomes.exists },
      bytesCopied,
      manifests: plan.manifests.length + referrerPlans.length,
      referrers,
    };
  } catch (error) {
    if (request.signal.aborted) throw new AppError('CANCELLED', 'The copy was cancelled.');
    throw error;
  } finally {
    request.signal.removeEventListener('abort', stop);
  }
}
