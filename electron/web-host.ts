/**
 * The browser host (`npm run web -- --port P`): the same core as the desktop app, with the built
 * renderer and the API served to a browser on 127.0.0.1 only. Prints its URL, with a fresh random
 * token, on a line of its own. Composition root: it wires, it doesn't implement.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Conf from 'conf';
import packageJson from '../package.json';
import { createCore } from './core';
import { quarantineCorruptSettings, SETTINGS_FILE_NAME, SettingsStore } from './settings/settings-store';
import { defaultUserDataDir } from './settings/user-data';
import { AccessGuard } from './web/access-guard';
import { securityHeaders, serveStatic } from './web/static-files';
import { createWebSocketTransport } from './api/ws-transport';
import { createSudoPromptElevator } from './daemon-config/elevator';
import { createNodeRegistrySpawner } from './registry/host/supervisor-node-spawner';

/**
 * A whole request (headers and body) must arrive within this time (`--request-timeout` seconds);
 * its headers within a third of it, and a connection that moves no bytes for twice as long is
 * closed. Pages and the API's upgrade are small: a client slower than that holds a connection open
 * on purpose. (A WebSocket, once upgraded, is no longer under these limits.)
 */
const DEFAULT_REQUEST_TIMEOUT_SECONDS = 30;

const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: '7420' },
    'user-data': { type: 'string' },
    'renderer-dir': { type: 'string' },
    'request-timeout': { type: 'string', default: String(DEFAULT_REQUEST_TIMEOUT_SECONDS) },
  },
});

const log = {
  info: (message: string) => console.error(`[berth] ${message}`),
  warn: (message: string) => console.error(`[berth] warning: ${message}`),
  error: (message: string) => console.error(`[berth] error: ${message}`),
};

async function main(): Promise<void> {
  const requestedPort = Number(args.port);
  if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65535) {
    throw new Error(`--port must be a port number, not ${args.port}`);
  }
  const userDataDir = args['user-data'] ?? defaultUserDataDir();
  mkdirSync(userDataDir, { recursive: true });
  const notice = quarantineCorruptSettings(userDataDir);
  if (notice) log.warn(`${notice.title} ${notice.detail ?? ''}`);
  const settings = new SettingsStore(new Conf({ cwd: userDataDir, configName: SETTINGS_FILE_NAME }));

  const core = createCore({
    kind: 'web',
    version: packageJson.version,
    userDataDir,
    settings,
    startupNotices: notice ? [notice] : [],
    log,
    spawnRegistry: createNodeRegistrySpawner(join(__dirname, 'registry-process.cjs'), (line) =>
      log.info(`registry: ${line}`),
    ),
    elevator: createSudoPromptElevator(),
  });

  const rendererDir = args['renderer-dir'] ?? join(__dirname, '..', 'renderer');
  const transport = createWebSocketTransport(core.router, core.bus);
  const requestTimeoutMs = Number(args['request-timeout']) * 1000;
  if (!(requestTimeoutMs > 0))
    throw new Error(`--request-timeout must be a number of seconds, not ${args['request-timeout']}`);
  const server = createServer({
    headersTimeout: requestTimeoutMs / 3,
    requestTimeout: requestTimeoutMs,
    connectionsCheckingInterval: Math.min(requestTimeoutMs / 6, 1_000),
  });
  server.timeout = requestTimeoutMs * 2;
  // The port is known only after listen (it may be 0), so the guard is created then.
  const guardHolder: { current?: AccessGuard } = {};
  const token = randomBytes(32).toString('base64url');

  const answerRequest = (request: IncomingMessage, response: ServerResponse) => {
    const verdict = guardHolder.current?.check(request, 'page');
    if (!verdict || !verdict.allowed) {
      response.writeHead(verdict?.status ?? 503, {
        ...securityHeaders(),
        'Content-Type': 'text/plain; charset=utf-8',
      });
      response.end(verdict?.reason ?? 'Starting…');
      return;
    }
    if (verdict.viaQuery) {
      // Trade the token in the URL for a cookie, and drop it from the address bar and history.
      response.writeHead(303, {
        ...securityHeaders(),
        'Set-Cookie': guardHolder.current!.cookieHeader(),
        Location: '/',
      });
      response.end();
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, securityHeaders()).end();
      return;
    }
    serveStatic(rendererDir, verdict.target, response).catch((error: unknown) => {
      log.error(`serving ${verdict.target.pathname.slice(0, 200)}: ${String(error)}`);
      if (!response.headersSent) response.writeHead(500, securityHeaders());
      response.end();
    });
  };
  // No request may stop the host: whatever a handler throws is answered, logged, and forgotten.
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    try {
      answerRequest(request, response);
    } catch (error) {
      log.error(`answering a request: ${String(error)}`);
      if (!response.headersSent) response.writeHead(500, securityHeaders());
      response.end();
    }
  });

  const answerUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const verdict = guardHolder.current?.check(request, 'websocket');
    if (!verdict || !verdict.allowed || verdict.target.pathname !== '/api') {
      const status = !verdict ? 503 : verdict.allowed ? 404 : verdict.status;
      socket.end(
        `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Refused'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
      );
      return;
    }
    transport.handleUpgrade(request, socket, head);
  };
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    try {
      answerUpgrade(request, socket, head);
    } catch (error) {
      log.error(`answering an upgrade: ${String(error)}`);
      socket.destroy();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(requestedPort, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : requestedPort;
  guardHolder.current = new AccessGuard(token, port);
  // The one line other tools read: the URL with the token, on a line of its own. Printed before
  // Docker answers: the page shows "Connecting…" and follows the connection live.
  process.stdout.write(`http://127.0.0.1:${port}/?token=${token}\n`);
  await core.start();

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: stopping`);
    await transport.close();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
    await core.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  const code = (error as { code?: string }).code;
  if (code === 'EADDRINUSE') log.error(`port ${args.port} is already in use; choose another with --port`);
  else log.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
