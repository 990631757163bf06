/** Docker is found the way the CLI finds it: DOCKER_HOST, then the current context, then the default. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  dockerodeOptions,
  resolveDockerEndpoint,
  type EndpointEnvironment,
} from '../../electron/docker/endpoint';

function environment(
  overrides: Partial<EndpointEnvironment> & { files?: Record<string, string> } = {},
): EndpointEnvironment {
  const files = overrides.files ?? {};
  return {
    env: overrides.env ?? {},
    platform: overrides.platform ?? 'linux',
    homeDir: overrides.homeDir ?? '/home/ada',
    fileExists: (path) => path in files,
    readFile: (path) => files[path],
  };
}

const contextId = (name: string) => createHash('sha256').update(name).digest('hex');

describe('resolveDockerEndpoint', () => {
  it('uses DOCKER_HOST first, even when a context is set', () => {
    const endpoint = resolveDockerEndpoint(
      environment({
        env: { DOCKER_HOST: 'tcp://10.0.0.5:2375' },
        files: { '/home/ada/.docker/config.json': JSON.stringify({ currentContext: 'colima' }) },
      }),
    );
    expect(endpoint).toMatchObject({ host: 'tcp://10.0.0.5:2375', source: 'env' });
    expect(dockerodeOptions(endpoint, () => undefined)).toEqual({
      host: '10.0.0.5',
      port: 2375,
      protocol: 'http',
    });
  });

  it('follows currentContext in config.json to the context’s endpoint', () => {
    const meta = `/home/ada/.docker/contexts/meta/${contextId('colima')}/meta.json`;
    const endpoint = resolveDockerEndpoint(
      environment({
        platform: 'darwin',
        files: {
          '/home/ada/.docker/config.json': JSON.stringify({ currentContext: 'colima' }),
          [meta]: JSON.stringify({
            Name: 'colima',
            Endpoints: { docker: { Host: 'unix:///home/ada/.colima/default/docker.sock' } },
          }),
        },
      }),
    );
    expect(endpoint).toMatchObject({
      host: 'unix:///home/ada/.colima/default/docker.sock',
      source: 'context',
      context: 'colima',
    });
    expect(dockerodeOptions(endpoint, () => undefined)).toEqual({
      socketPath: '/home/ada/.colima/default/docker.sock',
    });
  });

  it('lets DOCKER_CONTEXT override config.json, and honours DOCKER_CONFIG', () => {
    const meta = `/cfg/contexts/meta/${contextId('remote')}/meta.json`;
    const endpoint = resolveDockerEndpoint(
      environment({
        env: { DOCKER_CONTEXT: 'remote', DOCKER_CONFIG: '/cfg' },
        files: {
          '/cfg/config.json': JSON.stringify({ currentContext: 'other' }),
          [meta]: JSON.stringify({ Endpoints: { docker: { Host: 'ssh://ada@build-box' } } }),
        },
      }),
    );
    expect(endpoint).toMatchObject({ host: 'ssh://ada@build-box', context: 'remote' });
    expect(dockerodeOptions(endpoint, () => undefined)).toMatchObject({
      protocol: 'ssh',
      host: 'build-box',
      username: 'ada',
    });
  });

  it('falls back to the default when the context named in config.json does not exist', () => {
    const endpoint = resolveDockerEndpoint(
      environment({
        files: {
          '/home/ada/.docker/config.json': JSON.stringify({ currentContext: 'gone' }),
          '/var/run/docker.sock': '',
        },
      }),
    );
    expect(endpoint).toMatchObject({ host: 'unix:///var/run/docker.sock', source: 'default' });
  });

  it('uses the platform default: Linux socket, rootless socket, Docker Desktop on macOS, the Windows pipe', () => {
    expect(resolveDockerEndpoint(environment({ files: { '/var/run/docker.sock': '' } })).host).toBe(
      'unix:///var/run/docker.sock',
    );
    expect(
      resolveDockerEndpoint(
        environment({
          env: { XDG_RUNTIME_DIR: '/run/user/1000' },
          files: { '/run/user/1000/docker.sock': '' },
        }),
      ).host,
    ).toBe('unix:///run/user/1000/docker.sock');
    expect(
      resolveDockerEndpoint(
        environment({ platform: 'darwin', files: { '/home/ada/.docker/run/docker.sock': '' } }),
      ).host,
    ).toBe('unix:///home/ada/.docker/run/docker.sock');
    const windows = resolveDockerEndpoint(environment({ platform: 'win32' }));
    expect(windows.host).toBe('npipe:////./pipe/docker_engine');
    expect(dockerodeOptions(windows, () => undefined)).toEqual({ socketPath: '\\\\.\\pipe\\docker_engine' });
  });

  it('reads TLS material for DOCKER_TLS_VERIFY', () => {
    const endpoint = resolveDockerEndpoint(
      environment({
        env: { DOCKER_HOST: 'tcp://docker.example:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' },
      }),
    );
    const options = dockerodeOptions(endpoint, (path) => `pem:${path}`);
    expect(options).toMatchObject({
      protocol: 'https',
      port: 2376,
      ca: 'pem:/certs/ca.pem',
      cert: 'pem:/certs/cert.pem',
      key: 'pem:/certs/key.pem',
    });
  });
});
