/**
 * The registry process: `registry-process.cjs --port P --data DIR [--host 127.0.0.1]`.
 * Prints exactly one line, `http://HOST:PORT`, once listening. Alone (no IPC channel), it writes an
 * access log to stderr, one line per request (http/access-log.ts), unless `--quiet`: a client that
 * fails against `npm run registry` then leaves a trace. Under the supervisor there is none (and
 * `--quiet` changes nothing): the app's activity feed already reports what happened, and a line per
 * request would only fill the host's log with every blob HEAD of every push. When started by the supervisor
 * (an IPC channel exists: child_process `process.send` or Electron's `process.parentPort`), it also
 * speaks messages.ts: `ready`, `activity`, `stats` (when changed, at most once a second), `error`,
 * and a `reply` to each request. Exits cleanly on SIGTERM, SIGINT, `shutdown` or a lost parent.
 * Exit codes: 0 clean, 2 bad arguments, 3 port in use, 4 data folder unusable, 1 anything else.
 * Start-up is kept light: only built-ins, no scan of the data folder before listening (the upload
 * sweep and the first stats walk run after the URL is printed; hash workers start on first upload),
 * and the built-ins only a request needs (node:crypto, node:worker_threads) load on first use
 * through `process.getBuiltinModule`: compiling them was ~15 ms of a 200–300 ms start here.
 */
import type { AddressInfo } from 'node:net';
import { GarbageCollector } from './gc';
import { Inventory } from './inventory';
import type { HostToRegistryMessage, RegistryActivity, RegistryToHostMessage } from '../messages';
import { answerRequest, createRequestHandlers } from './requests';
import { createRegistryServer } from './server';
import { RegistryStorage } from './storage/registry-storage';

interface Options {
  port: number;
  host: string;
  dataDir: string;
  uploadMaxIdleMs?: number;
  pendingGraceMs?: number;
  idleTimeoutMs?: number;
  headersTimeoutMs?: number;
  uploadsPerClient?: number;
  /** No access log (standalone only). */
  quiet: boolean;
}

const USAGE =
  'usage: registry-process --port P --data DIR [--host 127.0.0.1] [--upload-max-idle SECONDS] [--gc-grace SECONDS]\n' +
  '       [--idle-timeout SECONDS] [--headers-timeout SECONDS] [--uploads-per-client N] [--quiet]';

/** Flags that take no value. */
const SWITCHES = new Set(['quiet']);

/** Bad command line: usage to stderr, exit 2. */
function usageError(message: string): never {
  process.stderr.write(`berth-registry: ${message}\n${USAGE}\n`);
  process.exit(2);
}

/** A fatal start-up failure: log it, tell the supervisor, exit once the message has left. */
function exitWithError(
  message: string,
  exitCode: number,
  code: 'PORT_IN_USE' | 'DATA_DIR_UNUSABLE' | 'INTERNAL',
): void {
  process.stderr.write(`berth-registry: ${message}\n`);
  process.exitCode = exitCode;
  if (parentPort) {
    parentPort.postMessage({ type: 'error', code, message } satisfies RegistryToHostMessage);
    setImmediate(() => process.exit(exitCode));
  } else if (process.send && process.connected) {
    process.send({ type: 'error', code, message } satisfies RegistryToHostMessage, () =>
      process.exit(exitCode),
    );
  } else {
    process.exit(exitCode);
  }
}

function parseArguments(argv: string[]): Options {
  const values = new Map<string, string>();
  const switches = new Set<string>();
  for (let i = 0; i < argv.length; i += 1) {
    const key = argv[i] ?? '';
    const eq = key.indexOf('=');
    if (SWITCHES.has(key.slice(2)) && key.startsWith('--')) switches.add(key.slice(2));
    else if (key.startsWith('--') && eq > 0) values.set(key.slice(2, eq), key.slice(eq + 1));
    else if (key.startsWith('--') && i + 1 < argv.length) values.set(key.slice(2), argv[++i] ?? '');
    else usageError(`unexpected argument ${key}`);
  }
  const port = Number(values.get('port'));
  const dataDir = values.get('data');
  if (!Number.isInteger(port) || port < 0 || port > 65535 || !dataDir)
    usageError('--port and --data are required');
  const number = (key: string) => {
    if (!values.has(key)) return undefined;
    const value = Number(values.get(key));
    if (!Number.isFinite(value) || value < 0) usageError(`--${key} must be a non-negative number`);
    return value;
  };
  const seconds = (key: string) => {
    const value = number(key);
    return value === undefined ? undefined : value * 1000;
  };
  return {
    port,
    dataDir,
    host: values.get('host') ?? '127.0.0.1',
    uploadMaxIdleMs: seconds('upload-max-idle'),
    pendingGraceMs: seconds('gc-grace'),
    idleTimeoutMs: seconds('idle-timeout'),
    headersTimeoutMs: seconds('headers-timeout'),
    uploadsPerClient: number('uploads-per-client'),
    quiet: switches.has('quiet'),
  };
}

