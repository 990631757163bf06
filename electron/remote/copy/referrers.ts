/**
 * Referrers (OCI 1.1): manifests whose `subject` names another — signatures, SBOMs, attestations.
 * Found with the referrers API (`GET /v2/<name>/referrers/<digest>`), or where a registry has none
 * (distribution 2.8) with the referrers tag schema: an index tagged `sha256-<hex of the subject>`.
 * Written to the target by digest; a target that doesn't say it indexed the subject (no
 * `OCI-Subject` header) gets the tag schema's index updated as well, as clients are asked to do.
 */
import { AppError } from '../../api/app-error';
import { onEnd } from './copy-errors';
import { sha256Of, type CopyEndpoint, type ManifestBytes } from './copy-manifests';

const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

interface ReferrerDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

/** The tag the referrers tag schema keeps a subject's referrers under. */
export function referrersTag(subject: string): string {
  return subject.replace(':', '-');
}

function descriptorsOf(body: Buffer): ReferrerDescriptor[] {
  try {
    const value = JSON.parse(body.toString('utf8')) as { manifests?: unknown };
    if (!Array.isArray(value.manifests)) return [];
    return value.manifests.filter(
      (entry): entry is ReferrerDescriptor =>
        typeof entry === 'object' &&
        entry !== null &&
        typeof (entry as ReferrerDescriptor).digest === 'string' &&
        typeof (entry as ReferrerDescriptor).size === 'number',
    );
  } catch {
    return [];
  }
}

/** What refers to `subject` in the source repository; [] when nothing does. */
export async function findReferrers(
  source: CopyEndpoint,
  subject: string,
  signal: AbortSignal,
): Promise<ReferrerDescriptor[]> {
  const { session, repository } = source;
  return onEnd('source', session.host, async () => {
    const scope = `repository:${repository}:pull`;
    const doing = `read the referrers of ${repository} on`;
    const api = await session.request(`/v2/${repository}/referrers/${subject}`, {
      headers: { Accept: OCI_INDEX },
      scope,
      signal,
      doing,
      accept: [400, 404, 405],
    });
    const contentType = api.headers.get('content-type') ?? '';
    if (api.status === 200 && contentType.startsWith(OCI_INDEX)) return descriptorsOf(api.body);
    const tagged = await session.request(`/v2/${repository}/manifests/${referrersTag(subject)}`, {
      headers: { Accept: OCI_INDEX },
      scope,
      signal,
      doing,
      accept: [404],
    });
    return tagged.status === 200 ? descriptorsOf(tagged.body) : [];
  });
}

/**
 * Writes one referrer (its blobs and children already there) by digest; when the target didn't index
 * its subject itself, adds it to the subject's referrers tag too.
 */
export async function writeReferrer(
  target: CopyEndpoint,
  referrer: ManifestBytes,
  subject: string,
  signal: AbortSignal,
  put: (manifest: ManifestBytes, reference: string) => Promise<Headers>,
): Promise<void> {
  const headers = await put(referrer, referrer.digest);
  if (headers.get('oci-subject') === subject) return;
  const { session, repository } = target;
  const tag = referrersTag(subject);
  const existing = await onEnd('target', session.host, () =>
    session.request(`/v2/${repository}/manifests/${tag}`, {
      headers: { Accept: OCI_INDEX },
      scope: `repository:${repository}:pull,push`,
      signal,
      doing: `copy ${repository} into`,
      accept: [404],
    }),
  );
  const manifests = existing.status === 200 ? descriptorsOf(existing.body) : [];
  if (manifests.some((entry) => entry.digest === referrer.digest)) return;
  let parsed: { artifactType?: unknown; annotations?: unknown; config?: { mediaType?: unknown } };
  try {
    parsed = JSON.parse(referrer.bytes.toString('utf8')) as typeof parsed;
  } catch {
    throw new AppError('INTERNAL', 'A referrer is not JSON.');
  }
  const entry: ReferrerDescriptor = {
    mediaType: referrer.mediaType,
    digest: referrer.digest,
    size: referrer.bytes.length,
  };
  const artifactType =
    typeof parsed.artifactType === 'string'
      ? parsed.artifactType
      : typeof parsed.config?.mediaType === 'string'
        ? parsed.config.mediaType
        : undefined;
  if (artifactType) entry.artifactType = artifactType;
  if (typeof parsed.annotations === 'object' && parsed.annotations !== null)
    entry.annotations = parsed.annotations as Record<string, string>;
  const bytes = Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [...manifests, entry] }),
  );
  await put({ bytes, mediaType: OCI_INDEX, digest: sha256Of(bytes) }, tag);
}
