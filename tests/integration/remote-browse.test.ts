/**
 * The registry client (electron/remote/) against real registries: Debian's docker-registry
 * (distribution 2.8) anonymous, with htpasswd (Basic), and with token auth (a JWT issuer written for
 * the tests, its certificate in the registry's rootcertbundle, so the registry itself checks the
 * tokens, their scopes and their expiry); and Berth's own registry. Logins come from a temp
 * DOCKER_CONFIG through DockerCredentials, as in the app.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../electron/api/app-error';
import { DockerCredentials } from '../../electron/credentials/docker-credentials';
import { RemoteRegistries } from '../../electron/remote/remote-registries';
import {
  basicAuth,
  bearerAuth,
  pushMultiArch,
  pushTaggedImage,
  type SmallImage,
} from '../helpers/registry-populate';
import { startRegistry, type RunningRegistry } from '../helpers/registry-process';
import { bcryptHtpasswdLine, startTestRegistry, type TestRegistry } from '../helpers/test-images';
import { startTokenIssuer, type TokenIssuer } from '../helpers/token-issuer';

/** A DOCKER_CONFIG with these `auths` entries (key → {auth?, identitytoken?}). */
async function dockerConfig(
  auths: Record<string, { user?: string; password?: string; identityToken?: string }>,
) {
  const dir = await mkdtemp(join(tmpdir(), 'berth-remote-config-'));
  const entries: Record<string, Record<string, string>> = {};
  for (const [key, login] of Object.entries(auths)) {
    const entry: Record<string, string> = {};
    if (login.user !== undefined)
      entry.auth = Buffer.from(`${login.user}:${login.password ?? ''}`).toString('base64');
    if (login.identityToken !== undefined) entry.identitytoken = login.identityToken;
    entries[key] = entry;
  }
  await writeFile(join(dir, 'config.json'), JSON.stringify({ auths: entries }));
  return dir;
}

function client(
  configDir: string | undefined,
  extra: Partial<ConstructorParameters<typeof RemoteRegistries>[0]> = {},
) {
  const credentials = configDir
    ? new DockerCredentials({ env: { DOCKER_CONFIG: configDir, PATH: process.env.PATH ?? '' } })
    : undefined;
  return new RemoteRegistries({
    authFor: async (host) => credentials?.authFor(host),
    daemonRegistryConfig: () => Promise.resolve(undefined),
    timeoutMs: 10_000,
    ...extra,
  });
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    return AppError.from(error);
  }
  throw new Error('expected a failure');
}

/** Every page, following `next`. */
async function allPages<T>(page: (cursor: string | undefined) => Promise<{ items: T[]; next?: string }>) {
  const pages: T[][] = [];
  let cursor: string | undefined;
  do {
    const answer = await page(cursor);
    pages.push(answer.items);
    cursor = answer.next;
  } while (cursor !== undefined && pages.length < 50);
  return pages;
}

const configDirs: string[] = [];
afterAll(async () => {
  for (const dir of configDirs) await rm(dir, { recursive: true, force: true });
});

