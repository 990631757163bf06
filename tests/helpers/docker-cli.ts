/**
 * The real `docker` CLI, run the way a user runs it in a terminal, but with its own DOCKER_CONFIG and
 * HOME (never the real ~/.docker) and a PATH chosen by the test: with no PATH folder holding `pass`,
 * the CLI keeps logins in config.json; with /usr/bin it finds docker-credential-pass.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Where the docker CLI is, or undefined. */
export function dockerCliPath(): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v docker'], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

/** A folder holding only a link to the docker CLI: a PATH on which no credential helper is found. */
export async function cliOnlyBin(): Promise<string> {
  const cli = dockerCliPath();
  if (!cli) throw new Error('the docker CLI is not installed');
  const bin = await mkdtemp(join(tmpdir(), 'berth-cli-bin-'));
  await symlink(cli, join(bin, 'docker'));
  return bin;
}

/** Run `docker args…` with exactly this environment (plus DOCKER_HOST); `input` goes to stdin. */
export function runDocker(args: string[], env: NodeJS.ProcessEnv, input = ''): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', args, {
      env: { DOCKER_HOST: process.env.DOCKER_HOST, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}
