/**
 * A blob's bytes between two registries over node:http(s): the source's `GET` (following a redirect
 * to a CDN or object store, without the registry's credentials) and the target's `PUT ?digest=`, piped
 * into each other with back-pressure, so at most a few chunks are in memory. Node's `fetch` did the
 * same at twice the CPU per byte. Keep-alive agents per registry session; Authorization only to the
 * registry's own origin.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import type { RawAccess, RegistrySession } from '../registry-session';

interface Agents {
  http: HttpAgent;
  https: HttpsAgent;
}

const agents = new WeakMap<RegistrySession, Agents>();
/** Redirects followed at most (a registry to its storage, once or twice). */
const MAX_REDIRECTS = 5;
/** Bytes of an error answer kept for its message. */
const ERROR_BODY_LIMIT = 64 * 1024;

function agentsOf(session: RegistrySession): Agents {
  let found = agents.get(session);
  if (!found) {
    found = {
      http: new HttpAgent({ keepAlive: true, maxSockets: 16 }),
      https: new HttpsAgent({ keepAlive: true, maxSockets: 16 }),
    };
    agents.set(session, found);
  }
  return found;
}

/** Sends one request and answers its response (its body still to read); `body` is piped in. */
function send(
  session: RegistrySession,
  url: URL,
  method: 'GET' | 'PUT',
  headers: Record<string, string | number>,
  signal: AbortSignal,
  body?: Readable,
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const secure = url.protocol === 'https:';
    const { http, https } = agentsOf(session);
    const request = (secure ? httpsRequest : httpRequest)(url, {
      method,
      headers: { ...headers, 'User-Agent': 'Berth' },
      agent: secure ? https : http,
      signal,
    });
    request.once('response', resolve);
    // `on`, not `once`: a request destroyed twice (a cancel after a failure) must not throw the second.
    request.on('error', reject);
    if (!body) {
      request.end();
      return;
    }
    body.on('error', (error) => request.destroy(error));
    body.pipe(request);
  });
}

/** Drops a response's body; an error on it later (a cancel) has nothing left to tell. */
function discard(response: IncomingMessage): void {
  response.on('error', () => undefined);
  response.resume();
}

/** Reads an error answer's words (bounded), for the message. */
async function errorBody(response: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    if (total < ERROR_BODY_LIMIT) chunks.push(chunk);
    total += chunk.length;
  }
  return Buffer.concat(chunks).subarray(0, ERROR_BODY_LIMIT);
}

function headersOf(response: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(response.headers)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  return headers;
}

async function failed(access: RawAccess, response: IncomingMessage): Promise<Error> {
  return access.failure(response.statusCode ?? 0, headersOf(response), await errorBody(response));
}

/**
 * Opens the source's blob: answers the response to read (status 200), after redirects; a token the
 * registry turns down is got anew once.
 */
export async function openBlob(
  session: RegistrySession,
  path: string,
  scope: string,
  doing: string,
  signal: AbortSignal,
): Promise<IncomingMessage> {
  for (let attempt = 0; ; attempt += 1) {
    const access = await session.access(scope, doing, signal);
    let url = new URL(path, access.base);
    const origin = url.origin;
    let response: IncomingMessage;
    try {
      for (let hop = 0; ; hop += 1) {
        const headers: Record<string, string> = {};
        if (access.authorization && url.origin === origin) headers.Authorization = access.authorization;
        response = await send(session, url, 'GET', headers, signal);
        const status = response.statusCode ?? 0;
        const location = response.headers.location;
        if (status >= 300 && status < 400 && location && hop < MAX_REDIRECTS) {
          discard(response);
          url = new URL(location, url);
          continue;
        }
        break;
      }
    } catch (error) {
      if (signal.aborted) throw access.cancelled();
      throw access.network(error);
    }
    if (response.statusCode === 200) return response;
    if (response.statusCode === 401 && attempt === 0) {
      discard(response);
      session.forget(scope);
      continue;
    }
    throw await failed(access, response);
  }
}

/** Uploads `body` (`size` bytes) to an upload session's URL with `PUT ?digest=`: the last request of an upload. */
export async function putBlob(
  session: RegistrySession,
  uploadUrl: string,
  body: Readable,
  size: number,
  scope: string,
  doing: string,
  signal: AbortSignal,
): Promise<void> {
  const access = await session.access(scope, doing, signal);
  const url = new URL(uploadUrl, access.base);
  const headers: Record<string, string | number> = {
    'Content-Type': 'application/octet-stream',
    'Content-Length': size,
  };
  if (access.authorization && url.origin === new URL(access.base).origin)
    headers.Authorization = access.authorization;
  let response: IncomingMessage;
  try {
    response = await send(session, url, 'PUT', headers, signal, body);
  } catch (error) {
    if (signal.aborted) throw access.cancelled();
    throw access.network(error);
  }
  if (response.statusCode === 201 || response.statusCode === 204) {
    discard(response);
    return;
  }
  throw await failed(access, response);
}
