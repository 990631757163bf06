/**
 * The registry client's parsing and decisions, without a registry: WWW-Authenticate challenges,
 * token answers, Link pagination, rate limits, manifests and configs, HTTP vs HTTPS, pull commands,
 * errors a person can act on, timeouts. Docker Hub and GHCR can't be reached here: their shapes come
 * from their public documentation (tests/fixtures/docker-hub/shapes.ts) and are answered by a fake fetch.
 */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../electron/api/app-error';
import { parseHubLogin, parseHubRepositories } from '../../electron/remote/docker-hub';
import {
  nextLast,
  parseImageConfig,
  parseManifest,
  parseRateLimit,
  platformText,
} from '../../electron/remote/manifests';
import { httpFailure, networkFailure } from '../../electron/remote/remote-errors';
import { insecureReasonFor, pullCommand, RemoteRegistries } from '../../electron/remote/remote-registries';
import { parseTokenAnswer, RegistrySession } from '../../electron/remote/registry-session';
import { parseWwwAuthenticate } from '../../electron/remote/www-authenticate';
import { hubFetch } from '../fixtures/docker-hub/fake-hub';
import * as shapes from '../fixtures/docker-hub/shapes';

const context = { host: 'registry.example.com', doing: 'list the repositories of', loggedIn: false };

describe('WWW-Authenticate', () => {
  it("reads Docker Hub's and GHCR's Bearer challenges", () => {
    expect(parseWwwAuthenticate(shapes.hubChallenge)).toEqual([
      {
        scheme: 'bearer',
        params: {
          realm: 'https://auth.docker.io/token',
          service: 'registry.docker.io',
          scope: 'repository:library/nginx:pull',
        },
      },
    ]);
    expect(parseWwwAuthenticate(shapes.ghcrChallenge)[0]?.params.service).toBe('ghcr.io');
  });

  it('reads Basic, several challenges, escapes, bare values and an error', () => {
    expect(parseWwwAuthenticate('Basic realm="Registry Realm"')).toEqual([
      { scheme: 'basic', params: { realm: 'Registry Realm' } },
    ]);
    expect(
      parseWwwAuthenticate(
        'Bearer realm="https://a/t",scope="repository:x:pull,push",error="insufficient_scope", Basic realm=plain',
      ),
    ).toEqual([
      {
        scheme: 'bearer',
        params: { realm: 'https://a/t', scope: 'repository:x:pull,push', error: 'insufficient_scope' },
      },
      { scheme: 'basic', params: { realm: 'plain' } },
    ]);
    expect(parseWwwAuthenticate('Basic realm="a \\"quoted\\" realm"')[0]?.params.realm).toBe(
      'a "quoted" realm',
    );
    expect(parseWwwAuthenticate('')).toEqual([]);
    expect(parseWwwAuthenticate(null)).toEqual([]);
  });
});

