/**
 * The HTTP edge: node:http with keep-alive, the route table, one AbortController per request
 * (aborted when the client disconnects), and the translation of every failure into the spec's
 * JSON error body. Storage failures (disk full, permission denied) are logged to stderr once per
 * request and answered with a clean 5xx; the server keeps serving.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AccessLogSink, accessLogLine, accessLogStart } from './http/access-log';
import type { ActivityListener, RequestContext } from './http/context';
import { isLoopbackAddress, refusalReason } from './http/request-guard';
import { type RegistryError, registryError, toRegistryError } from './errors';
import { parseName } from './names';
import { matchRoute } from './routes';
import { DOCKER_EXPORT_PATH } from '../docker-export-protocol';
import type { RegistryStorage } from './storage/registry-storage';

/** Options for `createRegistryServer`. */
export interface RegistryServerOptions {
  storage: RegistryStorage;
  activity?: ActivityListener;
  /** Where failures are logged (default: stderr). */
  log?: (line: string) => void;
  /** Where one line per request goes (see http/access-log.ts); none when absent. */
  accessLog?: AccessLogSink;
  /** A connection that moves no bytes either way for this long is cut (default `IDLE_TIMEOUT_MS`). */
  idleTimeoutMs?: number;
  /** A request's headers must arrive within this time (default `HEADERS_TIMEOUT_MS`). */
  headersTimeoutMs?: number;
  /** The token the host's fast push must show (http/docker-export-handler.ts); none: no such endpoint. */
  dockerExportToken?: string;
}

/**
 * A connection silent this long is cut: a client whose body stopped moving, or that stopped reading
 * a download. A large upload that keeps moving is never cut (there is no whole-request limit), and
 * the longest pause a real client makes (docker waiting on the daemon between layers) is seconds.
 */
export const IDLE_TIMEOUT_MS = 60_000;
/** Every client sends its headers at once; a slower one is holding a connection open on purpose. */
export const HEADERS_TIMEOUT_MS = 20_000;

const API_VERSION_HEADER = 'registry/2.0';
/**
 * A storage failure shows in the activity feed once per this many ms for the same cause: a client
 * retrying a push against a full disk must not flood the feed (each request is still logged).
 */
const FAILURE_REPEAT_MS = 10_000;

function sendError(req: IncomingMessage, res: ServerResponse, error: RegistryError): void {
  if (res.headersSent) {
    // Too late for a status: cut the connection so the client sees a failure, not a short body.
    res.destroy();
    return;
  }
  // Drain what the client still sends (a failed upload's remaining body), so it can read the
  // answer on a healthy keep-alive connection instead of seeing a reset.
  if (!req.complete && !req.destroyed) req.resume();
  const body = error.toBody();
  res.writeHead(error.status, {
    ...error.headers,
    'Content-Type': 'application/json',
    'Content-Length': req.method === 'HEAD' ? 0 : Buffer.byteLength(body),
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** Creates the registry's HTTP server (not yet listening). */
export function createRegistryServer(options: RegistryServerOptions): Server {
  const log = options.log ?? ((line: string) => process.stderr.write(`berth-registry: ${line}\n`));
  const activity = options.activity ?? (() => undefined);
  const accessLog = options.accessLog;
  const failureShownAt = new Map<string, number>();
  const exportToken = options.dockerExportToken
    ? Buffer.from(`Bearer ${options.dockerExportToken}`)
    : undefined;
  /** True when the request shows the fast push's token (compared in constant time). */
  const showsExportToken = (req: IncomingMessage) => {
    const given = Buffer.from(req.headers.authorization ?? '');
    return (
      exportToken !== undefined && given.length === exportToken.length && timingSafeEqual(given, exportToken)
    );
  };
  const reportFailure = (what: string, repository: string) => {
    const now = Date.now();
    if (now - (failureShownAt.get(what) ?? -Infinity) < FAILURE_REPEAT_MS) return;
    failureShownAt.set(what, now);
    activity({ kind: 'failure', repository, detail: what, at: now });
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const controller = new AbortController();
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    const logStart = accessLog && accessLogStart(req);
    res.on('close', () => {
      if (!res.writableFinished) controller.abort();
      if (logStart && accessLog) accessLog(accessLogLine(req, res, path, logStart));
    });
    res.setHeader('Docker-Distribution-API-Version', API_VERSION_HEADER);
    /** The request's repository, once validated (for the activity feed). */
    let name = '';
    try {
      const refused = listening && refusalReason(req, listening);
      if (refused) throw registryError('DENIED', refused);
      // Berth's own endpoint for the fast push; without the token it doesn't exist (a 404 below).
      if (path === DOCKER_EXPORT_PATH && req.method === 'POST' && showsExportToken(req)) {
        const { handleDockerExport } = await import('./http/docker-export-handler');
        await handleDockerExport(req, res, options.storage, controller.signal, activity);
        return;
      }
      const matched = matchRoute(path);
      if (!matched)
        throw registryError('UNSUPPORTED', 'no such endpoint', {
          status: 404,
          detail: { path: path.slice(0, 200) },
        });
      const handler = matched.route.methods[req.method ?? ''];
      if (!handler) {
        throw registryError('UNSUPPORTED', `method ${req.method} not allowed here`, {
          headers: { Allow: Object.keys(matched.route.methods).join(', ') },
        });
      }
      const captures = matched.captures;
      name = matched.route.hasName ? parseName(captures[0] ?? '') : '';
      const ctx: RequestContext = {
        req,
        res,
        name,
        params: matched.route.hasName ? captures.slice(1) : captures,
        query: new URLSearchParams(queryAt === -1 ? '' : url.slice(queryAt + 1)),
        signal: controller.signal,
        storage: options.storage,
        activity,
      };
      await handler(ctx);
    } catch (error) {
      if (controller.signal.aborted) return; // the client left; nobody to answer
      const { error: registryFailure, logLine, storageFailure } = toRegistryError(error);
      if (logLine) log(`${req.method} ${req.url?.slice(0, 300)}: ${logLine}`);
      if (storageFailure) reportFailure(storageFailure, name);
      sendError(req, res, registryFailure);
    }
  }

  const headersTimeout = options.headersTimeoutMs ?? HEADERS_TIMEOUT_MS;
  const server = createServer(
    {
      keepAlive: true,
      noDelay: true,
      // Bigger request buffers than the 16 KiB default: fewer pauses per MiB uploaded, bounded memory.
      highWaterMark: 256 * 1024,
      // No limit on a whole request (a big upload takes as long as it takes); the idle limit below
      // cuts one that stops moving.
      requestTimeout: 0,
      headersTimeout,
      // How often slow headers are looked for (Node's default, 30 s, would let them run 50 s).
      connectionsCheckingInterval: Math.max(Math.min(headersTimeout / 4, 5_000), 100),
    },
    (req, res) => void handle(req, res),
  );
  server.timeout = options.idleTimeoutMs ?? IDLE_TIMEOUT_MS;
  /** What the request guard needs to know of the socket, once it listens. */
  let listening: { loopbackOnly: boolean; port: number } | undefined;
  server.on('listening', () => {
    const address = server.address() as AddressInfo;
    listening = { loopbackOnly: isLoopbackAddress(address.address), port: address.port };
  });
  server.keepAliveTimeout = 65_000;
  return server;
}
