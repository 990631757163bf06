/**
 * The end of a fast push from an OCI-layout export: what `docker save` writes under the containerd
 * image store (and from Docker 25 on): `oci-layout`, `index.json`, and every blob as
 * `blobs/sha256/<hex>`, the original bytes (compressed layers stay compressed, digests unchanged).
 * By the time this runs, the big blobs have been streamed to the registry (or found there), and the
 * small ones — manifests, indexes, configs, tiny layers — are in memory. This decides what to store:
 * each image manifest whose config and layers are all at hand, by its digest; then the image's
 * index or manifest under the tag. A multi-platform index keeps its original bytes when every platform
 * is present; when the daemon holds only some platforms (the usual case: the ones that were pulled),
 * a new index lists just those, with their descriptors (platform included) as they were.
 */
import { createHash } from 'node:crypto';
import { MEDIA } from './local-registry-client';

/** What the OCI-layout push needs of the registry; the fast push gives the real one, tests a fake. */
export interface LayoutTarget {
  /** True when the target repository has the blob now (found there, or mounted from another). */
  ensure(digest: string): Promise<boolean>;
  /** Stores a blob whose bytes are in memory (the registry checks the digest). */
  upload(digest: string, body: Buffer): Promise<void>;
  /** Stores a manifest or index under a tag or its digest. */
  putManifest(reference: string, mediaType: string, body: Buffer): Promise<void>;
}

/** What an OCI-layout export left for the end. */
export interface LayoutContents {
  /** `index.json`'s bytes. */
  index: Buffer;
  /** Small blobs by digest, read into memory as they streamed by. */
  smallBlobs: Map<string, Buffer>;
  /** Big blobs already stored in (or found in) the registry as they streamed by. */
  storedBlobs: Set<string>;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { architecture?: string; os?: string; variant?: string };
  annotations?: Record<string, string>;
}

/** What was stored: the digest under the tag, the platforms pushed and those left out (not local). */
export interface LayoutPushResult {
  digest: string;
  mediaType: string;
  size: number;
  platforms: string[];
  missingPlatforms: string[];
}

const INDEX_TYPES = new Set<string>([MEDIA.ociIndex, MEDIA.dockerManifestList]);
const IMAGE_TYPES = new Set<string>([MEDIA.ociManifest, MEDIA.dockerManifest]);

/** sha256 digest of bytes. */
export function sha256Digest(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/**
 * The descriptor in `index.json` for the image being pushed: the one whose name annotation matches
 * one of `names` (containerd's `io.containerd.image.name`, OCI's `org.opencontainers.image.ref.name`
 * — which holds a tag — or Docker's), else the only one.
 */
export function imageDescriptor(index: Buffer, names: string[]): Descriptor {
  const parsed = JSON.parse(index.toString('utf8')) as { manifests?: Descriptor[] };
  const manifests = Array.isArray(parsed.manifests) ? parsed.manifests : [];
  const named = manifests.find((descriptor) => {
    const annotations = descriptor.annotations ?? {};
    return Object.values(annotations).some((value) => names.includes(value));
  });
  const chosen = named ?? (manifests.length === 1 ? manifests[0] : undefined);
  if (!chosen)
    throw new Error(`index.json lists ${manifests.length} images and none is named ${names.join(', ')}`);
  return chosen;
}

/** Stores what the layout holds for `descriptor` (see the file comment) and tags it `tag`. */
export async function pushLayoutImage(
  contents: LayoutContents,
  descriptor: Descriptor,
  tag: string,
  target: LayoutTarget,
): Promise<LayoutPushResult> {
  if (IMAGE_TYPES.has(descriptor.mediaType)) {
    const body = blobBytes(contents, descriptor.digest);
    if (!body) throw new Error(`the export lacks the image's manifest ${descriptor.digest}`);
    const problem = await storeImageParts(contents, body, target);
    if (problem) throw new Error(problem);
    await target.putManifest(tag, descriptor.mediaType, body);
    return {
      digest: descriptor.digest,
      mediaType: descriptor.mediaType,
      size: body.length,
      platforms: [platformName(descriptor)],
      missingPlatforms: [],
    };
  }
  if (!INDEX_TYPES.has(descriptor.mediaType))
    throw new Error(`unsupported media type ${descriptor.mediaType}`);
  const indexBody = blobBytes(contents, descriptor.digest);
  if (!indexBody) throw new Error(`the export lacks the image's index ${descriptor.digest}`);
  const index = JSON.parse(indexBody.toString('utf8')) as { manifests?: Descriptor[] } & Record<
    string,
    unknown
  >;
  const kept: Descriptor[] = [];
  const missing: string[] = [];
  for (const child of index.manifests ?? []) {
    const body = blobBytes(contents, child.digest);
    // Attestations and platforms the daemon never pulled are not in the export: leave them out.
    const problem = body ? await storeImageParts(contents, body, target) : 'not in the export';
    if (body && problem === undefined) {
      await target.putManifest(child.digest, child.mediaType, body);
      kept.push(child);
    } else {
      missing.push(platformName(child));
    }
  }
  if (kept.length === 0) throw new Error('the export holds no complete platform of this image');
  let body = indexBody;
  let digest = descriptor.digest;
  if (missing.length > 0) {
    body = Buffer.from(JSON.stringify({ ...index, manifests: kept }));
    digest = sha256Digest(body);
  }
  await target.putManifest(tag, descriptor.mediaType, body);
  return {
    digest,
    mediaType: descriptor.mediaType,
    size: body.length,
    platforms: kept.map(platformName),
    missingPlatforms: missing,
  };
}

/** Stores an image manifest's config and layers; answers why it can't, or undefined when done. */
async function storeImageParts(
  contents: LayoutContents,
  manifestBody: Buffer,
  target: LayoutTarget,
): Promise<string | undefined> {
  const manifest = JSON.parse(manifestBody.toString('utf8')) as {
    config?: Descriptor;
    layers?: Descriptor[];
  };
  if (!manifest.config || !Array.isArray(manifest.layers)) return 'not an image manifest';
  for (const part of [manifest.config, ...manifest.layers]) {
    if (contents.storedBlobs.has(part.digest)) continue;
    const bytes = blobBytes(contents, part.digest);
    if (bytes) await target.upload(part.digest, bytes);
    else if (!(await target.ensure(part.digest)))
      return `blob ${part.digest} is neither in the export nor in the registry`;
  }
  return undefined;
}

/** A small blob's bytes, checked against its digest. */
function blobBytes(contents: LayoutContents, digest: string): Buffer | undefined {
  const bytes = contents.smallBlobs.get(digest);
  if (bytes && sha256Digest(bytes) !== digest)
    throw new Error(`blob ${digest} in the export does not match its digest`);
  return bytes;
}

function platformName(descriptor: Descriptor): string {
  const platform = descriptor.platform;
  if (!platform) return 'default';
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}
