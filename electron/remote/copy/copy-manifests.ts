/**
 * The manifests of a copy: read from the source byte for byte (checked against the digest that names
 * them), what they need (an image's config and layers, an index's children), an index narrowed to
 * chosen platforms, and written to the target under a tag or their digest.
 */
import { createHash } from 'node:crypto';
import { AppError } from '../../api/app-error';
import { ACCEPT_MANIFESTS, isAttestation, parseManifest, platformText } from '../manifests';
import type { RegistrySession } from '../registry-session';
import { atEnd, onEnd } from './copy-errors';

export interface CopyEndpoint {
  session: RegistrySession;
  repository: string;
}

/** A manifest read from the source: its bytes exactly, its type, digest and what it needs. */
export interface ManifestBytes {
  bytes: Buffer;
  mediaType: string;
  digest: string;
}

export interface Descriptor {
  mediaType?: string;
  digest: string;
  size: number;
  platform?: { os?: string; architecture?: string; variant?: string };
  annotations?: Record<string, string>;
  urls?: string[];
}

export function sha256Of(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** Reads a manifest by tag or digest, checking that its bytes are the ones a digest names. */
export async function readManifest(
  end: CopyEndpoint,
  reference: string,
  signal: AbortSignal,
): Promise<ManifestBytes> {
  const { session, repository } = end;
  return onEnd('source', session.host, async () => {
    const got = await session.request(`/v2/${repository}/manifests/${reference}`, {
      headers: { Accept: ACCEPT_MANIFESTS },
      scope: `repository:${repository}:pull`,
      signal,
      doing: `read ${repository}:${reference} on`,
    });
    const digest = sha256Of(got.body);
    const named = reference.includes(':') ? reference : got.headers.get('docker-content-digest');
    if (named?.startsWith('sha256:') && named !== digest)
      throw new AppError(
        'DIGEST_MISMATCH',
        `${session.host} sent a manifest of ${repository} that does not match its digest.`,
        {
          raw: `expected ${named}, got ${digest}`,
        },
      );
    const parsed = parseManifest(got.body.toString('utf8'), got.headers.get('content-type'));
    if (!parsed)
      throw new AppError(
        'INTERNAL',
        `${repository}:${reference} on ${session.host} is not an image Berth can copy.`,
        {
          raw: got.headers.get('content-type') ?? undefined,
        },
      );
    return { bytes: got.body, mediaType: parsed.mediaType, digest };
  });
}

/** The blobs an image manifest needs (config and layers; foreign layers stay where their URLs say). */
export function blobsOf(manifest: ManifestBytes): Descriptor[] {
  const value = JSON.parse(manifest.bytes.toString('utf8')) as { config?: Descriptor; layers?: Descriptor[] };
  const blobs = [value.config, ...(value.layers ?? [])].filter(
    (blob): blob is Descriptor => blob !== undefined && !(blob.urls && blob.urls.length > 0),
  );
  return blobs;
}

export function childrenOf(manifest: ManifestBytes): Descriptor[] {
  const value = JSON.parse(manifest.bytes.toString('utf8')) as { manifests?: Descriptor[] };
  return value.manifests ?? [];
}

/** An index keeping only `platforms` (and the attestations of what it keeps); undefined: keep it whole. */
export function narrowIndex(index: ManifestBytes, platforms: string[]): ManifestBytes {
  const value = JSON.parse(index.bytes.toString('utf8')) as { manifests?: Descriptor[] } & Record<
    string,
    unknown
  >;
  const all = value.manifests ?? [];
  const kept = all.filter(
    (child) => !isAttestation(child) && platforms.includes(platformText(child.platform)),
  );
  const missing = platforms.filter(
    (platform) => !kept.some((child) => platformText(child.platform) === platform),
  );
  if (missing.length > 0)
    throw new AppError('INVALID_INPUT', `The image has no ${missing.join(', ')} platform.`, {
      hint: `It has: ${all
        .filter((child) => !isAttestation(child))
        .map((child) => platformText(child.platform))
        .join(', ')}.`,
    });
  const keptDigests = new Set(kept.map((child) => child.digest));
  const attestations = all.filter(
    (child) =>
      isAttestation(child) && keptDigests.has(child.annotations?.['vnd.docker.reference.digest'] ?? ''),
  );
  const manifests = all.filter((child) => keptDigests.has(child.digest) || attestations.includes(child));
  const bytes = Buffer.from(JSON.stringify({ ...value, manifests }));
  return { bytes, mediaType: index.mediaType, digest: sha256Of(bytes) };
}

/** Writes a manifest's exact bytes under `reference`; answers the target's response headers. */
export async function putManifest(
  target: CopyEndpoint,
  manifest: ManifestBytes,
  reference: string,
  signal: AbortSignal,
): Promise<Headers> {
  const { session, repository } = target;
  return onEnd('target', session.host, async () => {
    const put = await session.request(`/v2/${repository}/manifests/${reference}`, {
      method: 'PUT',
      body: manifest.bytes,
      headers: { 'Content-Type': manifest.mediaType },
      scope: `repository:${repository}:pull,push`,
      signal,
      doing: `copy ${repository} into`,
      accept: [201],
    });
    const stored = put.headers.get('docker-content-digest');
    if (stored && stored !== manifest.digest)
      throw atEnd(
        new AppError(
          'DIGEST_MISMATCH',
          `${session.host} stored the manifest under another digest than its bytes have.`,
          {
            raw: `sent ${manifest.digest}, stored ${stored}`,
          },
        ),
        'target',
        session.host,
      );
    return put.headers;
  });
}
