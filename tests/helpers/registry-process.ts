/**
 * Starts the embedded registry as a real child process for tests: ephemeral port on 127.0.0.1, a
 * temp data folder unless one is given. The registry entry alone is bundled once per test process
 * with esbuild (so a broken file elsewhere in electron/ can't stop registry tests).
 *
 *   const registry = await startRegistry();
 *   await fetch(`${registry.url}/v2/`);
 *   await registry.stop();
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

/** A running registry process. */
export interface RunningRegistry {
  /** `http://127.0.0.1:PORT` as printed by the process. */
  url: string;
  port: number;
  host: string;
  dataDir: string;
  child: ChildProcess;
  /** `127.0.0.1:PORT`, the form docker/skopeo image references use. */
  address: string;
  /** The token of its `/_berth/docker-export` endpoint (none when started without it). */
  dockerExportToken: string | undefined;
  /** Everything the process wrote to stderr so far. */
  stderr(): string;
  /** SIGTERM and wait for exit; resolves to the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL (a crash) and wait for the process to be gone. */
  kill9(): Promise<void>;
}

/** Options for `startRegistry`. */
export interface StartRegistryOptions {
  /** Data folder to use (kept); default a fresh temp folder (removed by `stop`). */
  dataDir?: string;
  /** Port; default 0 (ephemeral). */
  port?: number;
  /** Extra command-line arguments (e.g. ['--upload-max-idle', '0']). */
  args?: string[];
  /** Open an IPC channel (as the supervisor does) so tests can exchange messages.ts messages. */
  ipc?: boolean;
  /** The `--host` argument; default '127.0.0.1', null to pass none (the process's own default). */
  host?: string | null;
  /** The fast push's export endpoint token; default a random one, null for none (no endpoint). */
  dockerExportToken?: string | null;
  /**
   * A folder the registry must not see (root only): it runs in its own mount namespace with an empty
   * tmpfs over that folder — e.g. Docker's socket folder, for a registry that can't reach Docker.
   */
  hideFromRegistry?: string;
}

const root = resolve(import.meta.dirname, '..', '..');
let bundled: Promise<string> | undefined;

/** Bundles electron/registry/server/process-entry.ts once per test process; returns the .cjs path. */
export function registryBundle(): Promise<string> {
  bundled ??= (async () => {
    const outfile = join(mkdtempSync(join(tmpdir(), 'berth-registry-bundle-')), 'registry-process.cjs');
    await build({
      entryPoints: [join(root, 'electron/registry/server/process-entry.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      logLevel: 'error',
    });
    return outfile;
  })();
  return bundled;
}

function waitForExit(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((done) => child.once('exit', (code) => done(code)));
}

/** Starts a registry and resolves once it printed its URL. */
export async function startRegistry(options: StartRegistryOptions = {}): Promise<RunningRegistry> {
  const bundle = await registryBundle();
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'berth-registry-data-'));
  const args = [
    bundle,
    '--port',
    String(options.port ?? 0),
    '--data',
    dataDir,
    ...(options.host === null ? [] : ['--host', options.host ?? '127.0.0.1']),
    ...(options.args ?? []),
  ];
  // The token of its fast-push export endpoint, as the supervisor's registry makes one (see
  // registry/server/http/docker-export-handler.ts); `null` starts it without the endpoint.
  const dockerExportToken =
    options.dockerExportToken === null
      ? undefined
      : (options.dockerExportToken ?? randomBytes(16).toString('hex'));
  const hide = options.hideFromRegistry;
  const [command, commandArgs] =
    hide === undefined
      ? [process.execPath, args]
      : [
          'unshare',
          [
            '-m',
            '--propagation',
            'private',
            '--',
            'sh',
            '-c',
            'mount -t tmpfs berth-hidden "$0" && exec "$@"',
            hide,
            process.execPath,
            ...args,
          ],
        ];
  const child = spawn(command, commandArgs, {
    env: { ...process.env, BERTH_REGISTRY_IMPORT_TOKEN: dockerExportToken ?? '' },
    stdio: ['ignore', 'pipe', 'pipe', ...(options.ipc ? (['ipc'] as const) : [])],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr += text));

  const url = await new Promise<string>((done, fail) => {
    let stdout = '';
    const timer = setTimeout(
      () => fail(new Error(`registry did not start within 15 s; stderr:\n${stderr}`)),
      15_000,
    );
    child.stdout?.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
      const line = /^(http:\/\/\S+)\r?\n/m.exec(stdout);
      if (line?.[1]) {
        clearTimeout(timer);
        done(line[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`registry exited with ${code} before it was ready; stderr:\n${stderr}`));
    });
  });
  const parsed = new URL(url);
  const cleanup = () => {
    if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  return {
    url,
    port: Number(parsed.port),
    host: parsed.hostname,
    address: parsed.host,
    dataDir,
    child,
    dockerExportToken,
    stderr: () => stderr,
    async stop() {
      child.kill('SIGTERM');
      const code = await waitForExit(child);
      cleanup();
      return code;
    },
    async kill9() {
      child.kill('SIGKILL');
      await waitForExit(child);
    },
  };
}
