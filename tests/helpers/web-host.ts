/**
 * Starts the real browser host (`dist/node/web-host.cjs`) on an ephemeral port with its own user-data
 * folder and its own empty Docker client config (DOCKER_CONFIG, with DOCKER_AUTH_CONFIG unset), so a
 * login made in a test never reaches the real ~/.docker; answers its URL (token included) once it
 * printed it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface RunningWebHost {
  /** `http://127.0.0.1:P/?token=T` */
  url: string;
  origin: string;
  port: number;
  token: string;
  userDataDir: string;
  /** The host's DOCKER_CONFIG (where its logins go). */
  dockerConfigDir: string;
  /** What the host wrote to stderr so far (its log). */
  log(): string;
  stop(): Promise<number | null>;
  process: ChildProcess;
}

export async function startWebHost(
  options: {
    env?: Record<string, string>;
    userDataDir?: string;
    args?: string[];
    /**
     * Fresh user data exactly as a new user has it: the app opens on the Getting started checklist.
     * Without it (and without a userDataDir), the checklist starts hidden, as for a returning user,
     * so specs about other journeys start on the images list.
     */
    firstRun?: boolean;
  } = {},
): Promise<RunningWebHost> {
  const userDataDir = options.userDataDir ?? mkdtempSync(join(tmpdir(), 'berth-e2e-'));
  if (!options.userDataDir && !options.firstRun) {
    writeFileSync(
      join(userDataDir, 'config.json'),
      JSON.stringify({ guide: { hidden: true, done: {}, localNames: [], removed: [] } }),
    );
  }
  const ownDockerConfig = options.env?.DOCKER_CONFIG === undefined;
  const dockerConfigDir =
    options.env?.DOCKER_CONFIG ?? mkdtempSync(join(tmpdir(), 'berth-e2e-docker-config-'));
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env, DOCKER_CONFIG: dockerConfigDir };
  if (options.env?.DOCKER_AUTH_CONFIG === undefined) delete env.DOCKER_AUTH_CONFIG;
  const child = spawn(
    process.execPath,
    ['dist/node/web-host.cjs', '--port', '0', '--user-data', userDataDir, ...(options.args ?? [])],
    {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => (stderr += chunk));
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`web host printed no URL within 20 s; log:\n${stderr}`)),
      20_000,
    );
    lines.on('line', (line) => {
      if (/^http:\/\/127\.0\.0\.1:\d+\//.test(line)) {
        clearTimeout(timer);
        resolve(line.trim());
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`web host exited with ${code}; log:\n${stderr}`));
    });
  });
  const parsed = new URL(url);
  return {
    url,
    origin: parsed.origin,
    port: Number(parsed.port),
    token: parsed.searchParams.get('token') ?? '',
    userDataDir,
    dockerConfigDir,
    log: () => stderr,
    process: child,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      const code = await exited;
      if (!options.userDataDir) rmSync(userDataDir, { recursive: true, force: true });
      if (ownDockerConfig) rmSync(dockerConfigDir, { recursive: true, force: true });
      return code;
    },
  };
}
