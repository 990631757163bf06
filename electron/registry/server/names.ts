/**
 * The OCI Distribution grammar for repository names, tags and digests. Every name, reference and
 * digest that arrives over HTTP is checked here before it is used to build a path on disk, so `..`,
 * uppercase, absolute paths or odd characters can never reach the file system.
 */
import { registryError } from './errors';

/** The spec's repository name regex: path components of [a-z0-9] joined by `.`, `_`, `__` or `-`s. */
const NAME_PATTERN = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;
/** Docker refuses longer names (hostname included); so do we, before anything touches the disk. */
export const MAX_NAME_LENGTH = 255;
const TAG_PATTERN = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;

/** Supported digest algorithms and the length of their lowercase hex encoding. */
export const DIGEST_ALGORITHMS = { sha256: 64, sha512: 128 } as const;
/** A digest algorithm the registry can verify. */
export type DigestAlgorithm = keyof typeof DIGEST_ALGORITHMS;

/** A parsed, validated digest such as `sha256:9f86…`. */
export interface Digest {
  algorithm: DigestAlgorithm;
  hex: string;
  /** `algorithm:hex`, the canonical string form. */
  value: string;
}

/** True when `name` is a valid repository name. */
export function isValidName(name: string): boolean {
  return name.length > 0 && name.length <= MAX_NAME_LENGTH && NAME_PATTERN.test(name);
}

/** Returns `name` or throws NAME_INVALID. */
export function parseName(name: string): string {
  if (!isValidName(name))
    throw registryError('NAME_INVALID', 'invalid repository name', { detail: { name: name.slice(0, 300) } });
  return name;
}

/** True when `tag` is a valid tag. */
export function isValidTag(tag: string): boolean {
  return TAG_PATTERN.test(tag);
}

/** Parses `algorithm:hex`; returns undefined when it is not a digest this registry supports. */
export function tryParseDigest(text: string): Digest | undefined {
  const colon = text.indexOf(':');
  if (colon <= 0) return undefined;
  const algorithm = text.slice(0, colon);
  const hex = text.slice(colon + 1);
  if (algorithm !== 'sha256' && algorithm !== 'sha512') return undefined;
  if (hex.length !== DIGEST_ALGORITHMS[algorithm] || !/^[a-f0-9]+$/.test(hex)) return undefined;
  return { algorithm, hex, value: text };
}

/** Parses a digest or throws DIGEST_INVALID. */
export function parseDigest(text: string | null | undefined): Digest {
  const digest = text ? tryParseDigest(text) : undefined;
  if (!digest)
    throw registryError('DIGEST_INVALID', 'invalid digest (sha256:<64 hex> or sha512:<128 hex>)', {
      detail: { digest: text ?? null },
    });
  return digest;
}

/** A manifest reference: a tag or a digest. */
export type Reference = { kind: 'tag'; tag: string } | { kind: 'digest'; digest: Digest };

/** Parses a manifest reference (tag or digest); throws MANIFEST_INVALID/DIGEST_INVALID otherwise. */
export function parseReference(text: string): Reference {
  if (text.includes(':')) return { kind: 'digest', digest: parseDigest(text) };
  if (!isValidTag(text))
    throw registryError('MANIFEST_INVALID', 'invalid tag', { detail: { tag: text.slice(0, 200) } });
  return { kind: 'tag', tag: text };
}
