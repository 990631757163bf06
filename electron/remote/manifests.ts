/**
 * Reading what a tag points at: an image manifest (Docker v2 schema 2 or OCI) or an index / manifest
 * list of per-platform images, and the image config's created time and OS/architecture.
 */

export const MANIFEST_MEDIA_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
] as const;

export const ACCEPT_MANIFESTS = MANIFEST_MEDIA_TYPES.join(', ');

interface Descriptor {
  mediaType?: string;
  digest: string;
  size: number;
  platform?: { os?: string; architecture?: string; variant?: string };
  annotations?: Record<string, string>;
}

export type ParsedManifest =
  | { kind: 'image'; mediaType: string; config: Descriptor; layers: Descriptor[] }
  | { kind: 'index'; mediaType: string; manifests: Descriptor[] };

function isDescriptor(value: unknown): value is Descriptor {
  if (typeof value !== 'object' || value === null) return false;
  const { digest, size } = value as Record<string, unknown>;
  return typeof digest === 'string' && typeof size === 'number';
}

/** Undefined for anything that is neither an image manifest nor an index. */
export function parseManifest(body: string, contentType: string | null): ParsedManifest | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  const mediaType =
    (typeof record.mediaType === 'string' ? record.mediaType : undefined) ??
    contentType?.split(';')[0]?.trim() ??
    '';
  if (Array.isArray(record.manifests)) {
    return {
      kind: 'index',
      mediaType: mediaType || 'application/vnd.oci.image.index.v1+json',
      manifests: record.manifests.filter(isDescriptor),
    };
  }
  if (isDescriptor(record.config) && Array.isArray(record.layers)) {
    return {
      kind: 'image',
      mediaType: mediaType || 'application/vnd.oci.image.manifest.v1+json',
      config: record.config,
      layers: record.layers.filter(isDescriptor),
    };
  }
  return undefined;
}

/** `os/arch[/variant]`. */
export function platformText(platform: Descriptor['platform']): string {
  if (!platform) return 'unknown';
  return [platform.os ?? 'unknown', platform.architecture ?? 'unknown', platform.variant]
    .filter((part) => part !== undefined && part !== '')
    .join('/');
}

/** Config + layers, in bytes (what a pull downloads, compressed). */
export function imageSize(manifest: Extract<ParsedManifest, { kind: 'image' }>): number {
  return manifest.config.size + manifest.layers.reduce((sum, layer) => sum + layer.size, 0);
}

/** An index entry that is an attestation (BuildKit's provenance/SBOM), not a runnable image. */
export function isAttestation(descriptor: Descriptor): boolean {
  return (
    descriptor.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest' ||
    (descriptor.platform?.os === 'unknown' && descriptor.platform.architecture === 'unknown')
  );
}

export interface ImageConfigFacts {
  created?: string;
  os?: string;
  architecture?: string;
  variant?: string;
}

export function parseImageConfig(body: string): ImageConfigFacts {
  try {
    const value = JSON.parse(body) as Record<string, unknown>;
    const facts: ImageConfigFacts = {};
    if (typeof value.created === 'string') facts.created = value.created;
    if (typeof value.os === 'string') facts.os = value.os;
    if (typeof value.architecture === 'string') facts.architecture = value.architecture;
    if (typeof value.variant === 'string') facts.variant = value.variant;
    return facts;
  } catch {
    return {};
  }
}

/** The `last` of a `Link: </v2/_catalog?last=x&n=2>; rel="next"` header, undefined when there is no next. */
export function nextLast(link: string | null): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(',')) {
    const match = /<([^>]*)>\s*;\s*rel="?next"?/i.exec(part);
    if (!match) continue;
    const url = new URL(match[1]!, 'http://registry.invalid');
    return url.searchParams.get('last') ?? undefined;
  }
  return undefined;
}

/**
 * Docker Hub's rate-limit headers: `ratelimit-limit: 100;w=21600`, `ratelimit-remaining: 76;w=21600`
 * (the window in seconds). Undefined when the registry sent none.
 */
export function parseRateLimit(
  headers: Headers,
): { limit: number; remaining: number; windowSeconds?: number } | undefined {
  const remaining = headers.get('ratelimit-remaining');
  const limit = headers.get('ratelimit-limit');
  if (remaining === null || limit === null) return undefined;
  const [remainingCount] = remaining.split(';');
  const [limitCount, ...rest] = limit.split(';');
  const window = rest.map((part) => /w=(\d+)/.exec(part)?.[1]).find((w) => w !== undefined);
  const answer: { limit: number; remaining: number; windowSeconds?: number } = {
    limit: Number(limitCount),
    remaining: Number(remainingCount),
  };
  if (Number.isNaN(answer.limit) || Number.isNaN(answer.remaining)) return undefined;
  if (window !== undefined) answer.windowSeconds = Number(window);
  return answer;
}