describe('tokens, pages, rate limits, manifests', () => {
  it('reads token answers: token or access_token, expires_in, issued_at', () => {
    expect(parseTokenAnswer(JSON.stringify(shapes.hubTokenAnswer))).toEqual({
      token: 'hub-registry-token',
      expiresIn: 300,
      issuedAt: Date.parse('2026-12-07T08:00:00.000Z'),
    });
    expect(parseTokenAnswer(JSON.stringify(shapes.ghcrTokenAnswer))).toEqual({
      token: shapes.ghcrTokenAnswer.token,
    });
    expect(parseTokenAnswer('{"access_token":"x"}')).toEqual({ token: 'x' });
    expect(parseTokenAnswer('not json')).toBeUndefined();
    expect(parseTokenAnswer('{}')).toBeUndefined();
  });

  it('follows Link rel="next" (relative, as distribution and GHCR send it)', () => {
    expect(nextLast(shapes.ghcrTagsLink)).toBe('v1.9');
    expect(nextLast('</v2/_catalog?last=team%2Fapp&n=2>; rel="next"')).toBe('team/app');
    expect(nextLast(null)).toBeUndefined();
    expect(nextLast('</v2/_catalog?last=a>; rel="prev"')).toBeUndefined();
  });

  it("reads Docker Hub's rate-limit headers", () => {
    expect(parseRateLimit(new Headers(shapes.hubRateLimitHeaders))).toEqual({
      limit: 100,
      remaining: 76,
      windowSeconds: 21600,
    });
    expect(parseRateLimit(new Headers())).toBeUndefined();
  });

  it('tells images from indexes, and reads configs', () => {
    const index = parseManifest(
      JSON.stringify({
        schemaVersion: 2,
        manifests: [
          { digest: 'sha256:a', size: 1, platform: { os: 'linux', architecture: 'arm', variant: 'v7' } },
        ],
      }),
      'application/vnd.docker.distribution.manifest.list.v2+json',
    );
    expect(index).toMatchObject({
      kind: 'index',
      mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json',
    });
    if (index?.kind === 'index') expect(platformText(index.manifests[0]!.platform)).toBe('linux/arm/v7');
    expect(parseManifest('{"schemaVersion":1}', null)).toBeUndefined();
    expect(
      parseImageConfig('{"created":"2026-01-01T00:00:00Z","os":"linux","architecture":"amd64"}'),
    ).toEqual({
      created: '2026-01-01T00:00:00Z',
      os: 'linux',
      architecture: 'amd64',
    });
  });
});

describe('where and how', () => {
  it('uses HTTP only for loopback and for what Docker lists as insecure', () => {
    const report = {
      insecureRegistries: ['build.lan:5000'],
      insecureRegistryCidrs: ['10.9.0.0/16'],
      mirrors: [],
    };
    expect(insecureReasonFor('127.0.0.1:5000', report)).toBe('loopback');
    expect(insecureReasonFor('localhost:5000', undefined)).toBe('loopback');
    expect(insecureReasonFor('[::1]:5000', undefined)).toBe('loopback');
    expect(insecureReasonFor('build.lan:5000', report)).toBe('insecure-registries');
    expect(insecureReasonFor('10.9.3.4:5000', report)).toBe('insecure-registries');
    expect(insecureReasonFor('ghcr.io', report)).toBeUndefined();
    expect(insecureReasonFor('build.lan:5000', undefined)).toBeUndefined();
  });

  it('writes the pull command as a person would type it', () => {
    expect(pullCommand('docker.io', 'library/nginx', '1.27')).toBe('docker pull nginx:1.27');
    expect(pullCommand('docker.io', 'ada/webapp', 'latest')).toBe('docker pull ada/webapp:latest');
    expect(pullCommand('ghcr.io', 'octo/app', 'v2')).toBe('docker pull ghcr.io/octo/app:v2');
  });
});

