/**
 * What every handler receives (request, response, parsed route parameters, the stores, an abort
 * signal that fires when the client goes away, a way to report activity) and the small response
 * helpers they share. Handlers never touch the file system: they go through `storage`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RegistryActivity } from '../../messages';
import type { RegistryStorage } from '../storage/registry-storage';
import { registryError } from '../errors';

/** Reports what happened (push, pull, upload …) to whoever runs the server. */
export type ActivityListener = (activity: RegistryActivity) => void;

/** Everything one request's handler needs. */
export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  /** Validated repository name ('' for routes without one). */
  name: string;
  /** Further path parameters (reference, digest, upload id), URL-decoded, not yet validated. */
  params: string[];
  query: URLSearchParams;
  /** Aborted when the client disconnects before the response is complete. */
  signal: AbortSignal;
  storage: RegistryStorage;
  activity: ActivityListener;
}

/** A route handler. */
export type Handler = (ctx: RequestContext) => Promise<void>;

/** Ends the response with no body. */
export function sendEmpty(
  res: ServerResponse,
  status: number,
  headers: Record<string, string | number> = {},
): void {
  res.writeHead(status, { ...headers, 'Content-Length': 0 });
  res.end();
}

/** Ends the response with a JSON body (omitted for HEAD by node:http). */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string | number> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    ...headers,
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** True when the request carries a body (a length above zero, or chunked). */
export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return Number(length) > 0;
  return req.headers['transfer-encoding'] !== undefined;
}

/**
 * Reads a small body whole (manifests), refusing more than `limit` bytes. `inspect` sees each chunk
 * as it arrives and may throw to refuse the body before the rest of it is read.
 */
export async function readSmallBody(
  req: IncomingMessage,
  limit: number,
  signal: AbortSignal,
  inspect?: (chunk: Buffer) => void,
): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit)
    throw registryError('MANIFEST_INVALID', `manifest larger than ${limit} bytes`, { status: 413 });
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req.iterator({ destroyOnReturn: false })) {
    signal.throwIfAborted();
    total += (chunk as Buffer).length;
    if (total > limit)
      throw registryError('MANIFEST_INVALID', `manifest larger than ${limit} bytes`, { status: 413 });
    inspect?.(chunk as Buffer);
    chunks.push(chunk as Buffer);
  }
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total);
}

/** Parses a non-negative integer query parameter; undefined when absent or invalid. */
export function queryInt(query: URLSearchParams, key: string): number | undefined {
  const text = query.get(key);
  if (text === null || !/^\d{1,9}$/.test(text)) return undefined;
  return Number(text);
}

/**
 * Applies `n`/`last` pagination to a sorted list; returns the page and, when more remain, the
 * `Link` header pointing at the next page (relative, as distribution does).
 */
export function paginate(
  items: string[],
  query: URLSearchParams,
  path: string,
): { page: string[]; link?: string } {
  const last = query.get('last');
  const n = queryInt(query, 'n');
  // n=0 asks for nothing, and there must be no Link to follow (it would answer the same again).
  if (n === 0) return { page: [] };
  const after = last === null ? items : items.filter((item) => item > last);
  if (n === undefined || after.length <= n) return { page: n === undefined ? after : after.slice(0, n) };
  const page = after.slice(0, n);
  const next = page.at(-1) ?? last ?? '';
  return { page, link: `<${path}?last=${encodeURIComponent(next)}&n=${n}>; rel="next"` };
}
