/**
 * Real registry clients for registry tests: the docker CLI (against the test dockerd in
 * DOCKER_HOST), skopeo and podman, plus a locally built test image (FROM scratch + static busybox +
 * random-data layers; there is no internet to pull from).
 */
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Output of a finished command. */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command; resolves with its output whatever the exit code. */
export function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
  timeoutMs = 180_000,
): Promise<CommandResult> {
  return new Promise((done) => {
    execFile(
      command,
      args,
      { env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024, timeout: timeoutMs },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

/** Runs a command and throws with its output when it fails. */
export async function runOk(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<CommandResult> {
  const result = await run(command, args, env);
  if (result.code !== 0)
    throw new Error(
      `${command} ${args.join(' ')} failed (${result.code}):\n${result.stdout}\n${result.stderr}`,
    );
  return result;
}

/** The test dockerd's address; fails with a clear message when the environment doesn't provide one. */
export function requireDockerHost(): string {
  const host = process.env.DOCKER_HOST;
  if (!host)
    throw new Error(
      'DOCKER_HOST is not set: registry integration tests need the test Docker daemon (e.g. unix:///tmp/berth-dockerd/docker.sock).',
    );
  return host;
}

/** The docker CLI against the test daemon. */
export function docker(args: string[]): Promise<CommandResult> {
  return run('/usr/local/bin/docker', args, { DOCKER_HOST: requireDockerHost(), DOCKER_BUILDKIT: '0' });
}

/** The docker CLI; throws on failure. */
export async function dockerOk(args: string[]): Promise<string> {
  const result = await docker(args);
  if (result.code !== 0)
    throw new Error(`docker ${args.join(' ')} failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout + result.stderr;
}

/**
 * Builds `FROM scratch` + /usr/bin/busybox + one COPY layer per size (random bytes), tagged
 * `berth-registry-test/<label>-<random>:1`. Returns the local reference and the image id.
 */
export async function buildImage(
  label: string,
  layerSizes: number[],
): Promise<{ reference: string; id: string }> {
  const context = await mkdtemp(join(tmpdir(), 'berth-registry-image-'));
  const reference = `berth-registry-test/${label}-${randomUUID().slice(0, 8)}:1`;
  try {
    await copyFile('/usr/bin/busybox', join(context, 'busybox'));
    const lines = ['FROM scratch', 'COPY busybox /bin/busybox'];
    for (const [index, size] of layerSizes.entries()) {
      await writeFile(join(context, `layer-${index}.bin`), randomBytes(size));
      lines.push(`COPY layer-${index}.bin /data/layer-${index}.bin`);
    }
    lines.push('CMD ["/bin/busybox", "true"]');
    await writeFile(join(context, 'Dockerfile'), `${lines.join('\n')}\n`);
    await dockerOk(['build', '-q', '-t', reference, context]);
  } finally {
    await rm(context, { recursive: true, force: true });
  }
  const id = (await dockerOk(['image', 'inspect', '--format', '{{.Id}}', reference])).trim();
  return { reference, id };
}

/** The manifest digest a `docker push` printed (`<tag>: digest: sha256:… size: N`). */
export function pushedDigest(output: string): string | undefined {
  return /digest: (sha256:[a-f0-9]{64})/.exec(output)?.[1];
}
