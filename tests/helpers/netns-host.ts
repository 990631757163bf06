/**
 * A test host on a network of its own: a network namespace joined to this machine by a veth pair,
 * with addresses from 198.18.0.0/15 (reserved for network testing, RFC 2544). A registry started in
 * it is reached by dockerd at a non-loopback address, so Docker treats it as any registry on the
 * LAN — plain HTTP refused unless it is listed in insecure-registries. Needs root (CI runs as root).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { referenceRegistryConfig } from './reference-registry-config';

export interface NetnsHost {
  namespace: string;
  /** Our side of the veth pair. */
  gatewayAddress: string;
  /** The test host's address, e.g. 198.18.7.2. */
  address: string;
  destroy(): void;
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: 'pipe' });
}

export function createNetnsHost(): NetnsHost {
  const id = randomBytes(3).toString('hex');
  const namespace = `berth-${id}`;
  const hostSide = `bh${id}`;
  const nsSide = `bn${id}`;
  const block = randomInt(0, 256);
  const base = `198.18.${block}`;
  const quad = randomInt(0, 64) * 4;
  const gatewayAddress = `${base}.${quad + 1}`;
  const address = `${base}.${quad + 2}`;
  ip('netns', 'add', namespace);
  try {
    ip('link', 'add', hostSide, 'type', 'veth', 'peer', 'name', nsSide);
    ip('link', 'set', nsSide, 'netns', namespace);
    ip('addr', 'add', `${gatewayAddress}/30`, 'dev', hostSide);
    ip('link', 'set', hostSide, 'up');
    ip('netns', 'exec', namespace, 'ip', 'addr', 'add', `${address}/30`, 'dev', nsSide);
    ip('netns', 'exec', namespace, 'ip', 'link', 'set', nsSide, 'up');
    ip('netns', 'exec', namespace, 'ip', 'link', 'set', 'lo', 'up');
  } catch (error) {
    execFileSync('ip', ['netns', 'del', namespace], { stdio: 'ignore' });
    throw error;
  }
  return {
    namespace,
    gatewayAddress,
    address,
    destroy() {
      try {
        execFileSync('ip', ['link', 'del', hostSide], { stdio: 'ignore' });
      } catch {
        // Already gone with the namespace.
      }
      execFileSync('ip', ['netns', 'del', namespace], { stdio: 'ignore' });
    },
  };
}

export interface NetnsRegistry {
  /** `198.18.x.y:PORT`, as Docker names the registry. */
  address: string;
  stop(): Promise<void>;
}

/**
 * Runs `command` inside the test host until it prints a line matching `ready` (on stdout or stderr);
 * answers the match, and `stop` (SIGTERM, wait, then remove `folder`, the server's own temp folder).
 */
async function serveInNamespace(
  host: NetnsHost,
  what: string,
  command: string[],
  ready: RegExp,
  folder: string,
): Promise<{ match: RegExpExecArray; stop: () => Promise<void>; output: () => string }> {
  const child: ChildProcess = spawn('ip', ['netns', 'exec', host.namespace, ...command], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const match = await new Promise<RegExpExecArray>((done, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`${what} in ${host.namespace} did not start; output:\n${output}`)),
      15_000,
    );
    const watch = (chunk: Buffer) => {
      output += chunk.toString();
      const found = ready.exec(output);
      if (found) {
        clearTimeout(timer);
        done(found);
      }
    };
    child.stdout?.on('data', watch);
    child.stderr?.on('data', watch);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`${what} in ${host.namespace} exited with ${code}; output:\n${output}`));
    });
  });
  return {
    match,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((done) => child.once('exit', done));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** Runs Berth's own registry (the bundled process) inside the test host, listening on all its addresses. */
export async function startRegistryIn(host: NetnsHost): Promise<NetnsRegistry> {
  const dataDir = mkdtempSync(join(tmpdir(), 'berth-netns-registry-'));
  const entry = resolve('dist/node/registry-process.cjs');
  const server = await serveInNamespace(
    host,
    'registry',
    [process.execPath, entry, '--port', '0', '--host', '0.0.0.0', '--data', dataDir],
    /^http:\/\/[^:\s]+:(\d+)\s*$/m,
    dataDir,
  );
  return { address: `${host.address}:${server.match[1]}`, stop: server.stop };
}

export interface NetnsTlsRegistry extends NetnsRegistry {
  /** The self-signed certificate the registry serves (PEM): its own CA. */
  caFile: string;
}

/**
 * Runs Debian's reference registry inside the test host over HTTPS, with a self-signed certificate
 * for the host's address that nothing trusts yet: Docker refuses it with "x509: certificate signed by
 * unknown authority" until the certificate is saved as `certs.d/<address>/ca.crt`.
 */
export async function startTlsRegistryIn(host: NetnsHost): Promise<NetnsTlsRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-netns-tls-'));
  const certificate = join(dir, 'registry.crt');
  const key = join(dir, 'registry.key');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-keyout',
      key,
      '-out',
      certificate,
      '-subj',
      `/CN=${host.address}`,
      '-addext',
      `subjectAltName=IP:${host.address}`,
    ],
    { stdio: 'pipe' },
  );
  // The namespace has its own ports: a fixed one is free there.
  const port = 5443;
  const config = join(dir, 'config.yml');
  writeFileSync(
    config,
    referenceRegistryConfig({
      dataDir: dir,
      address: `0.0.0.0:${port}`,
      logLevel: 'info',
      tls: { certificate, key },
    }),
  );
  const server = await serveInNamespace(
    host,
    'TLS registry',
    ['/usr/bin/docker-registry', 'serve', config],
    /listening on .*, tls/,
    dir,
  );
  return { address: `${host.address}:${port}`, caFile: certificate, stop: server.stop };
}

export interface NetnsReferenceRegistry extends NetnsRegistry {
  /** Everything the registry logged so far (at info level: a line per request it answered). */
  log(): string;
  /** Its storage root is `dataDir/data`. */
  dataDir: string;
}

/**
 * Runs Debian's reference registry inside the test host over plain HTTP, optionally with htpasswd
 * logins (bcrypt lines): a registry on the LAN, which Docker and Berth use over HTTP only when it is
 * listed as insecure.
 */
export async function startReferenceRegistryIn(
  host: NetnsHost,
  options: { htpasswd?: string } = {},
): Promise<NetnsReferenceRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-netns-reference-'));
  let htpasswdPath: string | undefined;
  if (options.htpasswd !== undefined) {
    htpasswdPath = join(dir, 'htpasswd');
    writeFileSync(htpasswdPath, options.htpasswd);
  }
  // The namespace has its own ports: a fixed one is free there.
  const port = 5000;
  const config = join(dir, 'config.yml');
  writeFileSync(
    config,
    referenceRegistryConfig({
      dataDir: dir,
      address: `0.0.0.0:${port}`,
      logLevel: 'info',
      ...(htpasswdPath ? { htpasswdPath } : {}),
    }),
  );
  const server = await serveInNamespace(
    host,
    'reference registry',
    ['/usr/bin/docker-registry', 'serve', config],
    /listening on /,
    dir,
  );
  return { address: `${host.address}:${port}`, stop: server.stop, log: server.output, dataDir: dir };
}