type ParentPort = {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
};
const parentPort = (process as NodeJS.Process & { parentPort?: ParentPort }).parentPort;
const hasParent = parentPort !== undefined || typeof process.send === 'function';

function send(message: RegistryToHostMessage): void {
  if (parentPort) parentPort.postMessage(message);
  else if (process.send && process.connected) process.send(message);
}

async function main(): Promise<void> {
  // libuv's pool (4 threads by default) runs every fs call; a few uploads waiting in fsync would
  // stall all other file work. Takes effect because nothing has used the pool yet.
  process.env.UV_THREADPOOL_SIZE ??= '16';
  const options = parseArguments(process.argv.slice(2));
  const storage = new RegistryStorage(options.dataDir, {
    uploadMaxIdleMs: options.uploadMaxIdleMs,
    pendingGraceMs: options.pendingGraceMs,
    uploadsPerClient: options.uploadsPerClient,
  });
  try {
    await storage.prepare();
  } catch (error) {
    exitWithError(
      `data folder ${options.dataDir} is unusable: ${(error as Error).message}`,
      4,
      'DATA_DIR_UNUSABLE',
    );
    return;
  }
  const inventory = new Inventory(storage);
  const collector = new GarbageCollector(storage);
  let statsDirty = true;
  const onActivity = (activity: RegistryActivity) => {
    statsDirty = true;
    if (hasParent) send({ type: 'activity', activity });
  };
  // The fast push's export endpoint (http/docker-export-handler.ts): the token comes from the
  // environment (tests, `npm run registry`), or is made here and told to the supervisor only.
  const dockerExportToken =
    process.env.BERTH_REGISTRY_IMPORT_TOKEN ||
    (hasParent ? process.getBuiltinModule('node:crypto').randomBytes(32).toString('hex') : undefined);
  delete process.env.BERTH_REGISTRY_IMPORT_TOKEN;
  const server = createRegistryServer({
    storage,
    dockerExportToken,
    activity: onActivity,
    idleTimeoutMs: options.idleTimeoutMs,
    headersTimeoutMs: options.headersTimeoutMs,
    ...(hasParent || options.quiet ? {} : { accessLog: (line) => process.stderr.write(`${line}\n`) }),
  });

  server.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE')
      exitWithError(`port ${options.port} on ${options.host} is already in use`, 3, 'PORT_IN_USE');
    else exitWithError(`cannot listen on ${options.host}:${options.port}: ${error.message}`, 1, 'INTERNAL');
  });

  let stopping = false;
  server.listen(options.port, options.host, () => {
    const { port } = server.address() as AddressInfo;
    const host = options.host.includes(':') ? `[${options.host}]` : options.host;
    const url = `http://${host}:${port}`;
    process.stdout.write(`${url}\n`);
    send({
      type: 'ready',
      url,
      port,
      host: options.host,
      dataDir: options.dataDir,
      // process.uptime, not performance.now: the global `performance` loads node:perf_hooks (~6 ms).
      startedInMs: Math.round(process.uptime() * 1000),
      ...(dockerExportToken === undefined ? {} : { dockerExportToken }),
    });
    void storage
      .sweepUploads()
      .catch((error: Error) =>
        process.stderr.write(`berth-registry: upload sweep failed: ${error.message}\n`),
      );
  });

  const sweepTimer = setInterval(() => void storage.sweepUploads().catch(() => undefined), 10 * 60_000);
  sweepTimer.unref();

  let lastStats = '';
  let computing = false;
  const statsTimer = setInterval(() => {
    if (!hasParent || !statsDirty || computing) return;
    statsDirty = false;
    computing = true;
    inventory
      .stats()
      .then((stats) => {
        const text = JSON.stringify(stats);
        if (text !== lastStats) send({ type: 'stats', stats });
        lastStats = text;
      })
      .catch((error: Error) => process.stderr.write(`berth-registry: stats failed: ${error.message}\n`))
      .finally(() => (computing = false));
  }, 1000);
  statsTimer.unref();

  const handlers = createRequestHandlers(inventory, collector, onActivity);

  function onMessage(raw: unknown): void {
    const message = raw as HostToRegistryMessage;
    if (!message || typeof message !== 'object') return;
    if (message.type === 'shutdown') {
      shutdown();
      return;
    }
    void answerRequest(handlers, message).then(send);
  }

  function shutdown(): void {
    if (stopping) return;
    stopping = true;
    clearInterval(statsTimer);
    clearInterval(sweepTimer);
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    // In-flight requests get a moment to finish, then the connections are cut.
    setTimeout(() => {
      server.closeAllConnections();
      process.exit(0);
    }, 2000).unref();
  }

  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  if (parentPort) parentPort.on('message', (event) => onMessage(event.data));
  else if (process.send) {
    process.on('message', onMessage);
    process.on('disconnect', shutdown);
  }
}

main().catch((error: Error) => {
  process.stderr.write(`berth-registry: ${error.stack ?? error.message}\n`);
  process.exitCode = process.exitCode ?? 1;
});
