/** GET, HEAD, PUT and DELETE of `/v2/<name>/manifests/<tag or digest>`. */
import { type Handler, type RequestContext, readSmallBody, sendEmpty } from './context';
import { registryError } from '../errors';
import { MAX_MANIFEST_BYTES, negotiateIndexChild } from '../manifest-format';
import { manifestShapeScanner } from '../manifest-validation';
import { parseReference, type Reference, tryParseDigest, tryParseReference } from '../names';
import type { StoredManifest } from '../storage/manifest-store';

/**
 * The reference of a GET, HEAD or DELETE. One that is neither a valid tag nor a digest (`.INVALID`,
 * `a:b`) can name nothing stored, so it is answered as a missing manifest is (404 MANIFEST_UNKNOWN):
 * that is what the OCI conformance suite and clients expect. Only a PUT refuses it as invalid (400).
 */
function storedReference(ctx: RequestContext): Reference {
  const text = ctx.params[0] ?? '';
  const reference = tryParseReference(text);
  if (!reference)
    throw registryError(
      'MANIFEST_UNKNOWN',
      'manifest unknown (the reference is neither a tag nor a digest)',
      {
        detail: { reference: text.slice(0, 200) },
      },
    );
  return reference;
}

/**
 * Resolves the manifest to serve: by digest, exactly those bytes; by tag, an index is swapped for its
 * linux/amd64 image when the client can't take the index (see negotiateIndexChild).
 */
async function negotiated(ctx: RequestContext): Promise<StoredManifest> {
  const reference = storedReference(ctx);
  const stored = await ctx.storage.manifests.get(ctx.name, reference);
  if (reference.kind !== 'tag') return stored;
  const child = negotiateIndexChild(stored.info, ctx.req.headers.accept);
  const childDigest = child ? tryParseDigest(child.digest) : undefined;
  if (!childDigest) return stored;
  try {
    return await ctx.storage.manifests.get(ctx.name, { kind: 'digest', digest: childDigest });
  } catch {
    return stored;
  }
}

function manifestHeaders(stored: StoredManifest): Record<string, string | number> {
  return {
    'Content-Type': stored.info.mediaType,
    'Content-Length': stored.bytes.length,
    'Docker-Content-Digest': stored.digest.value,
    ETag: `"${stored.digest.value}"`,
  };
}

/** HEAD: the manifest's digest, type and size. */
export const headManifest: Handler = async (ctx) => {
  const stored = await negotiated(ctx);
  ctx.res.writeHead(200, manifestHeaders(stored));
  ctx.res.end();
};

/** GET: the exact stored bytes. */
export const getManifest: Handler = async (ctx) => {
  const stored = await negotiated(ctx);
  ctx.res.writeHead(200, manifestHeaders(stored));
  ctx.res.end(stored.bytes);
  ctx.activity({
    kind: 'pull',
    repository: ctx.name,
    reference: ctx.params[0],
    digest: stored.digest.value,
    bytes: stored.bytes.length,
    at: Date.now(),
  });
};

/** PUT: store a manifest; refused when it references something not stored. */
export const putManifest: Handler = async (ctx) => {
  const reference = parseReference(ctx.params[0] ?? '');
  // Its shape is scanned as it streams in: a hostile body is refused before the rest of it is read.
  const scanner = manifestShapeScanner();
  const bytes = await readSmallBody(ctx.req, MAX_MANIFEST_BYTES, ctx.signal, (chunk) => scanner.feed(chunk));
  if (bytes.length === 0) throw registryError('MANIFEST_INVALID', 'empty manifest');
  const stored = await ctx.storage.manifests.put(ctx.name, reference, bytes, ctx.req.headers['content-type']);
  const headers: Record<string, string> = {
    Location: `/v2/${ctx.name}/manifests/${stored.digest.value}`,
    'Docker-Content-Digest': stored.digest.value,
  };
  if (stored.info.subject) headers['OCI-Subject'] = stored.info.subject.digest;
  ctx.activity({
    kind: 'push',
    repository: ctx.name,
    reference: ctx.params[0],
    digest: stored.digest.value,
    bytes: bytes.length,
    at: Date.now(),
  });
  sendEmpty(ctx.res, 201, headers);
};

/**
 * DELETE: by digest removes the manifest and its tags; by tag removes only the tag. A reference that
 * is neither is answered like GET (404 MANIFEST_UNKNOWN): there is nothing under it to delete, and a
 * client making sure something is gone must not be told its request was malformed.
 */
export const deleteManifest: Handler = async (ctx) => {
  const reference = storedReference(ctx);
  await ctx.storage.manifests.delete(ctx.name, reference);
  ctx.activity({
    kind: 'delete',
    repository: ctx.name,
    reference: ctx.params[0],
    ...(reference.kind === 'digest' ? { digest: reference.digest.value } : {}),
    at: Date.now(),
  });
  sendEmpty(ctx.res, 202);
};
