/**
 * The OCI Distribution grammar for repository names, tags and digests. Every name, reference and
 * digest that arrives over HTTP is checked here before it is used to build a path on disk, so `..`,
 * uppercase, absolute paths or odd characters can never reach the file system.
 */
import { isValidRepositoryName, isValidTag } from '../../common/oci-grammar';
import { registryError } from './errors';

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

/** True when `name` is a valid repository name (the grammar is oci-grammar.ts's). */
export const isValidName = isValidRepositoryName;

/** Returns `name` or throws NAME_INVALID. */
export function parseName(name: string): string {
  if (!isValidName(name))
    throw registryError('NAME_INVALID', 'invalid repository name', { detail: { name: name.slice(0, 300) } });
  return name;
}

export { isValidTag };

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

/** Parses a manifest reference (tag or digest); undefined when it is neither. */
export function tryParseReference(text: string): Reference | undefined {
  if (text.includes(':')) {
    const digest = tryParseDigest(text);
    return digest ? { kind: 'digest', digest } : undefined;
  }
  return isValidTag(text) ? { kind: 'tag', tag: text } : undefined;
}

/** Parses a manifest reference (tag or digest); throws MANIFEST_INVALID/DIGEST_INVALID otherwise. */
export function parseReference(text: string): Reference {
  if (text.includes(':')) return { kind: 'digest', digest: parseDigest(text) };
  if (!isValidTag(text))
    throw registryError('MANIFEST_INVALID', 'invalid tag', { detail: { tag: text.slice(0, 200) } });
  return { kind: 'tag', tag: text };
}
