/**
 * Manifests per repository: push (validate, check that everything referenced is stored, write the
 * bytes as a blob, link the revision, move the tag), fetch by tag or digest, delete, and referrers.
 * A manifest's bytes are stored exactly as pushed, so Docker-Content-Digest is their digest.
 */
import type { BlobStore } from './blob-store';
import type { RepositoryStore } from './repository-store';
import type { TagStore } from './tag-store';
import { registryError } from '../errors';
import { validatePushedManifest } from '../manifest-validation';
import {
  type Descriptor,
  type ManifestInfo,
  parseManifest,
  referencedDigests,
  requiredBlobs,
  requiredChildren,
} from '../manifest-format';
import { type Digest, type Reference, tryParseDigest } from '../names';

/** A stored manifest: its exact bytes, digest and parsed form. */
export interface StoredManifest {
  digest: Digest;
  bytes: Buffer;
  info: ManifestInfo;
}

/** Existence checks of a pushed manifest's blobs run this many at a time. */
const EXISTENCE_CHECKS_AT_ONCE = 8;

/** Keep parsed manifests and their bytes for fast GETs; manifests are immutable, so no invalidation. */
const CACHE_BYTES_LIMIT = 32 * 1024 * 1024;

/** Stores and serves manifests. */
export class ManifestStore {
  private readonly cache = new Map<string, { bytes: Buffer; info: ManifestInfo }>();
  private cachedBytes = 0;

  constructor(
    private readonly blobs: BlobStore,
    private readonly repositories: RepositoryStore,
    private readonly tags: TagStore,
  ) {}

  /** Stores a manifest pushed to `name` under `reference` (a tag or its own digest). */
  async put(
    name: string,
    reference: Reference,
    bytes: Buffer,
    contentType: string | undefined,
  ): Promise<StoredManifest> {
    const algorithm = reference.kind === 'digest' ? reference.digest.algorithm : 'sha256';
    const digest = tryParseDigest(
      `${algorithm}:${process.getBuiltinModule('node:crypto').createHash(algorithm).update(bytes).digest('hex')}`,
    ) as Digest;
    if (reference.kind === 'digest' && reference.digest.value !== digest.value) {
      throw registryError('DIGEST_INVALID', 'manifest digest does not match the reference', {
        detail: { reference: reference.digest.value, computed: digest.value },
      });
    }
    const info = validatePushedManifest(bytes, contentType);
    await this.checkReferencedExist(name, info);
    await this.blobs.put(digest, bytes);
    // Link the blobs too, so a manifest whose layers were pushed to another repository pulls here.
    await Promise.all(requiredBlobs(info).map((blob) => this.repositories.linkLayer(name, blob)));
    await this.repositories.linkRevision(name, digest);
    if (reference.kind === 'tag') await this.tags.set(name, reference.tag, digest);
    this.blobs.guard.settle([digest.value, ...referencedDigests(info)]);
    this.remember(digest, bytes, info);
    return { digest, bytes, info };
  }

  /**
   * MANIFEST_BLOB_UNKNOWN for the first thing `info` references that isn't stored: a few checks at a
   * time (not one per descriptor at once, which a long hostile list turns into a memory spike), and
   * none after the first missing one. Each check also protects the digest from a running GC.
   */
  private async checkReferencedExist(name: string, info: ManifestInfo): Promise<void> {
    const children = requiredChildren(info);
    const checks: Array<{ digest: Digest; manifest: boolean }> = [];
    const seen = new Set<string>();
    for (const [digests, manifest] of [
      [[...requiredBlobs(info), ...children.blobs], false],
      [children.manifests, true],
    ] as const) {
      for (const digest of digests) {
        const key = `${manifest ? 'm' : 'b'}${digest.value}`;
        if (seen.has(key)) continue;
        seen.add(key);
        checks.push({ digest, manifest });
      }
    }
    let next = 0;
    let missing: { digest: Digest; manifest: boolean } | undefined;
    const worker = async () => {
      while (!missing && next < checks.length) {
        const check = checks[next++] as { digest: Digest; manifest: boolean };
        const stored = check.manifest
          ? (await this.repositories.hasRevision(name, check.digest)) &&
            (await this.blobs.size(check.digest, true)) !== undefined
          : (await this.blobs.size(check.digest, true)) !== undefined;
        if (!stored) missing ??= check;
      }
    };
    await Promise.all(Array.from({ length: Math.min(EXISTENCE_CHECKS_AT_ONCE, checks.length) }, worker));
    if (!missing) return;
    throw registryError(
      'MANIFEST_BLOB_UNKNOWN',
      missing.manifest
        ? `manifest unknown in ${name}: ${missing.digest.value}`
        : `blob unknown: ${missing.digest.value}`,
      { detail: { digest: missing.digest.value } },
    );
  }

