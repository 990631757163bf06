/**
 * End to end through the real Docker daemon (DOCKER_HOST from the environment): `docker push` then
 * `docker pull` of a 256 MiB image against a registry on 127.0.0.1 (loopback registries need no
 * insecure-registry config). The image (FROM scratch plus random-data layers) is built once and kept
 * under a fixed local tag; before each pull every local tag of it is removed, so the pull really
 * downloads, and afterwards the pulled image takes the fixed tag back for the next registry.
 * Before each timed step the file system is synced, so the disk writes the last step left behind
 * (a pull on vfs writes ~640 MiB, a push 256 MiB into the registry) aren't written back during it
 * and billed to whichever registry comes next.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { elapsedMs } from './measure';

const run = promisify(execFile);

export const E2E_IMAGE = 'berth-bench/e2e:256m';
const LAYERS = 4;
const LAYER_BYTES = 64 * 1024 * 1024;

async function docker(...args: string[]): Promise<string> {
  const { stdout } = await run('docker', args, {
    maxBuffer: 16 * 1024 * 1024,
    env: { ...process.env, DOCKER_BUILDKIT: '0' },
  });
  return stdout.trim();
}

/** Why the end-to-end test cannot run here, or undefined when Docker answers. */
export async function dockerUnavailable(): Promise<string | undefined> {
  try {
    await docker('version', '--format', '{{.Server.Version}}');
    return undefined;
  } catch (error) {
    return `Docker did not answer (DOCKER_HOST=${process.env.DOCKER_HOST ?? 'default'}): ${(error as Error).message.split('\n')[0]}`;
  }
}

/** Builds the test image unless it is already there. Answers its image ID. */
export async function ensureE2eImage(log: (line: string) => void): Promise<string> {
  try {
    return await docker('image', 'inspect', '--format', '{{.Id}}', E2E_IMAGE);
  } catch {
    // Not built yet.
  }
  log(`building ${E2E_IMAGE} (${LAYERS} layers of ${LAYER_BYTES / 1024 / 1024} MiB random data)…`);
  const context = mkdtempSync(join(tmpdir(), 'berth-bench-image-'));
  try {
    const lines = ['FROM scratch'];
    for (let layer = 1; layer <= LAYERS; layer++) {
      writeFileSync(join(context, `layer${layer}.bin`), randomBytes(LAYER_BYTES));
      lines.push(`COPY layer${layer}.bin /layer${layer}.bin`);
    }
    writeFileSync(join(context, 'Dockerfile'), `${lines.join('\n')}\n`);
    await docker('build', '--quiet', '-t', E2E_IMAGE, context);
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
  return docker('image', 'inspect', '--format', '{{.Id}}', E2E_IMAGE);
}

export interface PushPullFigures {
  pushMs: number;
  pullMs: number;
}

/** Push to `registryHostPort`, delete every local tag, pull back and check the image ID is the same. */
export async function pushAndPull(registryHostPort: string, imageId: string): Promise<PushPullFigures> {
  const remote = `${registryHostPort}/bench/e2e:1`;
  await docker('tag', E2E_IMAGE, remote);
  await run('sync');
  let start = performance.now();
  await docker('push', '--quiet', remote);
  const pushMs = elapsedMs(start);

  await docker('rmi', remote, E2E_IMAGE);
  // Another tag of the same image would keep its layers here, and the pull would measure nothing.
  const stillHere = await docker('image', 'inspect', '--format', '{{join .RepoTags " "}}', imageId).catch(
    () => undefined,
  );
  if (stillHere !== undefined) {
    await docker('tag', imageId, E2E_IMAGE);
    throw new Error(
      `image ${imageId} is still in the daemon under other tags (${stillHere || 'untagged, used by a container'}); remove them so the pull downloads`,
    );
  }
  await run('sync');
  start = performance.now();
  await docker('pull', '--quiet', remote);
  const pullMs = elapsedMs(start);

  const pulledId = await docker('image', 'inspect', '--format', '{{.Id}}', remote);
  await docker('tag', remote, E2E_IMAGE);
  await docker('rmi', remote);
  if (pulledId !== imageId) throw new Error(`pulled image ${pulledId} differs from the pushed ${imageId}`);
  return { pushMs, pullMs };
}
