/**
 * Registry logins for pushes and pulls: which X-Registry-Auth to send to the daemon for a registry,
 * and checking a login through the daemon's `/auth` (what `docker login` does). The app's logins are
 * Docker's own (electron/credentials: config.json and credential helpers); `MemoryRegistryAuth` is a
 * stand-in for tests and benchmarks that need no shared logins. Secrets never leave these objects:
 * not in errors, events, logs, or `util.inspect`/JSON output of these objects.
 */
import type Dockerode from 'dockerode';
import { AppError } from '../api/app-error';
import { normalizeRegistryHost } from '../common/reference';
import { authConfigKey } from '../credentials/server-address';
import { diagnoseError } from './diagnose';

/** The daemon's AuthConfig (what dockerode base64-encodes into X-Registry-Auth). */
export interface DockerAuthConfig {
  username?: string;
  password?: string;
  identitytoken?: string;
  serveraddress?: string;
}

/** Where the transfer service gets credentials from. */
export interface RegistryAuth {
  /** The auth for a registry host (`docker.io`, `127.0.0.1:5000`); undefined: anonymous. */
  authFor(registry: string): DockerAuthConfig | undefined | Promise<DockerAuthConfig | undefined>;
}

export interface RegistryLogin {
  username: string;
  /** A password or an access token. */
  password: string;
  /** Returned by some registries' /auth (OAuth); used instead of the password when present. */
  identityToken?: string;
}

/** Logins kept in memory, keyed by normalised registry host (for tests and benchmarks). */
export class MemoryRegistryAuth implements RegistryAuth {
  // A private field: util.inspect and JSON.stringify of this object never show the secrets.
  readonly #logins = new Map<string, RegistryLogin>();

  authFor(registry: string): DockerAuthConfig | undefined {
    const login = this.#logins.get(normalizeRegistryHost(registry));
    if (!login) return undefined;
    const serveraddress = authConfigKey(registry);
    return login.identityToken
      ? { identitytoken: login.identityToken, serveraddress }
      : { username: login.username, password: login.password, serveraddress };
  }

  /** Keep a login that the daemon accepted. */
  remember(registry: string, login: RegistryLogin): void {
    this.#logins.set(normalizeRegistryHost(registry), { ...login });
  }

  forget(registry: string): boolean {
    return this.#logins.delete(normalizeRegistryHost(registry));
  }

  /** Registries with a login, without the secrets. */
  registries(): string[] {
    return [...this.#logins.keys()];
  }

  toJSON(): { registries: string[] } {
    return { registries: this.registries() };
  }
}

/**
 * Ask the daemon whether these credentials work for the registry (`POST /auth`). Resolves with the
 * login to keep (with the identity token, if the registry gave one); rejects with UNAUTHORIZED when
 * the registry refused, or another diagnosed AppError when it could not be asked.
 */
export async function checkLogin(
  docker: Dockerode,
  registry: string,
  username: string,
  password: string,
): Promise<RegistryLogin> {
  const host = normalizeRegistryHost(registry);
  try {
    const answer = (await docker.checkAuth({
      username,
      password,
      serveraddress: authConfigKey(host),
    })) as {
      Status?: string;
      IdentityToken?: string;
    };
    return answer.IdentityToken
      ? { username, password, identityToken: answer.IdentityToken }
      : { username, password };
  } catch (error) {
    // Build the error from the daemon's answer only: the request (with the password) is never quoted.
    const status = (error as { statusCode?: number }).statusCode;
    const diagnosed = diagnoseError(error, { operation: 'login', registry: host });
    if (diagnosed.code === 'UNAUTHORIZED' || status === 401) {
      throw new AppError('UNAUTHORIZED', `${host} did not accept this user name and password (or token).`, {
        hint: 'Check both, and that the account may use this registry. For Docker Hub, an access token works as the password.',
        raw: diagnosed.raw ?? diagnosed.message,
        fix: { kind: 'login', registry: host },
      });
    }
    throw diagnosed;
  }
}
