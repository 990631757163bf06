/**
 * Reading the host's logins overview in the window: a registry's login, where a new login would be
 * kept, and how to name a place. Pure, so the views and the tests share one version.
 */
import type { LoginStorage, LoginsOverview } from '../../../../electron/api/contract/logins';
import { normalizeRegistryHost } from '../../../../electron/common/reference';

/** The login Docker has for `host`, if any. */
export function loginFor(
  overview: LoginsOverview | undefined,
  host: string,
): LoginsOverview['logins'][number] | undefined {
  const registry = normalizeRegistryHost(host);
  return overview?.logins.find((login) => login.registry === registry);
}

/** Where a new login to `host` would be kept: its own helper, else the default helper, else the file. */
export function storageForNewLogin(overview: LoginsOverview, host: string): LoginStorage {
  const registry = normalizeRegistryHost(host);
  const helper =
    overview.credHelpers.find((entry) => entry.registry === registry)?.helper ?? overview.credsStore;
  return helper !== undefined ? { kind: 'helper', helper } : { kind: 'file', path: overview.configPath };
}

/** In words: "docker-credential-pass", "config.json (not encrypted)", "DOCKER_AUTH_CONFIG". */
export function describeStorage(storage: LoginStorage): string {
  if (storage.kind === 'helper') return `docker-credential-${storage.helper}`;
  if (storage.kind === 'environment') return 'DOCKER_AUTH_CONFIG (read-only)';
  return `${storage.path} (not encrypted)`;
}
