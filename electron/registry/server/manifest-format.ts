/**
 * What the registry understands of manifests: the media types it stores, validation of a pushed
 * manifest, the descriptors it references (for the existence check, GC and referrers), and content
 * negotiation with a client's Accept header. Pure functions, no I/O.
 */
import { registryError } from './errors';
import { type Digest, tryParseDigest } from './names';

/** Manifest media types the registry stores. */
export const MEDIA_TYPES = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
} as const;

const IMAGE_TYPES = new Set<string>([MEDIA_TYPES.dockerManifest, MEDIA_TYPES.ociManifest]);
const INDEX_TYPES = new Set<string>([MEDIA_TYPES.dockerManifestList, MEDIA_TYPES.ociIndex]);
/** Largest manifest accepted (the OCI spec asks registries to take at least 4 MiB). */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

/** Layer media types whose blobs may live elsewhere (`urls`) and need not be pushed. */
export const FOREIGN_LAYER_TYPES: ReadonlySet<string> = new Set([
  'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
  'application/vnd.oci.image.layer.nondistributable.v1.tar',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd',
]);

/** A content descriptor as found in manifests. */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
  platform?: { os?: string; architecture?: string; variant?: string };
  urls?: string[];
}

/** The parts of a manifest the registry uses. */
export interface ManifestInfo {
  mediaType: string;
  kind: 'image' | 'index';
  config: Descriptor | undefined;
  layers: Descriptor[];
  manifests: Descriptor[];
  subject: Descriptor | undefined;
  artifactType: string | undefined;
  annotations: Record<string, string> | undefined;
}

/** True for manifest and index media types (used to tell child manifests from blobs). */
export function isManifestMediaType(mediaType: string): boolean {
  return IMAGE_TYPES.has(mediaType) || INDEX_TYPES.has(mediaType);
}

function invalid(message: string): never {
  throw registryError('MANIFEST_INVALID', message);
}

function parseDescriptor(value: unknown, where: string): Descriptor {
  if (!value || typeof value !== 'object') invalid(`${where}: descriptor must be an object`);
  const d = value as Record<string, unknown>;
  if (typeof d.mediaType !== 'string' || d.mediaType.length === 0) invalid(`${where}: mediaType missing`);
  if (typeof d.digest !== 'string' || !tryParseDigest(d.digest))
    invalid(`${where}: digest missing or invalid`);
  if (typeof d.size !== 'number' || !Number.isSafeInteger(d.size) || d.size < 0)
    invalid(`${where}: size missing or invalid`);
  return value as Descriptor;
}

/**
 * Reads a manifest and extracts what the registry needs; leniently, as stored manifests are read
 * back (a pushed one passes `validatePushedManifest` first). `contentType` is the request's
 * Content-Type, if any; a mediaType in the body must agree with it. `parsed` is the body when the
 * caller already parsed `bytes`.
 */
export function parseManifest(
  bytes: Uint8Array,
  contentType: string | undefined,
  parsed?: unknown,
): ManifestInfo {
  let body: unknown = parsed;
  if (body === undefined) {
    try {
      body = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
    } catch {
      invalid('manifest is not valid JSON');
    }
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) invalid('manifest must be a JSON object');
  const m = body as Record<string, unknown>;
  if (m.schemaVersion !== 2) invalid('only schemaVersion 2 manifests are supported (schema 1 is deprecated)');
  const declared = typeof m.mediaType === 'string' ? m.mediaType : undefined;
  const header = contentType?.split(';')[0]?.trim().toLowerCase();
  const headerType = header && isManifestMediaType(header) ? header : undefined;
  if (declared && headerType && declared !== headerType)
    invalid(`mediaType ${declared} does not match Content-Type ${headerType}`);
  // Docker's schema 2 requires the field; without it the type would be guessed again from the body
  // after a restart (as OCI), and the Content-Type served would change. distribution refuses it too.
  if (!declared && headerType?.startsWith('application/vnd.docker.'))
    invalid(`a ${headerType} manifest must declare its mediaType`);
  const mediaType =
    declared ?? headerType ?? (Array.isArray(m.manifests) ? MEDIA_TYPES.ociIndex : MEDIA_TYPES.ociManifest);
  if (!isManifestMediaType(mediaType)) {
    throw registryError('UNSUPPORTED', `unsupported manifest media type ${mediaType}`, {
      status: 415,
      detail: { mediaType },
    });
  }
  const subject = m.subject === undefined ? undefined : parseDescriptor(m.subject, 'subject');
  const artifactType = typeof m.artifactType === 'string' ? m.artifactType : undefined;
  const annotations =
    m.annotations && typeof m.annotations === 'object'
      ? (m.annotations as Record<string, string>)
      : undefined;
  if (IMAGE_TYPES.has(mediaType)) {
    if (m.config === undefined) invalid('image manifest needs a config');
    if (!Array.isArray(m.layers)) invalid('image manifest needs a layers array');
    const config = parseDescriptor(m.config, 'config');
    const layers = m.layers.map((layer, index) => parseDescriptor(layer, `layers[${index}]`));
    return { mediaType, kind: 'image', config, layers, manifests: [], subject, artifactType, annotations };
  }
  if (!Array.isArray(m.manifests)) invalid('index needs a manifests array');
  const manifests = m.manifests.map((child, index) => parseDescriptor(child, `manifests[${index}]`));
  return {
    mediaType,
    kind: 'index',
    config: undefined,
    layers: [],
    manifests,
    subject,
    artifactType,
    annotations,
  };
}

