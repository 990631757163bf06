/** The renderer's reading of the host's logins overview: where a new login goes, and how a place is named. */
import { describe, expect, it } from 'vitest';
import type { LoginsOverview } from '../../electron/api/contract/logins';
import { commands } from '../../electron/api/contract';
import { describeStorage, loginFor, storageForNewLogin } from '../../renderer/src/views/logins/login-places';

const overview = (extra: Partial<LoginsOverview> = {}): LoginsOverview => ({
  configPath: '/home/ada/.docker/config.json',
  credHelpers: [],
  environmentConfig: false,
  logins: [],
  problems: [],
  ...extra,
});

describe('where a new login goes', () => {
  it('the registry’s own helper, else credsStore, else config.json', () => {
    const both = overview({ credsStore: 'pass', credHelpers: [{ registry: 'gcr.io', helper: 'gcloud' }] });
    expect(storageForNewLogin(both, 'gcr.io')).toEqual({ kind: 'helper', helper: 'gcloud' });
    expect(storageForNewLogin(both, 'https://ghcr.io/')).toEqual({ kind: 'helper', helper: 'pass' });
    expect(storageForNewLogin(overview(), 'ghcr.io')).toEqual({
      kind: 'file',
      path: '/home/ada/.docker/config.json',
    });
  });

  it('names the place, saying when it is not encrypted or read-only', () => {
    expect(describeStorage({ kind: 'helper', helper: 'pass' })).toBe('docker-credential-pass');
    expect(describeStorage({ kind: 'file', path: '/x/config.json' })).toBe('/x/config.json (not encrypted)');
    expect(describeStorage({ kind: 'environment' })).toBe('DOCKER_AUTH_CONFIG (read-only)');
  });

  it('finds a registry’s login by any spelling of its host', () => {
    const hub = {
      registry: 'docker.io',
      key: 'https://index.docker.io/v1/',
      username: 'ada',
      identityToken: false,
      storage: { kind: 'helper' as const, helper: 'desktop' },
    };
    expect(loginFor(overview({ logins: [hub] }), 'index.docker.io')).toBe(hub);
    expect(loginFor(overview({ logins: [hub] }), 'ghcr.io')).toBeUndefined();
  });
});

describe('logins.login input, checked by the router', () => {
  const input = commands['logins.login'].input;
  it('takes a registry host, with or without scheme and path, and refuses anything else', () => {
    for (const registry of [
      'docker.io',
      '127.0.0.1:5000',
      'https://ghcr.io/',
      'registry.example.com:8443',
      '[::1]:5000',
    ])
      expect(input.safeParse({ registry, username: 'a', password: 'b' }).success, registry).toBe(true);
    for (const registry of ['', 'a b', 'host:port', '-bad.example', 'x'.repeat(300)])
      expect(input.safeParse({ registry, username: 'a', password: 'b' }).success, registry).toBe(false);
    expect(input.safeParse({ registry: 'ghcr.io', username: '', password: 'b' }).success).toBe(false);
    expect(input.safeParse({ registry: 'ghcr.io', username: 'a', password: '' }).success).toBe(false);
  });
});