describe('errors a person can act on', () => {
  const cause = (code: string, message = code) =>
    Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(message), { code }) });

  it('unknown host, refused, TLS (with the certs.d advice), plain HTTP on an HTTPS-only host', () => {
    expect(networkFailure(cause('ENOTFOUND'), context).message).toContain('no such host name');
    expect(networkFailure(cause('ECONNREFUSED'), context).code).toBe('REGISTRY_UNREACHABLE');
    const tls = networkFailure(
      cause('SELF_SIGNED_CERT_IN_CHAIN', 'self-signed certificate in certificate chain'),
      { ...context, platform: 'linux' },
    );
    expect(tls.code).toBe('TLS_UNKNOWN_AUTHORITY');
    expect(tls.fix).toEqual({
      kind: 'showCertsHelp',
      host: 'registry.example.com',
      certsDir: '/etc/docker/certs.d/registry.example.com',
    });
    expect(networkFailure(cause('EPROTO', 'wrong version number'), context).fix).toEqual({
      kind: 'addInsecureRegistry',
      host: 'registry.example.com',
    });
  });

  it('401 without a login → log in; with one → refused; 403; 429; 5xx', () => {
    expect(httpFailure(401, '', context)).toMatchObject({ code: 'UNAUTHORIZED', fix: { kind: 'login' } });
    expect(httpFailure(401, '', { ...context, loggedIn: true, username: 'ada' }).message).toContain(
      'refused the login of ada',
    );
    expect(
      httpFailure(
        403,
        '{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}',
        { ...context, loggedIn: true, username: 'ada' },
      ),
    ).toMatchObject({
      code: 'FORBIDDEN',
      raw: 'HTTP 403: DENIED: requested access to the resource is denied',
    });
    const limited = httpFailure(
      429,
      '{"errors":[{"code":"TOOMANYREQUESTS","message":"You have reached your pull rate limit."}]}',
      { ...context, host: 'docker.io' },
    );
    expect(limited.code).toBe('RATE_LIMITED');
    expect(limited.hint).toContain('Docker Hub limits pulls');
    expect(httpFailure(503, 'busy', context).code).toBe('REGISTRY_UNREACHABLE');
  });

  it('times out a registry that never answers, and says which', async () => {
    const never: typeof fetch = (_url, init) =>
      new Promise((_resolve, reject) =>
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason as Error)),
      );
    const session = new RegistrySession({
      host: 'slow.example',
      login: () => Promise.resolve(undefined),
      fetch: never,
      timeoutMs: 50,
    });
    const error = await session
      .request('/v2/', { scope: '', doing: 'reach' })
      .catch((e: unknown) => AppError.from(e));
    expect(error).toMatchObject({ code: 'TIMEOUT' });
    expect((error as AppError).message).toContain('slow.example did not answer');
  });
});

describe("Docker Hub's API (shapes from its documentation)", () => {
  it('reads repository pages: names, private/public, next page', () => {
    const page = parseHubRepositories(JSON.stringify(shapes.hubAdaPage1));
    expect(page).toMatchObject({ count: 3, nextPage: 2 });
    expect(page.repositories.map((r) => [r.name, r.private])).toEqual([
      ['webapp', true],
      ['tools', false],
    ]);
    expect(parseHubRepositories(JSON.stringify(shapes.hubAdaPage2)).nextPage).toBeUndefined();
    expect(parseHubLogin(JSON.stringify(shapes.hubAccessToken))).toBe(shapes.hubAccessToken.access_token);
    expect(parseHubLogin(JSON.stringify(shapes.hubLegacyLogin))).toBe(shapes.hubLegacyLogin.token);
    expect(() => parseHubRepositories('{"detail":"nope"}')).toThrow(/shape Berth does not know/);
  });

  it('logged in: "your repositories" from the login’s namespace, private marked, paged, one Hub login', async () => {
    const log: Array<{ url: string; authorization?: string; body?: string }> = [];
    const remote = new RemoteRegistries({
      authFor: () =>
        Promise.resolve({ username: 'Ada', password: 'right', serveraddress: 'https://index.docker.io/v1/' }),
      daemonRegistryConfig: () => Promise.resolve(undefined),
      fetch: hubFetch(log),
      hubApi: 'https://hub.example',
    });
    const first = await remote.repositories('docker.io', { n: 2 });
    expect(first).toMatchObject({
      source: 'hub',
      namespace: 'ada',
      total: 3,
      next: '2',
      connection: { loggedInAs: 'Ada' },
    });
    expect(first.repositories).toEqual([
      {
        name: 'ada/webapp',
        private: true,
        description: 'The storefront, built nightly',
        pullCount: 1532,
        lastUpdated: '2026-11-30T18:22:10.123456Z',
      },
      { name: 'ada/tools', private: false, pullCount: 98211, lastUpdated: '2026-10-02T07:01:00.000000Z' },
    ]);
    const second = await remote.repositories('docker.io', { n: 2, cursor: first.next });
    expect(second.repositories.map((r) => r.name)).toEqual(['ada/notes-api']);
    expect(second.next).toBeUndefined();
    expect(log.filter((entry) => entry.url.endsWith('/v2/auth/token'))).toHaveLength(1);
    expect(log[0]?.body).toBe(JSON.stringify({ identifier: 'Ada', secret: 'right' }));
    expect(log[1]?.authorization).toBe(`Bearer ${shapes.hubAccessToken.access_token}`);
  });

  it('logged out: no namespace to list until one is typed; a typed one lists its public repositories', async () => {
    const log: Array<{ url: string }> = [];
    const remote = new RemoteRegistries({
      authFor: () => Promise.resolve(undefined),
      daemonRegistryConfig: () => Promise.resolve(undefined),
      fetch: hubFetch(log),
      hubApi: 'https://hub.example',
    });
    expect(await remote.repositories('docker.io', { n: 100 })).toEqual({
      source: 'hub',
      repositories: [],
      connection: { scheme: 'https', auth: 'bearer' },
    });
    expect(log).toHaveLength(0);
    const library = await remote.repositories('docker.io', { n: 100, namespace: 'library' });
    expect(library.repositories.map((r) => [r.name, r.private])).toEqual([
      ['library/nginx', false],
      ['library/alpine', false],
    ]);
  });

  it('a wrong Hub password says so, with a login fix', async () => {
    const remote = new RemoteRegistries({
      authFor: () => Promise.resolve({ username: 'ada', password: 'wrong' }),
      daemonRegistryConfig: () => Promise.resolve(undefined),
      fetch: hubFetch([]),
      hubApi: 'https://hub.example',
    });
    const error = await remote.repositories('docker.io', { n: 10 }).catch((e: unknown) => AppError.from(e));
    expect(error).toMatchObject({ code: 'UNAUTHORIZED', fix: { kind: 'login', registry: 'docker.io' } });
  });
});

