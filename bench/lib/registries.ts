/**
 * Starting the two registries under test on 127.0.0.1: Berth's (the bundled registry process, forked
 * as the app forks it) and the reference (Debian's `docker-registry`, distribution 2.8, with a config
 * file in a temp folder). Start-to-ready is spawn → first successful `GET /v2/`, measured the same
 * way for both so neither's own notion of "ready" is trusted.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { REGISTRY_NODE_FLAGS } from '../../electron/registry/host/supervisor-child';
import { referenceRegistryConfig } from '../../tests/helpers/reference-registry-config';
import { elapsedMs } from './measure';

export const BENCH_HOST = '127.0.0.1';

export interface RegistryUnderTest {
  url: string;
  pid: number;
  startToReadyMs: number;
  /** CPU time the process used until it served: unlike wall time, barely affected by other load. */
  startCpuMs: number;
  stop(): Promise<void>;
}

export type RegistryLauncher = (dataDir: string, port: number) => Promise<RegistryUnderTest>;

/** Berth's registry process, forked with an IPC channel exactly like the supervisor does. */
export function berthLauncher(entry: string): RegistryLauncher {
  return (dataDir, port) => {
    const start = performance.now();
    const child = fork(entry, ['--port', String(port), '--host', BENCH_HOST, '--data', dataDir], {
      serialization: 'json',
      // Not the bench's own flags (under tsx those would load its TypeScript loader into the
      // registry): the registry's, as the app's spawner passes them.
      execArgv: [...REGISTRY_NODE_FLAGS],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    return whenServing(child, port, start, () => {
      // The supervisor's way to stop it; SIGTERM is the fallback of `stopChild`.
      if (child.connected) child.send({ type: 'shutdown' });
    });
  };
}

/** Debian's `docker-registry` with filesystem storage and deletes enabled. */
export function referenceLauncher(binary: string): RegistryLauncher {
  return (dataDir, port) => {
    const config = join(dataDir, 'config.yml');
    writeFileSync(
      config,
      referenceRegistryConfig({ dataDir, address: `${BENCH_HOST}:${port}`, logLevel: 'warn' }),
    );
    const start = performance.now();
    const child = spawn(binary, ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    return whenServing(child, port, start, () => child.kill('SIGTERM'));
  };
}

async function whenServing(
  child: ChildProcess,
  port: number,
  start: number,
  askToStop: () => void,
): Promise<RegistryUnderTest> {
  const url = `http://${BENCH_HOST}:${port}`;
  // The registries' logs (the reference logs every 404 HEAD as an error) would drown the figures; the
  // tail is kept and shown only if the registry fails.
  const logTail: string[] = [];
  child.stderr?.setEncoding('utf8').on('data', (text: string) => {
    logTail.push(...text.split('\n').filter(Boolean));
    logTail.splice(0, Math.max(0, logTail.length - 20));
  });
  const failure = (why: string): Error => new Error(`${why}; its last log lines:\n${logTail.join('\n')}`);
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  // Bounded: 10 s of attempts, each a fresh connection, ~2 ms apart.
  for (let attempt = 0; attempt < 5000; attempt++) {
    if (exited) throw failure(`registry on port ${port} exited before serving`);
    if (await answersV2(url)) {
      const startToReadyMs = elapsedMs(start);
      return {
        url,
        pid: child.pid!,
        startToReadyMs,
        startCpuMs: cpuTimeMs(child.pid!),
        stop: () => stopChild(child, exit, askToStop),
      };
    }
    if (performance.now() - start > 10_000) break;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  child.kill('SIGKILL');
  throw failure(`registry on port ${port} did not answer GET /v2/ within 10 s`);
}

/**
 * What Node alone costs: spawn → first IPC message of an empty script started the same way as the
 * registry (with an IPC channel). Berth's start-to-ready can't go below this; it separates the
 * registry's own start-up from the runtime's on the machine at hand.
 */
export async function nodeStartFloorMs(): Promise<number> {
  const start = performance.now();
  const child = spawn(process.execPath, ['-e', 'process.send("up"); process.disconnect()'], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', () => reject(new Error('node exited without a message')));
  });
  const ms = elapsedMs(start);
  if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
  return ms;
}

/** User + system CPU time of a process, from /proc (Linux; clock ticks are 100 Hz there). NaN elsewhere. */
export function cpuTimeMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

function answersV2(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(`${url}/v2/`, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
    });
    req.on('error', () => resolve(false));
    req.end();
  });
}

async function stopChild(child: ChildProcess, exit: Promise<void>, askToStop: () => void): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  askToStop();
  let timer: NodeJS.Timeout | undefined;
  const stopped = await Promise.race([
    exit.then(() => true),
    new Promise<boolean>((r) => (timer = setTimeout(() => r(false), 5000))),
  ]);
  clearTimeout(timer);
  if (!stopped) {
    child.kill('SIGKILL');
    await exit;
  }
}
