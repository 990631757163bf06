/**
 * A second, private dockerd for one test file, started by scripts/dockerd-private.sh with
 * `--config-file <daemon.json>` so tests can edit the file it reads, SIGHUP it and ask `/info`. It has
 * its own data-root, exec-root and socket under a short /tmp folder (unix socket paths are limited to
 * 108 bytes), so the main dev daemon is never touched.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import Dockerode from 'dockerode';

const run = promisify(execFile);
const script = resolve(import.meta.dirname, '../../scripts/dockerd-private.sh');

/** A running private daemon and how to reach and stop it. */
export interface PrivateDockerd {
  /** The daemon's folder (data, exec root, socket, log, pid file). */
  dir: string;
  dockerHost: string;
  socketPath: string;
  pid: number;
  docker: Dockerode;
  /** Its log so far, for failure messages. */
  log(): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Start a private dockerd that reads `configFile` (and takes `flags`, e.g. `--insecure-registry=x`);
 * resolves once it answers on its socket.
 */
export async function startPrivateDockerd(configFile: string, flags: string[] = []): Promise<PrivateDockerd> {
  const dir = await mkdtemp('/tmp/bd-');
  const daemonDir = join(dir, 'd');
  try {
    const { stdout } = await run(script, ['start', daemonDir, '--config-file', configFile, ...flags], {
      timeout: 60_000,
    });
    const dockerHost = stdout.trim();
    const socketPath = dockerHost.replace(/^unix:\/\//, '');
    const pid = Number((await readFile(join(daemonDir, 'dockerd.pid'), 'utf8')).trim());
    return {
      dir: daemonDir,
      dockerHost,
      socketPath,
      pid,
      docker: new Dockerode({ socketPath }),
      log: () => readFile(join(daemonDir, 'dockerd.log'), 'utf8').catch(() => ''),
      async stop() {
        await run(script, ['stop', daemonDir], { timeout: 60_000 });
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    const log = await readFile(join(daemonDir, 'dockerd.log'), 'utf8').catch(() => '');
    await run(script, ['stop', daemonDir]).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
    throw new Error(`private dockerd did not start: ${(error as Error).message}\n${log.slice(-4000)}`);
  }
}