describe('docker-registry, anonymous', () => {
  let registry: TestRegistry;
  let base: string;
  let image: SmallImage;
  let multi: { digest: string; children: SmallImage[] };
  beforeAll(async () => {
    registry = await startTestRegistry();
    base = `http://${registry.host}`;
    image = await pushTaggedImage(base, 'team/app', ['1.0', '1.1', '2.0']);
    multi = await pushMultiArch(base, 'team/app', 'multi');
    await pushTaggedImage(base, 'team/api', ['latest']);
    await pushTaggedImage(base, 'zeta/tools', ['v1']);
  });
  afterAll(() => registry?.stop());

  it('lists repositories over more than one page of _catalog (n=2, Link)', async () => {
    const remote = client(undefined);
    const pages = await allPages(async (cursor) => {
      const answer = await remote.repositories(registry.host, { cursor, n: 2 });
      expect(answer.source).toBe('catalog');
      return { items: answer.repositories.map((r) => r.name), ...(answer.next ? { next: answer.next } : {}) };
    });
    expect(pages.length).toBe(2);
    expect(pages.flat()).toEqual(['team/api', 'team/app', 'zeta/tools']);
    const first = await remote.repositories(registry.host, { n: 2 });
    // Loopback: plain HTTP, as Docker allows, and the view says why.
    expect(first.connection).toEqual({ scheme: 'http', insecure: 'loopback', auth: 'none' });
  });

  it('lists every tag, following pages where the registry pages them', async () => {
    const remote = client(undefined);
    const pages = await allPages(async (cursor) => {
      const answer = await remote.tags(registry.host, 'team/app', { cursor, n: 2 });
      return { items: answer.tags, ...(answer.next ? { next: answer.next } : {}) };
    });
    expect(pages.flat().sort()).toEqual(['1.0', '1.1', '2.0', 'multi']);
  });

  it('describes an image: digest, media type, size, created, os/arch from the config, pull command', async () => {
    const details = await client(undefined).tagDetails(registry.host, 'team/app', '1.1');
    expect(details).toMatchObject({
      digest: image.digest,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      kind: 'image',
      size: image.config.size + image.layer.size,
      created: '2026-01-02T03:04:05Z',
      os: 'linux',
      architecture: 'amd64',
      platforms: [{ platform: 'linux/amd64', digest: image.digest }],
      pullCommand: `docker pull ${registry.host}/team/app:1.1`,
    });
    expect(details.rateLimit).toBeUndefined();
  });

  it('describes a multi-arch index: each platform with its size, the largest as the size', async () => {
    const details = await client(undefined).tagDetails(registry.host, 'team/app', 'multi');
    const sizes = multi.children.map((child) => child.config.size + child.layer.size);
    expect(details.kind).toBe('index');
    expect(details.digest).toBe(multi.digest);
    expect(details.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    expect(details.platforms).toEqual([
      { platform: 'linux/amd64', digest: multi.children[0]!.digest, size: sizes[0] },
      { platform: 'linux/arm64', digest: multi.children[1]!.digest, size: sizes[1] },
    ]);
    expect(details.size).toBe(Math.max(...sizes));
    expect(details.os).toBe('linux');
  });

  it('deletes a tag by digest after saying that every tag on the digest goes (delete enabled)', async () => {
    const remote = client(undefined);
    const asked = await remote.deleteTag(registry.host, 'team/app', '2.0', undefined);
    // distribution 2.8 has no tag delete: Berth answers the digest for the UI's warning instead.
    expect(asked).toMatchObject({ deleted: 'none', digest: image.digest });
    const done = await remote.deleteTag(registry.host, 'team/app', '2.0', image.digest);
    expect(done).toEqual({ deleted: 'digest', digest: image.digest });
    const { tags } = await remote.tags(registry.host, 'team/app', { n: 100 });
    // 1.0, 1.1 and 2.0 shared the manifest: all gone, as the warning said.
    expect(tags.sort()).toEqual(['multi']);
  });

  it('refuses to delete by digest when the tag moved meanwhile', async () => {
    const error = await failure(
      client(undefined).deleteTag(registry.host, 'team/app', 'multi', image.digest),
    );
    expect(error.code).toBe('CONFLICT');
  });

  it('names a missing repository, a missing tag and an unreachable host', async () => {
    const remote = client(undefined);
    expect((await failure(remote.tags(registry.host, 'no/such', { n: 10 }))).code).toBe(
      'REPOSITORY_NOT_FOUND',
    );
    expect((await failure(remote.tagDetails(registry.host, 'team/api', 'nope'))).code).toMatch(
      /MANIFEST_UNKNOWN|NOT_FOUND/,
    );
    const closed = await failure(remote.repositories('127.0.0.1:1', { n: 10 }));
    expect(closed.code).toBe('REGISTRY_UNREACHABLE');
    expect(closed.message).toContain('127.0.0.1:1');
  });

  it('stops a request when its signal is aborted, with CANCELLED', async () => {
    const controller = new AbortController();
    const pending = client(undefined).repositories(registry.host, { n: 10 }, controller.signal);
    controller.abort();
    expect((await failure(pending)).code).toBe('CANCELLED');
  });
});

describe('docker-registry with deletes switched off', () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startTestRegistry({ deleteEnabled: false });
    await pushTaggedImage(`http://${registry.host}`, 'team/app', ['1.0']);
  });
  afterAll(() => registry?.stop());

  it('says the registry does not allow deleting', async () => {
    const remote = client(undefined);
    const asked = await remote.deleteTag(registry.host, 'team/app', '1.0', undefined);
    expect(asked.deleted).toBe('none');
    if (asked.deleted !== 'none') return;
    const error = await failure(remote.deleteTag(registry.host, 'team/app', '1.0', asked.digest));
    expect(error.code).toBe('DELETE_NOT_ALLOWED');
    expect(error.raw).toContain('405');
    expect((await remote.tags(registry.host, 'team/app', { n: 10 })).tags).toEqual(['1.0']);
  });
});

