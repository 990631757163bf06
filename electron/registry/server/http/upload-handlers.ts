/**
 * Blob uploads: POST (session, monolithic `?digest=`, cross-repository `?mount=&from=`), PATCH
 * (streamed chunk), PUT `?digest=` (finish), GET (status), DELETE (cancel).
 */
import { type Handler, hasBody, type RequestContext, sendEmpty } from './context';
import { registryError } from '../errors';
import { type Digest, isValidName, parseDigest, tryParseDigest } from '../names';
import { UploadLimitReached, UploadOffsetMismatch } from '../storage/upload-errors';

function uploadLocation(name: string, uuid: string): string {
  return `/v2/${name}/blobs/uploads/${uuid}`;
}

/** The `Range` header value for an upload holding `offset` bytes (distribution's convention). */
function rangeHeader(offset: number): string {
  return `0-${Math.max(offset - 1, 0)}`;
}

function uploadHeaders(name: string, uuid: string, offset: number): Record<string, string> {
  return { Location: uploadLocation(name, uuid), Range: rangeHeader(offset), 'Docker-Upload-UUID': uuid };
}

/** Parses `Content-Range: <start>-<end>` (also tolerating a `bytes ` or `bytes=` prefix). */
function parseContentRange(ctx: RequestContext): { start?: number; length?: number } {
  const header = ctx.req.headers['content-range'];
  const declaredLength =
    ctx.req.headers['content-length'] === undefined ? undefined : Number(ctx.req.headers['content-length']);
  if (!header) return { length: declaredLength };
  const match = /^(?:bytes[ =])?(\d+)-(\d+)$/.exec(header.trim());
  const start = Number(match?.[1]);
  const end = Number(match?.[2]);
  if (!match || end < start)
    throw registryError('BLOB_UPLOAD_INVALID', `invalid Content-Range ${header.slice(0, 60)}`, {
      status: 416,
    });
  const length = end - start + 1;
  if (declaredLength !== undefined && declaredLength !== length) {
    throw registryError(
      'SIZE_INVALID',
      `Content-Length ${declaredLength} does not match Content-Range ${header.slice(0, 60)}`,
    );
  }
  return { start, length };
}

/**
 * Runs a chunk's storage work; a chunk that doesn't start at the upload's offset is answered 416
 * BLOB_UPLOAD_INVALID with the upload's real Range, Location and UUID, from which clients resume.
 */
async function writingChunk<T>(name: string, uuid: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof UploadOffsetMismatch)) throw error;
    throw registryError('BLOB_UPLOAD_INVALID', error.message, {
      status: 416,
      headers: uploadHeaders(name, uuid, error.offset),
    });
  }
}

async function finishUpload(ctx: RequestContext, uuid: string, digest: Digest): Promise<void> {
  const body = hasBody(ctx.req) ? ctx.req : undefined;
  const { size } = await writingChunk(ctx.name, uuid, () =>
    ctx.storage.uploads.complete(ctx.name, uuid, digest, body, {
      ...(body ? parseContentRange(ctx) : {}),
      signal: ctx.signal,
    }),
  );
  ctx.activity({
    kind: 'blob-upload',
    repository: ctx.name,
    digest: digest.value,
    bytes: size,
    at: Date.now(),
  });
  sendEmpty(ctx.res, 201, {
    Location: `/v2/${ctx.name}/blobs/${digest.value}`,
    'Docker-Content-Digest': digest.value,
  });
}

/** Tries a cross-repository mount; true when the blob was mounted and the response sent. */
async function tryMount(ctx: RequestContext, digest: Digest, from: string): Promise<boolean> {
  const { repositories, blobs } = ctx.storage;
  if (!isValidName(from) || !(await repositories.hasLayer(from, digest))) return false;
  if ((await blobs.size(digest, true)) === undefined) return false;
  await repositories.linkLayer(ctx.name, digest);
  ctx.activity({
    kind: 'blob-mount',
    repository: ctx.name,
    digest: digest.value,
    reference: from,
    at: Date.now(),
  });
  sendEmpty(ctx.res, 201, {
    Location: `/v2/${ctx.name}/blobs/${digest.value}`,
    'Docker-Content-Digest': digest.value,
  });
  return true;
}

/** Opens an upload session; a client at its limit of open uploads is told to come back later (429). */
async function startSession(ctx: RequestContext): Promise<{ uuid: string }> {
  try {
    return await ctx.storage.uploads.create(ctx.name, ctx.req.socket.remoteAddress ?? '');
  } catch (error) {
    if (!(error instanceof UploadLimitReached)) throw error;
    throw registryError('TOOMANYREQUESTS', error.message, {
      headers: { 'Retry-After': String(Math.ceil(error.retryAfterMs / 1000)) },
    });
  }
}

/** POST: start an upload (or mount, or upload in one request). */
export const startUpload: Handler = async (ctx) => {
  const mount = ctx.query.get('mount');
  const from = ctx.query.get('from');
  if (mount !== null && from !== null) {
    // An unusable mount request falls back to a normal session, as the spec allows.
    const digest = tryParseDigest(mount);
    if (digest && (await tryMount(ctx, digest, from))) return;
  }
  const digestParam = ctx.query.get('digest');
  const digest = digestParam === null ? undefined : parseDigest(digestParam);
  const { uuid } = await startSession(ctx);
  if (digest) {
    await finishUpload(ctx, uuid, digest);
    return;
  }
  sendEmpty(ctx.res, 202, uploadHeaders(ctx.name, uuid, 0));
};

/** PATCH: append a streamed chunk; an out-of-order chunk gets 416 and the real Range. */
export const patchUpload: Handler = async (ctx) => {
  const uuid = ctx.params[0] ?? '';
  const range = parseContentRange(ctx);
  const { offset } = await writingChunk(ctx.name, uuid, () =>
    ctx.storage.uploads.append(ctx.name, uuid, ctx.req, { ...range, signal: ctx.signal }),
  );
  sendEmpty(ctx.res, 202, uploadHeaders(ctx.name, uuid, offset));
};

/** PUT ?digest=: finish the upload, with an optional last chunk. */
export const finishUploadHandler: Handler = async (ctx) => {
  const uuid = ctx.params[0] ?? '';
  const digest = parseDigest(ctx.query.get('digest'));
  await finishUpload(ctx, uuid, digest);
};

/** GET: how far the upload got. */
export const uploadStatus: Handler = async (ctx) => {
  const uuid = ctx.params[0] ?? '';
  const { offset } = await ctx.storage.uploads.status(ctx.name, uuid);
  sendEmpty(ctx.res, 204, uploadHeaders(ctx.name, uuid, offset));
};

/** DELETE: cancel the upload. */
export const cancelUpload: Handler = async (ctx) => {
  await ctx.storage.uploads.cancel(ctx.name, ctx.params[0] ?? '');
  sendEmpty(ctx.res, 204);
};
