/** GET, HEAD and DELETE of `/v2/<name>/blobs/<digest>`. */
import { type Handler, type RequestContext, sendEmpty } from './context';
import { sendFileRange } from './file-sender';
import { registryError } from '../errors';
import { type Digest, parseDigest } from '../names';

type ByteRange = { start: number; end: number };

/**
 * Parses a single `bytes=` range against `size`. Undefined = serve everything (no or unusable
 * header); 'unsatisfiable' = answer 416.
 */
export function parseRange(
  header: string | undefined,
  size: number,
): ByteRange | 'unsatisfiable' | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    // "bytes=-N" of an empty blob has no last byte to start from (RFC 9110 §14.1.2).
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(size - suffix, 0), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

async function findBlob(ctx: RequestContext, touch = false): Promise<{ digest: Digest; size: number }> {
  const digest = parseDigest(ctx.params[0]);
  const { repositories, blobs } = ctx.storage;
  const linked =
    (await repositories.hasLayer(ctx.name, digest)) || (await repositories.hasRevision(ctx.name, digest));
  const size = linked ? await blobs.size(digest, touch) : undefined;
  if (size === undefined)
    throw registryError('BLOB_UNKNOWN', 'blob unknown to registry', { detail: { digest: digest.value } });
  return { digest, size };
}

/** HEAD: existence and size (a push asks this for every layer, so it is kept cheap: cached stats). */
export const headBlob: Handler = async (ctx) => {
  // A pusher that hears "exists" will reference this blob: keep it from a running GC.
  const { digest, size } = await findBlob(ctx, true);
  ctx.res.writeHead(200, {
    'Content-Type': 'application/octet-stream',
    'Content-Length': size,
    'Docker-Content-Digest': digest.value,
    'Accept-Ranges': 'bytes',
    ETag: `"${digest.value}"`,
  });
  ctx.res.end();
};

/** GET: the blob's bytes, streamed, with single-range support (206/416). */
export const getBlob: Handler = async (ctx) => {
  const { digest, size } = await findBlob(ctx);
  const range = parseRange(ctx.req.headers.range, size);
  if (range === 'unsatisfiable') {
    throw registryError('UNSUPPORTED', 'requested range not satisfiable', {
      status: 416,
      headers: { 'Content-Range': `bytes */${size}` },
    });
  }
  const file = await ctx.storage.blobs.open(digest);
  if (!file)
    throw registryError('BLOB_UNKNOWN', 'blob unknown to registry', { detail: { digest: digest.value } });
  try {
    const headers: Record<string, string | number> = {
      'Content-Type': 'application/octet-stream',
      'Docker-Content-Digest': digest.value,
      'Accept-Ranges': 'bytes',
      ETag: `"${digest.value}"`,
      'Cache-Control': 'max-age=31536000',
    };
    if (range) {
      ctx.res.writeHead(206, {
        ...headers,
        'Content-Length': range.end - range.start + 1,
        'Content-Range': `bytes ${range.start}-${range.end}/${size}`,
      });
    } else {
      ctx.res.writeHead(200, { ...headers, 'Content-Length': size });
    }
    if (size === 0) {
      ctx.res.end();
      return;
    }
    await sendFileRange(file, ctx.res, range?.start ?? 0, range?.end ?? size - 1, ctx.signal);
  } finally {
    await file.close();
  }
};

/** DELETE: removes the blob from the repository (the bytes go at the next GC). */
export const deleteBlob: Handler = async (ctx) => {
  const digest = parseDigest(ctx.params[0]);
  if (!(await ctx.storage.repositories.hasLayer(ctx.name, digest)))
    throw registryError('BLOB_UNKNOWN', 'blob unknown to registry', { detail: { digest: digest.value } });
  await ctx.storage.repositories.unlinkLayer(ctx.name, digest);
  ctx.activity({ kind: 'delete', repository: ctx.name, digest: digest.value, at: Date.now() });
  sendEmpty(ctx.res, 202, { 'Docker-Content-Digest': digest.value });
};
