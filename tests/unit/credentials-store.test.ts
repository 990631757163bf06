/**
 * Docker's logins as Berth reads and writes them, with stand-in credential helpers on PATH (the real
 * docker-credential-pass and the docker CLI are in tests/integration/credentials-cli.test.ts): the
 * helper protocol's answers and failures, the CLI's order (DOCKER_AUTH_CONFIG, credHelpers[key],
 * credsStore, the file), legacy keys, logout of every spelling, and a scan of everything that leaves
 * the module (answers, errors, log lines, events, util.inspect) for the secrets.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../electron/api/app-error';
import { encodeAuth } from '../../electron/credentials/config-file';
import { CredentialHelper } from '../../electron/credentials/credential-helper';
import { DockerCredentials } from '../../electron/credentials/docker-credentials';
import { readEnvironmentConfig } from '../../electron/credentials/environment-config';
import { makeFakeHelpers, type FakeHelpers } from '../helpers/fake-credential-helper';

const SECRET = 'pa55-Wörd:with-colon';
const TOKEN = 'identity-token-0123456789';
let folder: string;
let helpers: FakeHelpers;
let logLines: string[];

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'berth-credentials-'));
  helpers = await makeFakeHelpers(['alpha', 'beta']);
  logLines = [];
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
  await rm(helpers.bin, { recursive: true, force: true });
});

function credentials(extra: NodeJS.ProcessEnv = {}): DockerCredentials {
  return new DockerCredentials({
    env: { PATH: `${helpers.bin}:${process.env.PATH ?? ''}`, DOCKER_CONFIG: folder, ...extra },
    log: { warn: (line) => logLines.push(line) },
    helperTimeoutMs: 10_000,
  });
}
const configPath = () => join(folder, 'config.json');
const writeConfig = (value: unknown) => writeFile(configPath(), JSON.stringify(value, null, '\t'));
const readConfig = async () => JSON.parse(await readFile(configPath(), 'utf8')) as Record<string, unknown>;

describe('the helper protocol', () => {
  const helper = (name: string, env: NodeJS.ProcessEnv = {}) =>
    new CredentialHelper(name, {
      env: { PATH: `${helpers.bin}:${process.env.PATH ?? ''}`, ...env },
      configuredIn: '"credsStore" in /x/config.json',
    });

  it('store, get, list, erase round-trip; "not found in native keychain" is no login, not an error', async () => {
    const alpha = helper('alpha');
    await expect(alpha.get('r.example')).resolves.toBeUndefined();
    await alpha.store('r.example', { username: 'ada', secret: SECRET });
    await expect(alpha.get('r.example')).resolves.toEqual({ username: 'ada', secret: SECRET });
    await expect(alpha.list()).resolves.toEqual(new Map([['r.example', 'ada']]));
    await alpha.erase('r.example');
    await expect(alpha.get('r.example')).resolves.toBeUndefined();
    await expect(alpha.erase('r.example')).resolves.toBeUndefined();
  });

  it('a helper that is not installed: CREDENTIAL_HELPER_MISSING naming it, where it is set, and the fix', async () => {
    const error = await capture(helper('desktop').get('r.example'));
    expect(error.code).toBe('CREDENTIAL_HELPER_MISSING');
    expect(error.message).toContain('docker-credential-desktop');
    expect(error.hint).toContain('"credsStore" in /x/config.json');
    expect(error.hint).toMatch(/Install docker-credential-desktop, or remove it/);
  });

  it('a failing helper: CREDENTIAL_HELPER_FAILED with its words, the secret cut out of them', async () => {
    const error = await capture(
      helper('alpha', { FAKE_HELPER_FAIL: 'store' }).store('r.example', { username: 'ada', secret: SECRET }),
    );
    expect(error.code).toBe('CREDENTIAL_HELPER_FAILED');
    expect(error.message).toContain('docker-credential-alpha');
    expect(error.raw).toContain('boom');
    expect(error.raw).toContain('[secret]');
    expect(JSON.stringify(error.toData())).not.toContain(SECRET);
  });

  it('an answer that is not JSON is a failure, not a login', async () => {
    await helper('alpha').store('r.example', { username: 'ada', secret: SECRET });
    const error = await capture(helper('alpha', { FAKE_HELPER_GARBAGE: 'get' }).get('r.example'));
    expect(error.code).toBe('CREDENTIAL_HELPER_FAILED');
    expect((await capture(helper('alpha', { FAKE_HELPER_GARBAGE: 'list' }).list())).code).toBe(
      'CREDENTIAL_HELPER_FAILED',
    );
  });

  it('a helper name that could reach another program is refused', async () => {
    expect((await capture(helper('../../bin/sh').list())).code).toBe('CREDENTIAL_HELPER_FAILED');
  });
});

describe('which login applies (the CLI’s order)', () => {
  it('the file: the exact key, else a legacy key with a scheme or path for the same host', async () => {
    await writeConfig({
      auths: {
        'https://legacy.example:5000/v2/': { auth: encodeAuth('old', SECRET) },
        'https://index.docker.io/v1/': { auth: encodeAuth('hubber', SECRET) },
        'exact.example': { auth: encodeAuth('ada', ''), identitytoken: TOKEN },
      },
    });
    const store = credentials();
    await expect(store.authFor('legacy.example:5000')).resolves.toEqual({
      username: 'old',
      password: SECRET,
      serveraddress: 'legacy.example:5000',
    });
    await expect(store.authFor('docker.io')).resolves.toMatchObject({
      username: 'hubber',
      serveraddress: 'https://index.docker.io/v1/',
    });
    await expect(store.authFor('index.docker.io')).resolves.toMatchObject({ username: 'hubber' });
    await expect(store.authFor('exact.example')).resolves.toEqual({
      username: 'ada',
      identitytoken: TOKEN,
      serveraddress: 'exact.example',
    });
    await expect(store.authFor('nobody.example')).resolves.toBeUndefined();
  });

  it('credHelpers[key] wins over credsStore, which wins over the file', async () => {
    await writeConfig({
      auths: {
        'own.example': { auth: encodeAuth('file-user', SECRET) },
        'shared.example': { auth: encodeAuth('file-user', SECRET) },
      },
      credsStore: 'alpha',
      credHelpers: { 'own.example': 'beta' },
    });
    const store = credentials();
    await store.store('own.example', { username: 'beta-user', password: SECRET });
    await store.store('shared.example', { username: 'alpha-user', password: SECRET });
    expect(Object.keys(await helpers.logins('beta'))).toEqual(['own.example']);
    expect(Object.keys(await helpers.logins('alpha'))).toEqual(['shared.example']);
    await expect(store.authFor('own.example')).resolves.toMatchObject({ username: 'beta-user' });
    await expect(store.authFor('shared.example')).resolves.toMatchObject({ username: 'alpha-user' });
    // The helper holds the secret; the file keeps an empty entry, as `docker login` leaves it.
    expect((await readConfig()).auths).toEqual({ 'own.example': {}, 'shared.example': {} });

    const overview = await store.list();
    expect(overview.logins).toEqual([
      {
        registry: 'own.example',
        key: 'own.example',
        username: 'beta-user',
        identityToken: false,
        storage: { kind: 'helper', helper: 'beta' },
      },
      {
        registry: 'shared.example',
        key: 'shared.example',
        username: 'alpha-user',
        identityToken: false,
        storage: { kind: 'helper', helper: 'alpha' },
      },
    ]);
    expect(overview.credsStore).toBe('alpha');
    expect(overview.credHelpers).toEqual([{ registry: 'own.example', helper: 'beta' }]);
  });

  it('an identity token goes to the helper as user <token>, and comes back as identitytoken', async () => {
    await writeConfig({ credsStore: 'alpha' });
    const store = credentials();
    await store.store('docker.io', { username: 'ada', password: SECRET, identityToken: TOKEN });
    expect(await helpers.logins('alpha')).toEqual({
      'https://index.docker.io/v1/': { Username: '<token>', Secret: TOKEN },
    });
    await expect(store.authFor('docker.io')).resolves.toEqual({
      identitytoken: TOKEN,
      serveraddress: 'https://index.docker.io/v1/',
    });
    expect((await store.list()).logins[0]).toMatchObject({ registry: 'docker.io', identityToken: true });
  });

  it('without a helper the file keeps base64 user:password, or user: plus the identity token', async () => {
    const store = credentials();
    expect(await store.store('a.example', { username: 'ada', password: SECRET })).toEqual({
      kind: 'file',
      path: configPath(),
    });
    await store.store('b.example', { username: 'bob', password: SECRET, identityToken: TOKEN });
    expect((await readConfig()).auths).toEqual({
      'a.example': { auth: encodeAuth('ada', SECRET) },
      'b.example': { auth: encodeAuth('bob', ''), identitytoken: TOKEN },
    });
  });

  it('DOCKER_AUTH_CONFIG comes first, by exact key, and is never written', async () => {
    await writeConfig({ auths: { 'env.example': { auth: encodeAuth('file-user', 'x') } } });
    const env = JSON.stringify({ auths: { 'env.example': { auth: encodeAuth('env-user', SECRET) } } });
    const store = credentials({ DOCKER_AUTH_CONFIG: env });
    await expect(store.authFor('env.example')).resolves.toMatchObject({ username: 'env-user' });
    const overview = await store.list();
    expect(overview.environmentConfig).toBe(true);
    expect(overview.logins).toEqual([
      expect.objectContaining({ registry: 'env.example', storage: { kind: 'environment' } }),
    ]);
    await expect(store.erase('env.example')).resolves.toEqual({ remainsFromEnvironment: true });
    expect((await readConfig()).auths).toEqual({});
    await expect(store.authFor('env.example')).resolves.toMatchObject({ username: 'env-user' });
  });

  it('a DOCKER_AUTH_CONFIG the CLI would refuse is ignored and reported', () => {
    expect(readEnvironmentConfig(undefined).kind).toBe('unset');
    for (const bad of [
      'nope',
      '{"auths": {"x": {"auth": "YTpi", "extra": 1}}}',
      '{"auths": {"x": {}}}',
      '{"other": {}}',
    ]) {
      const parsed = readEnvironmentConfig(bad);
      expect(parsed.kind).toBe('invalid');
    }
  });
});

describe('logging out', () => {
  it('erases every spelling of the key, from the file and from the helper in force for each', async () => {
    await writeConfig({
      auths: {
        'r.example:5000': { auth: encodeAuth('a', SECRET) },
        'http://r.example:5000': { auth: encodeAuth('a', SECRET) },
        'https://r.example:5000/v2/': { auth: encodeAuth('a', SECRET) },
        'other.example': { auth: encodeAuth('o', 'keep') },
      },
      credHelpers: { 'https://r.example:5000': 'beta' },
      unknown: { kept: true },
    });
    const store = credentials();
    await new CredentialHelper('beta', {
      env: { PATH: `${helpers.bin}:${process.env.PATH ?? ''}` },
      configuredIn: 'x',
    }).store('https://r.example:5000', { username: 'a', secret: SECRET });
    await expect(store.erase('r.example:5000')).resolves.toEqual({ remainsFromEnvironment: false });
    expect(await readConfig()).toEqual({
      auths: { 'other.example': { auth: encodeAuth('o', 'keep') } },
      credHelpers: { 'https://r.example:5000': 'beta' },
      unknown: { kept: true },
    });
    expect(await helpers.logins('beta')).toEqual({});
    await expect(store.authFor('r.example:5000')).resolves.toBeUndefined();
  });
});

describe('problems', () => {
  it('a missing credsStore helper is listed, not thrown; a registry with its own helper still works', async () => {
    await writeConfig({ credsStore: 'desktop', credHelpers: { 'own.example': 'alpha' } });
    const store = credentials();
    await store.store('own.example', { username: 'ada', password: SECRET });
    const overview = await store.list();
    expect(overview.logins.map((login) => login.registry)).toEqual(['own.example']);
    expect(overview.problems).toEqual([
      expect.objectContaining({
        code: 'CREDENTIAL_HELPER_MISSING',
        message: expect.stringContaining('desktop'),
      }),
    ]);
    await expect(store.authFor('own.example')).resolves.toMatchObject({ username: 'ada' });
    // Elsewhere a push goes anonymous (as with the CLI) and the log says why.
    await expect(store.authFor('else.example')).resolves.toBeUndefined();
    expect(logLines.join('\n')).toContain('docker-credential-desktop');
    expect((await capture(store.store('else.example', { username: 'a', password: SECRET }))).code).toBe(
      'CREDENTIAL_HELPER_MISSING',
    );
  });

  it('a malformed config.json: listed as a problem, refused for writing, left untouched', async () => {
    const broken = `{"auths": {"x": {"auth": "${encodeAuth('a', SECRET)}"}}`;
    await writeFile(configPath(), broken);
    const store = credentials();
    const overview = await store.list();
    expect(overview.problems.map((problem) => problem.code)).toEqual(['DOCKER_CONFIG_INVALID']);
    expect((await capture(store.store('x', { username: 'a', password: 'b' }))).code).toBe(
      'DOCKER_CONFIG_INVALID',
    );
    expect((await capture(store.erase('x'))).code).toBe('DOCKER_CONFIG_INVALID');
    expect(await readFile(configPath(), 'utf8')).toBe(broken);
  });
});

describe('secrets never leave', () => {
  it('no secret in any answer, thrown error, log line or inspected object', async () => {
    const seen: string[] = [];
    const keep = (value: unknown) =>
      seen.push(
        value instanceof Error
          ? `${JSON.stringify(value instanceof AppError ? value.toData() : value.message)} ${String(value.stack)} ${inspect(value, { depth: 5 })}`
          : `${JSON.stringify(value)} ${inspect(value, { depth: 5 })}`,
      );
    const run = async (work: () => Promise<unknown>) => {
      try {
        keep(await work());
      } catch (error) {
        keep(error);
      }
    };
    const env = JSON.stringify({ auths: { 'env.example': { auth: encodeAuth('e', SECRET) } } });
    const store = credentials({ DOCKER_AUTH_CONFIG: env });
    await run(() => store.store('file.example', { username: 'ada', password: SECRET }));
    await run(() => store.store('tok.example', { username: 'ada', password: SECRET, identityToken: TOKEN }));
    await run(() => store.list());
    await writeConfig({
      ...(await readConfig()),
      credsStore: 'alpha',
      credHelpers: { 'gone.example': 'desktop' },
    });
    await run(() => store.store('helper.example', { username: 'ada', password: SECRET }));
    await run(() => store.store('gone.example', { username: 'ada', password: SECRET }));
    await run(() => store.list());
    await run(() => store.authFor('gone.example'));
    await run(() => store.erase('gone.example'));
    const failing = new DockerCredentials({
      env: {
        PATH: `${helpers.bin}:${process.env.PATH ?? ''}`,
        DOCKER_CONFIG: folder,
        FAKE_HELPER_FAIL: 'store',
      },
      log: { warn: (line) => logLines.push(line) },
    });
    await run(() => failing.store('helper.example', { username: 'ada', password: SECRET }));
    await run(() =>
      failing.store('helper.example', { username: 'ada', password: SECRET, identityToken: TOKEN }),
    );
    await writeFile(configPath(), `{"auths": {"x": {"auth": "${encodeAuth('a', SECRET)}"}}, broken`);
    await run(() => store.list());
    await run(() => store.store('x', { username: 'a', password: SECRET }));
    await run(() => store.authFor('x'));
    keep(store);
    keep(failing);
    seen.push(...logLines);

    expect(seen.some((text) => text.includes('CREDENTIAL_HELPER_FAILED'))).toBe(true);
    expect(seen.some((text) => text.includes('CREDENTIAL_HELPER_MISSING'))).toBe(true);
    expect(seen.some((text) => text.includes('DOCKER_CONFIG_INVALID'))).toBe(true);
    for (const text of seen) {
      for (const secret of [
        SECRET,
        TOKEN,
        encodeAuth('ada', SECRET),
        encodeAuth('a', SECRET),
        encodeAuth('e', SECRET),
      ])
        expect(text).not.toContain(secret);
    }
  });
});

async function capture(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}