/**
 * Blobs (config, layers) an image manifest needs stored. Only layers of a foreign media type that
 * carry `urls` are exempt: the config and every other layer must be pullable from here.
 */
export function requiredBlobs(info: ManifestInfo): Digest[] {
  const layers = info.layers.filter((d) => !(FOREIGN_LAYER_TYPES.has(d.mediaType) && d.urls?.length));
  const descriptors = info.config ? [info.config, ...layers] : layers;
  return descriptors.map((d) => tryParseDigest(d.digest) as Digest);
}

/** Children of an index: manifests (must be stored in the repository) and any other blobs. */
export function requiredChildren(info: ManifestInfo): { manifests: Digest[]; blobs: Digest[] } {
  const manifests: Digest[] = [];
  const blobs: Digest[] = [];
  for (const child of info.manifests)
    (isManifestMediaType(child.mediaType) ? manifests : blobs).push(tryParseDigest(child.digest) as Digest);
  return { manifests, blobs };
}

/** Every digest the manifest points at (for GC's mark phase); the subject included. */
export function referencedDigests(info: ManifestInfo): string[] {
  const all = [
    ...(info.config ? [info.config] : []),
    ...info.layers,
    ...info.manifests,
    ...(info.subject ? [info.subject] : []),
  ];
  return all.map((d) => d.digest);
}

/** `os/arch[/variant]` of a platform object, or undefined. */
export function platformString(platform: Descriptor['platform']): string | undefined {
  if (!platform?.os || !platform.architecture) return undefined;
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}

/**
 * True when the client's Accept header takes `mediaType` (no header = anything). A type listed with
 * `q=0` is refused (RFC 9110 §12.4.2). `application/json` is schema 1's type, which Docker clients
 * still list: it is not a wildcard.
 */
export function accepts(acceptHeader: string | undefined, mediaType: string): boolean {
  if (!acceptHeader) return true;
  for (const part of acceptHeader.split(',')) {
    const [rawType, ...parameters] = part.split(';');
    const type = rawType?.trim().toLowerCase();
    if (type !== mediaType && type !== '*/*' && type !== 'application/*') continue;
    const refused = parameters.some((parameter) => /^\s*q\s*=\s*0(\.0{0,3})?\s*$/i.test(parameter));
    if (!refused) return true;
  }
  return false;
}

/**
 * For a client that asked for a tag, can't take the index or list stored there, but can take an
 * image manifest (old clients): the linux/amd64 child to serve instead, as distribution does, or
 * undefined to serve the index as is. Never another platform's image (the client would run the
 * wrong architecture), and never for a request by digest: what is fetched by digest must hash to it.
 */
export function negotiateIndexChild(
  info: ManifestInfo,
  acceptHeader: string | undefined,
): Descriptor | undefined {
  if (info.kind !== 'index' || accepts(acceptHeader, info.mediaType)) return undefined;
  return info.manifests.find(
    (child) =>
      child.platform?.os === 'linux' &&
      child.platform.architecture === 'amd64' &&
      IMAGE_TYPES.has(child.mediaType) &&
      accepts(acceptHeader, child.mediaType),
  );
}
