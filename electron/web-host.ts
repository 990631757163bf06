/**
 * The browser host (`npm run web -- --port P`): the same core as the desktop app, with the built
 * renderer and the API served to a browser on 127.0.0.1 only. Prints its URL, with a fresh random
 * token, on a line of its own. Composition root: it wires, it doesn't implement.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
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
import { createNodeRegistrySpawner } from './registry/supervisor-node-spawner';

const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: '7420' },
    'user-data': { type: 'string' },
    'renderer-dir': { type: 'string' },
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
  const server = createServer();
  // The port is known only after listen (it may be 0), so the guard is created then.
  const guardHolder: { current?: AccessGuard } = {};
  const token = randomBytes(32).toString('base64url');

  server.on('request', (request, response) => {
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
    serveStatic(rendererDir, request, response).catch((error: unknown) => {
      log.error(`serving ${request.url}: ${String(error)}`);
      if (!response.headersSent) response.writeHead(500, securityHeaders());
      response.end();
    });
  });

  server.on('upgrade', (request, socket, head) => {
    const verdict = guardHolder.current?.check(request, 'websocket');
    const pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (!verdict || !verdict.allowed || pathname !== '/api') {
      const status = !verdict ? 503 : verdict.allowed ? 404 : verdict.status;
      socket.end(
        `HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : 'Forbidden'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
      );
      return;
    }
    transport.handleUpgrade(request, socket, head);
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
