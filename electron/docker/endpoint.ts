/**
 * Finds the Docker daemon the way the docker CLI does: DOCKER_HOST, else the current docker context
 * (DOCKER_CONTEXT, else `currentContext` in config.json → the context's meta.json), else the
 * platform's default socket. Everything it reads is passed in, so each branch is testable.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { DockerOptions } from 'dockerode';

export interface EndpointEnvironment {
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  homeDir: string;
  fileExists(path: string): boolean;
  readFile(path: string): string | undefined;
}

export interface DockerEndpoint {
  /** e.g. `unix:///var/run/docker.sock`, `npipe:////./pipe/docker_engine`, `tcp://host:2376`. */
  host: string;
  source: 'env' | 'context' | 'default';
  context?: string;
  /** A sentence for the status bar: where we look, and why. */
  description: string;
  tls?: { caFile?: string; certFile?: string; keyFile?: string; verify: boolean };
}

export function systemEndpointEnvironment(): EndpointEnvironment {
  return {
    env: process.env,
    platform: process.platform,
    homeDir: homedir(),
    fileExists: existsSync,
    readFile(path) {
      try {
        return readFileSync(path, 'utf8');
      } catch {
        return undefined;
      }
    },
  };
}

/** The Docker config folder: DOCKER_CONFIG, else ~/.docker. */
export function dockerConfigDir(environment: EndpointEnvironment): string {
  return environment.env.DOCKER_CONFIG || join(environment.homeDir, '.docker');
}

export function resolveDockerEndpoint(environment: EndpointEnvironment): DockerEndpoint {
  const { env } = environment;
  if (env.DOCKER_HOST) {
    const tls = tlsFromEnv(environment);
    return {
      host: env.DOCKER_HOST,
      source: 'env',
      description: `DOCKER_HOST is set to ${env.DOCKER_HOST}`,
      ...(tls ? { tls } : {}),
    };
  }
  const contextName = env.DOCKER_CONTEXT || currentContextFromConfig(environment);
  if (contextName && contextName !== 'default') {
    const fromContext = endpointFromContext(environment, contextName);
    if (fromContext) return fromContext;
  }
  return defaultEndpoint(environment);
}

function currentContextFromConfig(environment: EndpointEnvironment): string | undefined {
  const text = environment.readFile(join(dockerConfigDir(environment), 'config.json'));
  if (!text) return undefined;
  try {
    const config = JSON.parse(text) as { currentContext?: unknown };
    return typeof config.currentContext === 'string' ? config.currentContext : undefined;
  } catch {
    return undefined;
  }
}

function endpointFromContext(environment: EndpointEnvironment, name: string): DockerEndpoint | undefined {
  // The CLI stores each context under the SHA-256 of its name.
  const id = createHash('sha256').update(name).digest('hex');
  const contexts = join(dockerConfigDir(environment), 'contexts');
  const text = environment.readFile(join(contexts, 'meta', id, 'meta.json'));
  if (!text) return undefined;
  try {
    const meta = JSON.parse(text) as { Endpoints?: { docker?: { Host?: unknown; SkipTLSVerify?: unknown } } };
    const docker = meta.Endpoints?.docker;
    if (typeof docker?.Host !== 'string') return undefined;
    const tlsDir = join(contexts, 'tls', id, 'docker');
    const hasTls =
      environment.fileExists(join(tlsDir, 'ca.pem')) || environment.fileExists(join(tlsDir, 'cert.pem'));
    const endpoint: DockerEndpoint = {
      host: docker.Host,
      source: 'context',
      context: name,
      description: `docker context "${name}" points at ${docker.Host}`,
    };
    if (hasTls) {
      endpoint.tls = {
        caFile: join(tlsDir, 'ca.pem'),
        certFile: join(tlsDir, 'cert.pem'),
        keyFile: join(tlsDir, 'key.pem'),
        verify: docker.SkipTLSVerify !== true,
      };
    }
    return endpoint;
  } catch {
    return undefined;
  }
}

function defaultEndpoint(environment: EndpointEnvironment): DockerEndpoint {
  const { platform, homeDir, env } = environment;
  if (platform === 'win32') {
    return {
      host: 'npipe:////./pipe/docker_engine',
      source: 'default',
      description: "Docker Desktop's named pipe (the Windows default)",
    };
  }
  // Sockets the CLI's default context or Docker Desktop / rootless set-ups use, most specific first.
  const candidates: Array<{ path: string; what: string }> = [];
  if (platform === 'darwin') {
    candidates.push({
      path: join(homeDir, '.docker', 'run', 'docker.sock'),
      what: "Docker Desktop's socket in your home folder",
    });
  } else {
    candidates.push({ path: '/var/run/docker.sock', what: 'the default socket /var/run/docker.sock' });
    if (env.XDG_RUNTIME_DIR) {
      candidates.push({ path: join(env.XDG_RUNTIME_DIR, 'docker.sock'), what: "rootless Docker's socket" });
    }
    candidates.push({
      path: join(homeDir, '.docker', 'desktop', 'docker.sock'),
      what: "Docker Desktop's socket in your home folder",
    });
  }
  const found = candidates.find((candidate) => environment.fileExists(candidate.path));
  const chosen = found ?? { path: '/var/run/docker.sock', what: 'the default socket /var/run/docker.sock' };
  return { host: `unix://${chosen.path}`, source: 'default', description: chosen.what };
}

function tlsFromEnv(environment: EndpointEnvironment): DockerEndpoint['tls'] | undefined {
  const { env } = environment;
  const verify = Boolean(env.DOCKER_TLS_VERIFY) && env.DOCKER_TLS_VERIFY !== '0';
  const certPath = env.DOCKER_CERT_PATH || (verify ? dockerConfigDir(environment) : undefined);
  if (!verify && !env.DOCKER_CERT_PATH) return undefined;
  return {
    caFile: certPath ? join(certPath, 'ca.pem') : undefined,
    certFile: certPath ? join(certPath, 'cert.pem') : undefined,
    keyFile: certPath ? join(certPath, 'key.pem') : undefined,
    verify,
  };
}

/** dockerode's options for an endpoint. */
export function dockerodeOptions(
  endpoint: DockerEndpoint,
  readFile: (path: string) => string | undefined,
): DockerOptions {
  const url = endpoint.host;
  if (url.startsWith('unix://')) return { socketPath: url.slice('unix://'.length) };
  if (url.startsWith('npipe://')) return { socketPath: url.slice('npipe://'.length).replace(/\//g, '\\') };
  const parsed = new URL(url);
  if (parsed.protocol === 'ssh:') {
    return {
      protocol: 'ssh',
      host: parsed.hostname,
      port: parsed.port ? Number(parsed.port) : 22,
      username: parsed.username || undefined,
    };
  }
  const tls = endpoint.tls;
  const options: DockerOptions = {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : tls ? 2376 : 2375,
    protocol: tls ? 'https' : 'http',
  };
  if (tls) {
    const ca = tls.caFile ? readFile(tls.caFile) : undefined;
    const cert = tls.certFile ? readFile(tls.certFile) : undefined;
    const key = tls.keyFile ? readFile(tls.keyFile) : undefined;
    if (ca) options.ca = ca;
    if (cert) options.cert = cert;
    if (key) options.key = key;
  }
  return options;
}
