/**
 * The names Docker files a login under. `docker login` keeps Docker Hub's login under its old v1 URL
 * (`https://index.docker.io/v1/`) and every other registry under the address the user typed, which
 * older CLIs and other tools wrote as `host`, `https://host` or `http://host/some/path`. A lookup by
 * host therefore tries the exact key first and then any key whose host part matches, and a logout
 * removes all of those spellings, as the CLI does.
 */
import { DOCKER_HUB_DOMAIN, normalizeRegistryHost } from '../common/reference';

/** The key Docker Hub's login is stored under, in config.json and in credential helpers. */
export const DOCKER_HUB_AUTH_KEY = 'https://index.docker.io/v1/';

/** The key a registry's login is filed under: Hub's legacy URL, else the registry's host[:port]. */
export function authConfigKey(registry: string): string {
  const host = normalizeRegistryHost(registry);
  return host === DOCKER_HUB_DOMAIN ? DOCKER_HUB_AUTH_KEY : host;
}

/**
 * The host[:port] part of a stored key: `https://host:5000/v2/` → `host:5000`, `host/path` → `host`.
 * Keys are matched on this, as Docker's file store does for keys saved with a scheme or a path.
 */
export function hostnameOfKey(key: string): string {
  const schemeAt = key.indexOf('://');
  const rest = schemeAt === -1 ? key : key.slice(schemeAt + 3);
  const slash = rest.indexOf('/');
  return slash === -1 ? rest : rest.slice(0, slash);
}

/** The registry host (as Berth names registries: `docker.io`, `127.0.0.1:5000`) a stored key stands for. */
export function registryOfKey(key: string): string {
  return normalizeRegistryHost(hostnameOfKey(key));
}

/**
 * Every key `docker logout <registry>` erases: for Docker Hub its one key; for another registry the
 * key itself, its bare host, and the host with `http://` and `https://` in front.
 */
export function logoutKeys(registry: string): string[] {
  const key = authConfigKey(registry);
  if (key === DOCKER_HUB_AUTH_KEY) return [key];
  const host = hostnameOfKey(key);
  return [...new Set([key, host, `http://${host}`, `https://${host}`])];
}