const htpasswdLine = bcryptHtpasswdLine('ada', 'lovelace');
if (!htpasswdLine) console.log('htpasswd suite skipped: python3 cannot make a bcrypt htpasswd line here');

describe.skipIf(!htpasswdLine)('docker-registry with htpasswd (Basic)', () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    const line = htpasswdLine ?? '';
    registry = await startTestRegistry({ htpasswd: line });
    await pushTaggedImage(`http://${registry.host}`, 'private/app', ['1.0'], {
      auth: basicAuth('ada', 'lovelace'),
    });
  });
  afterAll(() => registry?.stop());

  it('without a login: 401 becomes "log in", with the fix', async () => {
    const error = await failure(client(undefined).repositories(registry.host, { n: 10 }));
    expect(error.code).toBe('UNAUTHORIZED');
    expect(error.fix).toEqual({ kind: 'login', registry: registry.host });
    expect(error.message).toContain('wants a login');
  });

  it('with a wrong password: the login was refused', async () => {
    const dir = await dockerConfig({ [registry.host]: { user: 'ada', password: 'wrong' } });
    configDirs.push(dir);
    const error = await failure(client(dir).repositories(registry.host, { n: 10 }));
    expect(error.code).toBe('UNAUTHORIZED');
    expect(error.message).toContain('refused the login of ada');
  });

  it("with Docker's login: Basic credentials, repositories, tags and details", async () => {
    const dir = await dockerConfig({ [registry.host]: { user: 'ada', password: 'lovelace' } });
    configDirs.push(dir);
    const remote = client(dir);
    const repositories = await remote.repositories(registry.host, { n: 10 });
    expect(repositories.repositories.map((r) => r.name)).toEqual(['private/app']);
    expect(repositories.connection).toEqual({
      scheme: 'http',
      insecure: 'loopback',
      auth: 'basic',
      loggedInAs: 'ada',
    });
    expect((await remote.tags(registry.host, 'private/app', { n: 10 })).tags).toEqual(['1.0']);
    expect((await remote.tagDetails(registry.host, 'private/app', '1.0')).os).toBe('linux');
  });
});