describe("Docker Hub's registry: anonymous token and the rate limit from a manifest HEAD", () => {
  it('shows RateLimit-Remaining, and never GETs a manifest twice for the same digest', async () => {
    const config = JSON.stringify({ created: '2026-12-01T00:00:00Z', os: 'linux', architecture: 'amd64' });
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: 'sha256:c',
        size: config.length,
      },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: 'sha256:l', size: 1000 }],
    });
    const digest = `sha256:${'d'.repeat(64)}`;
    const calls: string[] = [];
    const fakeFetch: typeof fetch = (input, init) => {
      const url = new URL(input instanceof Request ? input.url : input.toString());
      const method = init?.method ?? 'GET';
      const authorized =
        ((init?.headers ?? {}) as Record<string, string>).Authorization === 'Bearer hub-registry-token';
      calls.push(`${method} ${url.host}${url.pathname}`);
      if (url.host === 'auth.example') return Promise.resolve(Response.json(shapes.freshHubTokenAnswer()));
      if (!authorized)
        return Promise.resolve(
          new Response('{"errors":[{"code":"UNAUTHORIZED"}]}', {
            status: 401,
            headers: {
              'WWW-Authenticate': shapes.hubChallenge.replace(
                'https://auth.docker.io/token',
                'https://auth.example/token',
              ),
            },
          }),
        );
      if (url.pathname === '/v2/library/nginx/manifests/latest' && method === 'HEAD')
        return Promise.resolve(
          new Response(null, {
            status: 200,
            headers: { ...shapes.hubRateLimitHeaders, 'Docker-Content-Digest': digest },
          }),
        );
      if (url.pathname === `/v2/library/nginx/manifests/${digest}`)
        return Promise.resolve(
          new Response(manifest, {
            headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' },
          }),
        );
      if (url.pathname === '/v2/library/nginx/blobs/sha256:c') return Promise.resolve(new Response(config));
      return Promise.resolve(new Response('', { status: 404 }));
    };
    const remote = new RemoteRegistries({
      authFor: () => Promise.resolve(undefined),
      daemonRegistryConfig: () => Promise.resolve(undefined),
      fetch: fakeFetch,
      hubRegistry: 'https://registry.example',
    });
    const details = await remote.tagDetails('docker.io', 'library/nginx', 'latest');
    expect(details).toMatchObject({
      digest,
      size: config.length + 1000,
      rateLimit: { limit: 100, remaining: 76, windowSeconds: 21600 },
      pullCommand: 'docker pull nginx:latest',
      created: '2026-12-01T00:00:00Z',
    });
    await remote.tagDetails('docker.io', 'library/nginx', 'latest');
    expect(
      calls.filter((call) => call.startsWith('GET registry.example/v2/library/nginx/manifests/')),
    ).toHaveLength(1);
    expect(calls.filter((call) => call.startsWith('GET auth.example'))).toHaveLength(1);
  });
});

