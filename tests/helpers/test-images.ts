/**
 * Test images and a throwaway registry to push them to, for the transfers tests, recordings and bench.
 * There is no internet here: images are built locally `FROM scratch` with the static busybox and N
 * layers of random (incompressible) data, so every push really moves bytes. The registry is Debian's
 * reference registry (`/usr/bin/docker-registry`) on 127.0.0.1 and a free port; Docker allows plain
 * HTTP to loopback registries by default.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import Docker from 'dockerode';
import { referenceRegistryConfig } from './reference-registry-config';

export const MiB = 1024 * 1024;
const BUSYBOX = ['/usr/bin/busybox', '/bin/busybox'].find((path) => existsSync(path));

/** A dockerode client for the daemon in DOCKER_HOST (the tests' private dockerd). */
export function dockerFromEnvironment(): Docker {
  const host = process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
  if (host.startsWith('unix://')) return new Docker({ socketPath: host.slice('unix://'.length) });
  const url = new URL(host.replace(/^tcp:/, 'http:'));
  return new Docker({ host: url.hostname, port: Number(url.port) });
}

/** A name no other test or run will use, e.g. `berth-test/push-3f2a9c1d`. */
export function uniqueRepository(label: string): string {
  return `berth-test/${label}-${randomUUID().slice(0, 8)}`;
}

export interface TestImage {
  /** `berth-test/<label>-<random>:1` */
  reference: string;
  repository: string;
  tag: string;
  /** Sizes of the random-data layers, in order (the busybox layer comes first and is not counted). */
  layerSizes: number[];
}

/**
 * Build `FROM scratch` + busybox + one layer per entry of `layerSizes` (bytes of random data each),
 * through dockerode's build API (the legacy builder: one layer per COPY). With `base`, build on that
 * local image instead (its layers shared, no busybox layer added).
 */
export async function buildTestImage(
  docker: Docker,
  label: string,
  layerSizes: number[],
  base?: string,
): Promise<TestImage> {
  if (!BUSYBOX) throw new Error('A static busybox (/usr/bin/busybox) is needed to build test images.');
  const repository = uniqueRepository(label);
  const tag = '1';
  const context = await mkdtemp(join(tmpdir(), 'berth-image-'));
  try {
    const files: string[] = [];
    const lines = [`FROM ${base ?? 'scratch'}`];
    if (base === undefined) {
      await copyFile(BUSYBOX, join(context, 'busybox'));
      files.push('busybox');
      lines.push('COPY busybox /bin/busybox');
    }
    for (const [index, size] of layerSizes.entries()) {
      const file = `layer-${index}.bin`;
      await writeRandomFile(join(context, file), size);
      files.push(file);
      lines.push(`COPY ${file} /data/${label}-${file}`);
    }
    lines.push('CMD ["/bin/busybox", "sh"]');
    await writeFile(join(context, 'Dockerfile'), `${lines.join('\n')}\n`);
    files.push('Dockerfile');
    const stream = await docker.buildImage(
      { context, src: files },
      { t: `${repository}:${tag}`, rm: true, forcerm: true },
    );
    await new Promise<void>((resolve, reject) => {
      docker.modem.followProgress(stream, (error: Error | null, output: { error?: string }[]) => {
        const failed = error?.message ?? output.find((message) => message.error)?.error;
        if (failed) reject(new Error(`docker build failed: ${failed}`));
        else resolve();
      });
    });
  } finally {
    await rm(context, { recursive: true, force: true });
  }
  return { reference: `${repository}:${tag}`, repository, tag, layerSizes };
}