describe('docker-registry with token auth (Bearer, JWT checked by the registry)', () => {
  let issuer: TokenIssuer;
  let registry: TestRegistry;
  beforeAll(async () => {
    issuer = await startTokenIssuer({
      users: { ada: 'lovelace', bob: 'builder' },
      refreshTokens: { 'refresh-ada-123': 'ada' },
      // ada may do anything; bob may read; anonymous users may read public/*; catalog for ada only.
      grant: (user, access) => {
        if (access.type === 'registry') return user === 'ada' ? ['*'] : [];
        if (user === 'ada') return ['pull', 'push', 'delete'];
        if (user === 'bob') return ['pull'];
        return access.name.startsWith('public/') ? ['pull'] : [];
      },
    });
    registry = await startTestRegistry({ token: issuer.registryConfig });
    const ada = bearerAuth(issuer.realm, issuer.service, 'ada', 'lovelace');
    const base = `http://${registry.host}`;
    await pushTaggedImage(base, 'public/hello', ['1.0', '2.0'], { auth: ada });
    await pushTaggedImage(base, 'private/app', ['1.0', '1.1'], { auth: ada });
    await pushMultiArch(base, 'private/app', 'multi', ada);
  });
  afterAll(async () => {
    await registry?.stop();
    await issuer?.stop();
  });

  it('anonymous: an anonymous token reads a public repository; private ones and the catalog want a login', async () => {
    const remote = client(undefined);
    expect((await remote.tags(registry.host, 'public/hello', { n: 10 })).tags.sort()).toEqual(['1.0', '2.0']);
    expect(issuer.requests.at(-1)).toMatchObject({ user: '', scopes: ['repository:public/hello:pull'] });
    expect((await failure(remote.tags(registry.host, 'private/app', { n: 10 }))).code).toBe('UNAUTHORIZED');
    const catalog = await failure(remote.repositories(registry.host, { n: 10 }));
    expect(catalog.code).toBe('UNAUTHORIZED');
    expect(catalog.fix).toEqual({ kind: 'login', registry: registry.host });
  });

  it('logged in: one token per scope, kept until it expires, then asked for again', async () => {
    const dir = await dockerConfig({ [registry.host]: { user: 'ada', password: 'lovelace' } });
    configDirs.push(dir);
    let clock = Date.now();
    const remote = client(dir, { now: () => clock });
    const before = issuer.requests.length;
    const repositories = await remote.repositories(registry.host, { n: 1 });
    expect(repositories.connection).toMatchObject({ auth: 'bearer', loggedInAs: 'ada' });
    expect(repositories.next).toBe('private/app');
    const second = await remote.repositories(registry.host, { n: 1, cursor: repositories.next });
    expect(second.repositories.map((r) => r.name)).toEqual(['public/hello']);
    expect(issuer.requests.slice(before).map((r) => r.scopes)).toEqual([['registry:catalog:*']]);

    await remote.tags(registry.host, 'private/app', { n: 10 });
    await remote.tagDetails(registry.host, 'private/app', '1.0');
    await remote.tagDetails(registry.host, 'private/app', 'multi');
    // One more token: repository:private/app:pull, reused for tags, manifests and blobs.
    expect(issuer.requests.slice(before).map((r) => r.scopes)).toEqual([
      ['registry:catalog:*'],
      ['repository:private/app:pull'],
    ]);
    expect(issuer.requests.at(-1)?.user).toBe('ada');

    // 300 s later the cached tokens have expired: Berth asks for a new one before sending it.
    clock += 301_000;
    await remote.tags(registry.host, 'private/app', { n: 10 });
    expect(issuer.requests.length - before).toBe(3);
  });

  it('a token the registry turns down (expired) is dropped and asked for once more', async () => {
    const dir = await dockerConfig({ [registry.host]: { user: 'ada', password: 'lovelace' } });
    configDirs.push(dir);
    const remote = client(dir);
    issuer.issueExpired = 1;
    const before = issuer.requests.length;
    expect((await remote.tags(registry.host, 'private/app', { n: 10 })).tags).toContain('1.1');
    expect(issuer.requests.length - before).toBe(2);
  });

  it("an identity token (refresh token) gets tokens with the OAuth2 grant, as Docker's CLI does", async () => {
    const dir = await dockerConfig({ [registry.host]: { user: 'ada', identityToken: 'refresh-ada-123' } });
    configDirs.push(dir);
    const remote = client(dir);
    expect((await remote.tags(registry.host, 'private/app', { n: 10 })).tags).toContain('1.0');
    expect(issuer.requests.at(-1)).toMatchObject({ user: 'ada', method: 'POST' });
  });

  it('logged in without the right to delete: "may not", not "log in again"', async () => {
    const dir = await dockerConfig({ [registry.host]: { user: 'bob', password: 'builder' } });
    configDirs.push(dir);
    const remote = client(dir);
    const asked = await remote
      .deleteTag(registry.host, 'private/app', '1.1', undefined)
      .catch((e: unknown) => e);
    const error = AppError.from(asked instanceof Error ? asked : new Error(JSON.stringify(asked)));
    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).toContain('bob is logged in');
  });

  it('logged in without the catalog right: no list, and why (the user types names instead)', async () => {
    const dir = await dockerConfig({ [registry.host]: { user: 'bob', password: 'builder' } });
    configDirs.push(dir);
    const answer = await client(dir).repositories(registry.host, { n: 10 });
    expect(answer).toMatchObject({ source: 'none', repositories: [] });
    expect(answer.reason).toContain('does not let bob list');
  });

  it('a wrong password at the token service is "refused", not "no catalog"', async () => {
    const dir = await dockerConfig({ [registry.host]: { user: 'ada', password: 'wrong' } });
    configDirs.push(dir);
    const error = await failure(client(dir).repositories(registry.host, { n: 10 }));
    expect(error.code).toBe('UNAUTHORIZED');
    expect(error.message).toContain('refused the login of ada');
  });

  it('deletes with a delete scope: the tag and its digest go', async () => {
    const dir = await dockerConfig({ [registry.host]: { user: 'ada', password: 'lovelace' } });
    configDirs.push(dir);
    const remote = client(dir);
    const asked = await remote.deleteTag(registry.host, 'public/hello', '2.0', undefined);
    expect(asked.deleted).toBe('none');
    if (asked.deleted !== 'none') return;
    expect(await remote.deleteTag(registry.host, 'public/hello', '2.0', asked.digest)).toMatchObject({
      deleted: 'digest',
    });
    expect(issuer.requests.some((r) => r.scopes.includes('repository:public/hello:delete'))).toBe(true);
    // 1.0 and 2.0 were the same manifest: both tags went with it.
    const left = await remote
      .tags(registry.host, 'public/hello', { n: 10 })
      .catch((error: unknown) => AppError.from(error));
    expect(left instanceof AppError ? left.code : left.tags).toEqual(
      left instanceof AppError ? 'REPOSITORY_NOT_FOUND' : [],
    );
  });
});