describe("HTTP only where Docker's insecure-registries says so", () => {
  /** A registry at build.lan:5000 that speaks plain HTTP: HTTPS to it fails as a TLS client would. */
  const plainHttp: typeof fetch = (input) => {
    const url = new URL(input instanceof Request ? input.url : input.toString());
    if (url.protocol === 'https:')
      return Promise.reject(
        Object.assign(new TypeError('fetch failed'), {
          cause: Object.assign(new Error('wrong version number'), { code: 'EPROTO' }),
        }),
      );
    return Promise.resolve(
      Response.json(url.pathname === '/v2/_catalog' ? { repositories: ['team/app'] } : {}),
    );
  };

  it('listed: HTTPS first, then HTTP, and the view is told why', async () => {
    const remote = new RemoteRegistries({
      authFor: () => Promise.resolve(undefined),
      daemonRegistryConfig: () =>
        Promise.resolve({ insecureRegistries: ['build.lan:5000'], insecureRegistryCidrs: [], mirrors: [] }),
      fetch: plainHttp,
    });
    const answer = await remote.repositories('build.lan:5000', { n: 10 });
    expect(answer.repositories).toEqual([{ name: 'team/app' }]);
    expect(answer.connection).toEqual({ scheme: 'http', insecure: 'insecure-registries', auth: 'none' });
  });

  it('not listed: never HTTP; the error offers to add it to insecure registries', async () => {
    const remote = new RemoteRegistries({
      authFor: () => Promise.resolve(undefined),
      daemonRegistryConfig: () =>
        Promise.resolve({ insecureRegistries: [], insecureRegistryCidrs: [], mirrors: [] }),
      fetch: plainHttp,
    });
    const error = await remote
      .repositories('build.lan:5000', { n: 10 })
      .catch((e: unknown) => AppError.from(e));
    expect(error).toMatchObject({
      code: 'INSECURE_REGISTRY',
      fix: { kind: 'addInsecureRegistry', host: 'build.lan:5000' },
    });
  });
});

describe('a registry reached without a ping (Docker Hub)', () => {
  it('goes anonymous first, then a token; a token turned down is replaced once more', async () => {
    let issued = 0;
    const fakeFetch: typeof fetch = (input, init) => {
      const url = new URL(input instanceof Request ? input.url : input.toString());
      if (url.host === 'auth.example') {
        issued += 1;
        return Promise.resolve(Response.json({ token: issued === 1 ? 'stale' : 'fresh', expires_in: 300 }));
      }
      const authorization = ((init?.headers ?? {}) as Record<string, string>).Authorization;
      if (authorization === 'Bearer fresh') return Promise.resolve(Response.json({ name: 'x', tags: ['1'] }));
      return Promise.resolve(
        new Response('{"errors":[{"code":"UNAUTHORIZED"}]}', {
          status: 401,
          headers: {
            'WWW-Authenticate': `Bearer realm="https://auth.example/token",service="s",scope="repository:x:pull"${authorization ? ',error="invalid_token"' : ''}`,
          },
        }),
      );
    };
    const session = new RegistrySession({
      host: 'docker.io',
      baseUrl: 'https://registry.example',
      login: () => Promise.resolve(undefined),
      fetch: fakeFetch,
    });
    const response = await session.request('/v2/x/tags/list', { scope: 'repository:x:pull', doing: 'list' });
    expect(JSON.parse(response.body.toString('utf8'))).toEqual({ name: 'x', tags: ['1'] });
    expect(issued).toBe(2);
  });
});
