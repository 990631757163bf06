/** The keys Docker files logins under, as docker/cli's configfile and credentials packages compute them. */
import { describe, expect, it } from 'vitest';
import {
  DOCKER_HUB_AUTH_KEY,
  authConfigKey,
  hostnameOfKey,
  logoutKeys,
  registryOfKey,
} from '../../electron/credentials/server-address';
import { helperEnvironment } from '../../electron/credentials/docker-credentials';

describe('authConfigKey', () => {
  it('files Docker Hub under its legacy v1 URL, whichever name it is given', () => {
    for (const name of [
      'docker.io',
      'index.docker.io',
      'registry-1.docker.io',
      'https://index.docker.io/v1/',
    ])
      expect(authConfigKey(name)).toBe(DOCKER_HUB_AUTH_KEY);
    expect(DOCKER_HUB_AUTH_KEY).toBe('https://index.docker.io/v1/');
  });

  it('files any other registry under host[:port], without scheme or path', () => {
    expect(authConfigKey('127.0.0.1:5000')).toBe('127.0.0.1:5000');
    expect(authConfigKey('ghcr.io')).toBe('ghcr.io');
    expect(authConfigKey('https://registry.example.com:8443/v2/')).toBe('registry.example.com:8443');
    expect(authConfigKey('http://localhost:5000')).toBe('localhost:5000');
  });
});

describe('hostnameOfKey (the CLI matches legacy keys on this)', () => {
  it.each([
    ['https://index.docker.io/v1/', 'index.docker.io'],
    ['https://registry.example.com:8443/v2/', 'registry.example.com:8443'],
    ['http://127.0.0.1:5000', '127.0.0.1:5000'],
    ['127.0.0.1:5000', '127.0.0.1:5000'],
    ['registry.example.com/some/path', 'registry.example.com'],
    ['https://[::1]:5000/v2/', '[::1]:5000'],
  ])('%s → %s', (key, host) => expect(hostnameOfKey(key)).toBe(host));

  it('names keys by Berth registry: Hub’s URL is docker.io', () => {
    expect(registryOfKey('https://index.docker.io/v1/')).toBe('docker.io');
    expect(registryOfKey('https://GHCR.io')).toBe('ghcr.io');
  });
});

describe('logoutKeys (what docker logout erases)', () => {
  it('Docker Hub: its one key', () => {
    expect(logoutKeys('docker.io')).toEqual([DOCKER_HUB_AUTH_KEY]);
  });

  it('another registry: host, http:// and https:// spellings', () => {
    expect(logoutKeys('127.0.0.1:5000')).toEqual([
      '127.0.0.1:5000',
      'http://127.0.0.1:5000',
      'https://127.0.0.1:5000',
    ]);
    expect(logoutKeys('https://ghcr.io/')).toEqual(['ghcr.io', 'http://ghcr.io', 'https://ghcr.io']);
  });
});

describe('where helpers are looked for', () => {
  it('the app’s PATH first, then the folders Docker installs helpers to', () => {
    expect(helperEnvironment({ PATH: '/opt/x:/usr/bin' }, 'linux', '/home/ada').PATH).toBe(
      '/opt/x:/usr/bin:/usr/local/bin:/home/ada/.docker/bin',
    );
    expect(helperEnvironment({}, 'darwin', '/Users/ada').PATH).toBe(
      '/usr/local/bin:/opt/homebrew/bin:/Users/ada/.docker/bin:/Applications/Docker.app/Contents/Resources/bin',
    );
    expect(helperEnvironment({ Path: 'C:\\Windows' }, 'win32', 'C:\\Users\\ada')).toEqual({
      Path: 'C:\\Windows;C:\\Program Files\\Docker\\Docker\\resources\\bin',
    });
  });
});