describe('docker-registry over HTTPS with a certificate nobody trusts', () => {
  let registry: TestRegistry;
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'berth-remote-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        join(folder, 'key.pem'),
        '-out',
        join(folder, 'cert.pem'),
        '-days',
        '2',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    registry = await startTestRegistry({
      tls: { certificate: join(folder, 'cert.pem'), key: join(folder, 'key.pem') },
    });
  });
  afterAll(async () => {
    await registry?.stop();
    await rm(folder, { recursive: true, force: true });
  });

  it("tries HTTPS after HTTP on loopback, and says the certificate isn't trusted, with the certs.d advice", async () => {
    const error = await failure(client(undefined).repositories(registry.host, { n: 10 }));
    expect(error.code).toBe('TLS_UNKNOWN_AUTHORITY');
    expect(error.message).toContain(`Berth does not trust the certificate of ${registry.host}`);
    expect(error.fix).toEqual({
      kind: 'showCertsHelp',
      host: registry.host,
      certsDir: `/etc/docker/certs.d/${registry.host}`,
    });
    expect(error.raw).toMatch(/SELF_SIGNED|self-signed/i);
  });
});

describe("Berth's own registry", () => {
  let registry: RunningRegistry;
  let image: SmallImage;
  beforeAll(async () => {
    registry = await startRegistry();
    for (const name of ['a/one', 'b/two', 'c/three', 'd/four', 'e/five'])
      image = await pushTaggedImage(registry.url, name, ['latest']);
    image = await pushTaggedImage(registry.url, 'a/one', ['1', '2', '3', '4', '5']);
    await pushMultiArch(registry.url, 'a/one', 'multi');
  });
  afterAll(() => registry?.stop());

  it('pages repositories and tags (n=2), and describes an index', async () => {
    const remote = client(undefined);
    const repositoryPages = await allPages(async (cursor) => {
      const answer = await remote.repositories(registry.address, { cursor, n: 2 });
      return { items: answer.repositories.map((r) => r.name), ...(answer.next ? { next: answer.next } : {}) };
    });
    expect(repositoryPages.length).toBe(3);
    expect(repositoryPages.flat()).toEqual(['a/one', 'b/two', 'c/three', 'd/four', 'e/five']);
    const tagPages = await allPages(async (cursor) => {
      const answer = await remote.tags(registry.address, 'a/one', { cursor, n: 2 });
      return { items: answer.tags, ...(answer.next ? { next: answer.next } : {}) };
    });
    expect(tagPages.length).toBe(4);
    expect(tagPages.flat()).toEqual(['1', '2', '3', '4', '5', 'latest', 'multi']);
    const details = await remote.tagDetails(registry.address, 'a/one', 'multi');
    expect(details.platforms.map((p) => p.platform)).toEqual(['linux/amd64', 'linux/arm64']);
  });

  it('deletes one tag with the OCI tag delete; the other tags on the digest stay', async () => {
    const remote = client(undefined);
    expect(await remote.deleteTag(registry.address, 'a/one', '3', undefined)).toEqual({ deleted: 'tag' });
    const { tags } = await remote.tags(registry.address, 'a/one', { n: 100 });
    expect(tags).toEqual(['1', '2', '4', '5', 'latest', 'multi']);
    expect((await remote.tagDetails(registry.address, 'a/one', '4')).digest).toBe(image.digest);
  });
});