  /** The digest a reference names in `name`, if that manifest is stored there. */
  async resolve(name: string, reference: Reference): Promise<Digest | undefined> {
    const digest = reference.kind === 'tag' ? await this.tags.get(name, reference.tag) : reference.digest;
    if (!digest || !(await this.repositories.hasRevision(name, digest))) return undefined;
    return digest;
  }

  /** Fetches a manifest by tag or digest; MANIFEST_UNKNOWN when it isn't stored in `name`. */
  async get(name: string, reference: Reference): Promise<StoredManifest> {
    const digest = await this.resolve(name, reference);
    const stored = digest ? await this.load(digest) : undefined;
    if (!digest || !stored) {
      throw registryError('MANIFEST_UNKNOWN', 'manifest unknown', {
        detail: { name, reference: reference.kind === 'tag' ? reference.tag : reference.digest.value },
      });
    }
    return { digest, ...stored };
  }

  /** Parsed form and bytes of any stored manifest blob (no repository check), or undefined. */
  async load(digest: Digest): Promise<{ bytes: Buffer; info: ManifestInfo } | undefined> {
    const cached = this.cache.get(digest.value);
    if (cached) return cached;
    const bytes = await this.blobs.read(digest);
    if (!bytes) return undefined;
    let info: ManifestInfo;
    try {
      info = parseManifest(bytes, undefined);
    } catch {
      return undefined;
    }
    this.remember(digest, bytes, info);
    return { bytes, info };
  }

  /**
   * Deletes by digest (the revision and every tag pointing at it) or by tag (only the tag).
   * The bytes stay until GC.
   */
  async delete(name: string, reference: Reference): Promise<void> {
    if (reference.kind === 'tag') {
      if (!(await this.tags.delete(name, reference.tag)))
        throw registryError('MANIFEST_UNKNOWN', 'tag unknown', { detail: { tag: reference.tag } });
      return;
    }
    if (!(await this.repositories.hasRevision(name, reference.digest)))
      throw registryError('MANIFEST_UNKNOWN', 'manifest unknown', {
        detail: { digest: reference.digest.value },
      });
    for (const entry of await this.tags.entries(name))
      if (entry.digest.value === reference.digest.value) await this.tags.delete(name, entry.tag);
    await this.repositories.unlinkRevision(name, reference.digest);
  }

  /** Manifests in `name` whose subject is `subject`, as descriptors (optionally of one artifactType). */
  async referrers(name: string, subject: Digest, artifactType: string | undefined): Promise<Descriptor[]> {
    const found: Descriptor[] = [];
    for (const revision of await this.repositories.listRevisions(name)) {
      const stored = await this.load(revision);
      if (!stored || stored.info.subject?.digest !== subject.value) continue;
      const type = stored.info.artifactType ?? stored.info.config?.mediaType;
      if (artifactType !== undefined && type !== artifactType) continue;
      found.push({
        mediaType: stored.info.mediaType,
        digest: revision.value,
        size: stored.bytes.length,
        ...(type ? { artifactType: type } : {}),
        ...(stored.info.annotations ? { annotations: onlyStrings(stored.info.annotations) } : {}),
      });
    }
    return found.sort((a, b) => (a.digest < b.digest ? -1 : 1));
  }

  /** Drops a manifest from the cache (GC removed its bytes). */
  forget(digest: string): void {
    const entry = this.cache.get(digest);
    if (!entry) return;
    this.cache.delete(digest);
    this.cachedBytes -= entry.bytes.length;
  }

  private remember(digest: Digest, bytes: Buffer, info: ManifestInfo): void {
    if (this.cache.has(digest.value) || bytes.length > CACHE_BYTES_LIMIT / 8) return;
    // Evict oldest first (Map keeps insertion order) until the new entry fits.
    for (const [key, entry] of this.cache) {
      if (this.cachedBytes + bytes.length <= CACHE_BYTES_LIMIT) break;
      this.cache.delete(key);
      this.cachedBytes -= entry.bytes.length;
    }
    this.cache.set(digest.value, { bytes, info });
    this.cachedBytes += bytes.length;
  }
}

/**
 * The string entries of an annotations map. Pushes are validated (annotations are strings), but a
 * manifest stored before that check must not break the referrers list it is part of.
 */
function onlyStrings(annotations: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(annotations).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}