async function writeRandomFile(path: string, size: number): Promise<void> {
  const out = createWriteStream(path);
  const chunk = 4 * MiB;
  for (let written = 0; written < size; written += chunk) {
    if (!out.write(randomBytes(Math.min(chunk, size - written)))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** Remove images by reference, ignoring those already gone. */
export async function removeImages(docker: Docker, references: string[]): Promise<void> {
  for (const reference of references) {
    try {
      await docker.getImage(reference).remove({ force: true });
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404) throw error;
    }
  }
}

/** A port nobody listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

export interface TestRegistry {
  /** `127.0.0.1:<port>`, the host part of references pushed to it. */
  host: string;
  port: number;
  dataDir: string;
  /** Everything the registry logged so far. */
  log(): string;
  /** Resolves true as soon as the log matches (checked on every write), false after `timeoutMs`. */
  waitForLog(pattern: RegExp, timeoutMs: number): Promise<boolean>;
  stop(): Promise<void>;
}

export interface TestRegistryOptions {
  /** An htpasswd file's content (bcrypt lines); turns on basic auth. */
  htpasswd?: string;
  /** Token auth against an issuer (tests/helpers/token-issuer.ts). */
  token?: { realm: string; service: string; issuer: string; rootCertBundle: string };
  /** `storage.delete.enabled` (default true). */
  deleteEnabled?: boolean;
  /** Serve HTTPS with this certificate and key (PEM files). */
  tls?: { certificate: string; key: string };
}

/** Start Debian's docker-registry on 127.0.0.1 and a free port, with its storage in a new temp dir. */
export async function startTestRegistry(options: TestRegistryOptions = {}): Promise<TestRegistry> {
  const dataDir = await mkdtemp(join(tmpdir(), 'berth-registry-'));
  for (let attempt = 0; ; attempt += 1) {
    const port = await freePort();
    try {
      return await launchRegistry(dataDir, port, options);
    } catch (error) {
      // Another process may take the port between freePort() and the registry's bind; try another.
      if (attempt >= 4) {
        await rm(dataDir, { recursive: true, force: true });
        throw error;
      }
    }
  }
}

async function launchRegistry(
  dataDir: string,
  port: number,
  options: TestRegistryOptions,
): Promise<TestRegistry> {
  let htpasswdPath: string | undefined;
  if (options.htpasswd !== undefined) {
    htpasswdPath = join(dataDir, 'htpasswd');
    await writeFile(htpasswdPath, options.htpasswd);
  }
  const configPath = join(dataDir, 'config.yml');
  await writeFile(
    configPath,
    referenceRegistryConfig({
      dataDir,
      address: `127.0.0.1:${port}`,
      logLevel: 'info',
      ...(htpasswdPath ? { htpasswdPath } : {}),
      ...(options.token ? { token: options.token } : {}),
      ...(options.deleteEnabled !== undefined ? { deleteEnabled: options.deleteEnabled } : {}),
      ...(options.tls ? { tls: options.tls } : {}),
    }),
  );

  const child: ChildProcess = spawn('/usr/bin/docker-registry', ['serve', configPath], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const watchers = new Set<() => void>();
  const append = (chunk: Buffer) => {
    output += chunk.toString();
    for (const watcher of watchers) watcher();
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = once(child, 'exit');

  // Ready when /v2/ answers (200, or 401 with auth on); give up if the process exits first.
  const deadline = Date.now() + 20_000;
  for (;;) {
    const state = await Promise.race([
      exited.then(() => 'exited' as const),
      probe(port, options.tls !== undefined),
    ]);
    if (state === 'exited') throw new Error(`docker-registry exited: ${output.slice(-2000)}`);
    if (state === 'ready') break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`docker-registry did not answer on 127.0.0.1:${port}: ${output.slice(-2000)}`);
    }
  }
  return {
    host: `127.0.0.1:${port}`,
    port,
    dataDir,
    log: () => output,
    waitForLog(pattern, timeoutMs) {
      return new Promise((resolve) => {
        const check = () => {
          if (!pattern.test(output)) return;
          cleanupWatch();
          resolve(true);
        };
        const timer = setTimeout(() => {
          cleanupWatch();
          resolve(false);
        }, timeoutMs);
        const cleanupWatch = () => {
          clearTimeout(timer);
          watchers.delete(check);
        };
        watchers.add(check);
        check();
      });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * One HTTP probe of /v2/; resolves 'waiting' after a short back-off when nothing answers yet. A TLS
 * registry answers plain HTTP with Go's 400 "Client sent an HTTP request to an HTTPS server": it
 * serves.
 */
async function probe(port: number, tls = false): Promise<'ready' | 'waiting'> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/v2/`, { signal: AbortSignal.timeout(1000) });
    if (response.status === 200 || response.status === 401) return 'ready';
    if (tls && response.status === 400) return 'ready';
  } catch {
    // Not listening yet.
  }
  await new Promise((resolve) => setTimeout(resolve, 50));
  return 'waiting';
}

/**
 * A bcrypt htpasswd line for docker-registry, made with Python's crypt module (libxcrypt), at the lowest cost (2^4 rounds: the registry checks it on every request). There is
 * no bcrypt in Node without a new dependency; returns undefined when Python cannot do it either.
 */
export function bcryptHtpasswdLine(username: string, password: string): string | undefined {
  const script =
    'import crypt,sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))';
  const result = spawnSync('python3', ['-W', 'ignore', '-c', script, password], { encoding: 'utf8' });
  const hash = result.status === 0 ? result.stdout.trim() : '';
  return /^\$2[aby]\$/.test(hash) ? `${username}:${hash}\n` : undefined;
}

/** Fetch a manifest's digest straight from the registry (what the registry really stored). */
export async function registryManifestDigest(
  host: string,
  repository: string,
  tag: string,
): Promise<string | undefined> {
  const response = await fetch(`http://${host}/v2/${repository}/manifests/${tag}`, {
    method: 'HEAD',
    headers: {
      Accept:
        'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json',
    },
  });
  return response.ok ? (response.headers.get('docker-content-digest') ?? undefined) : undefined;
}
