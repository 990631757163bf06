/**
 * Logins shared with the real docker CLI, both ways, against Debian's docker-registry with htpasswd
 * auth on 127.0.0.1 (insecure by default for loopback). Each case has its own temp DOCKER_CONFIG and
 * HOME; the CLI runs with a PATH that holds only `docker` (so it keeps logins in config.json, as on a
 * machine without a credential helper) or, for the helper cases, /usr/bin with docker-credential-pass
 * and a throwaway pass store. Nothing touches the real ~/.docker or keyring.
 */
import { spawnSync } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LoginsOverview } from '../../electron/api/contract/logins';
import { EventBus } from '../../electron/api/event-bus';
import { AppError } from '../../electron/api/app-error';
import { encodeAuth } from '../../electron/credentials/config-file';
import { DockerCredentials } from '../../electron/credentials/docker-credentials';
import { createLoginsHandlers } from '../../electron/credentials/handlers';
import { LoginService } from '../../electron/credentials/logins';
import { TransferService } from '../../electron/docker/transfers';
import { cliOnlyBin, runDocker } from '../helpers/docker-cli';
import { createPassStore, type PassStore } from '../helpers/pass-store';
import {
  buildTestImage,
  dockerFromEnvironment,
  removeImages,
  startTestRegistry,
  uniqueRepository,
  type TestImage,
  type TestRegistry,
} from '../helpers/test-images';

const USER = 'berth';
const PASSWORD = `s3cret-${Math.random().toString(36).slice(2)}`;
const context = { clientId: 'test' };

/** A bcrypt htpasswd line from apache2-utils' htpasswd, at the lowest cost the registry accepts quickly. */
function htpasswdLine(user: string, password: string): string {
  const made = spawnSync('htpasswd', ['-nbBC', '4', user, password], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`htpasswd (apache2-utils) failed: ${made.stderr}`);
  return `${made.stdout.trim()}\n`;
}

let docker: Docker;
let registry: TestRegistry;
let image: TestImage;
let cliBin: string;
let pass: PassStore;
const cleanupImages: string[] = [];
const cleanupFolders: string[] = [];
const running: LoginService[] = [];

beforeAll(async () => {
  docker = dockerFromEnvironment();
  registry = await startTestRegistry({ htpasswd: htpasswdLine(USER, PASSWORD) });
  image = await buildTestImage(docker, 'creds', [64 * 1024]);
  cleanupImages.push(image.reference);
  cliBin = await cliOnlyBin();
  pass = await createPassStore();
});

afterAll(async () => {
  await removeImages(docker, cleanupImages);
  await registry?.stop();
  await pass?.remove();
  for (const folder of [...cleanupFolders, cliBin]) await rm(folder, { recursive: true, force: true });
});

afterEach(() => {
  for (const logins of running.splice(0)) logins.stop();
});

/** One user's machine: a DOCKER_CONFIG, the CLI's environment, and Berth's services over the same config. */
interface Machine {
  configDir: string;
  configPath: string;
  cliEnv: NodeJS.ProcessEnv;
  credentials: DockerCredentials;
  logins: LoginService;
  transfers: TransferService;
  events: LoginsOverview[];
  logLines: string[];
}

async function machine(options: {
  withPass: boolean;
  config?: string;
  environment?: NodeJS.ProcessEnv;
}): Promise<Machine> {
  const configDir = await mkdtemp(join(tmpdir(), 'berth-docker-config-'));
  const home = await mkdtemp(join(tmpdir(), 'berth-home-'));
  cleanupFolders.push(configDir, home);
  const configPath = join(configDir, 'config.json');
  if (options.config !== undefined) await writeFile(configPath, options.config, { mode: 0o600 });
  const path = options.withPass ? `${cliBin}:/usr/bin:/bin` : cliBin;
  const cliEnv: NodeJS.ProcessEnv = {
    PATH: path,
    HOME: home,
    DOCKER_CONFIG: configDir,
    ...(options.withPass ? pass.env : {}),
    ...options.environment,
  };
  const logLines: string[] = [];
  const credentials = new DockerCredentials({ env: cliEnv, log: { warn: (line) => logLines.push(line) } });
  const events: LoginsOverview[] = [];
  const logins = new LoginService({
    credentials,
    docker: () => docker,
    publish: (overview) => events.push(overview),
    watch: { pollMs: 250 },
  });
  await logins.start();
  running.push(logins);
  const transfers = new TransferService(docker, new EventBus(), credentials);
  return { configDir, configPath, cliEnv, credentials, logins, transfers, events, logLines };
}

/** A fresh name on the test registry for the test image. */
async function taggedForRegistry(label: string): Promise<string> {
  const target = `${registry.host}/${uniqueRepository(label)}`;
  await docker.getImage(image.reference).tag({ repo: target, tag: '1' });
  cleanupImages.push(`${target}:1`);
  return `${target}:1`;
}

const cliLogin = (m: Machine) =>
  runDocker(['login', registry.host, '-u', USER, '--password-stdin'], m.cliEnv, `${PASSWORD}\n`);
const cliPush = (m: Machine, reference: string) => runDocker(['push', reference], m.cliEnv);
const berthLogin = async (m: Machine) =>
  createLoginsHandlers({ logins: m.logins })['logins.login'](
    { registry: registry.host, username: USER, password: PASSWORD },
    context,
  );
const berthLogout = async (m: Machine) =>
  createLoginsHandlers({ logins: m.logins })['logins.logout']({ registry: registry.host }, context);
const berthPush = async (m: Machine, reference: string) =>
  m.transfers.waitFor(m.transfers.push(reference).id);
const listed = async (m: Machine) =>
  (await m.credentials.list()).logins.find((login) => login.registry === registry.host);

async function expectCliLoggedOut(m: Machine, reference: string): Promise<void> {
  const push = await cliPush(m, reference);
  expect(push.code).not.toBe(0);
  expect(push.stderr + push.stdout).toMatch(
    /no basic auth credentials|unauthorized|authentication required/i,
  );
}

describe('config.json without a credential helper', () => {
  it('docker login in the CLI → Berth lists the login and its push succeeds', async () => {
    const m = await machine({ withPass: false });
    const login = await cliLogin(m);
    expect(login.code, login.stderr).toBe(0);
    expect(await listed(m)).toEqual({
      registry: registry.host,
      key: registry.host,
      username: USER,
      identityToken: false,
      storage: { kind: 'file', path: m.configPath },
    });
    const pushed = await berthPush(m, await taggedForRegistry('cli-login'));
    expect(pushed.error).toBeUndefined();
    expect(pushed.state).toBe('succeeded');
  });

  it('a docker login in a terminal reaches the app as logins.changed within two seconds', async () => {
    const m = await machine({ withPass: false });
    const started = Date.now();
    expect((await cliLogin(m)).code).toBe(0);
    await waitFor(
      () => m.events.some((event) => event.logins.some((l) => l.registry === registry.host)),
      2000,
    );
    expect(Date.now() - started).toBeLessThan(4000);
    expect((await runDocker(['logout', registry.host], m.cliEnv)).code).toBe(0);
    await waitFor(() => m.events.at(-1)?.logins.length === 0, 2000);
  });

  it('login in Berth → docker push from the CLI works with no prompt; logout in Berth → the CLI is logged out', async () => {
    const m = await machine({ withPass: false });
    const reference = await taggedForRegistry('berth-login');
    await expect(berthLogin(m)).resolves.toEqual({
      registry: registry.host,
      username: USER,
      storage: { kind: 'file', path: m.configPath },
    });
    expect(JSON.parse(await readFile(m.configPath, 'utf8'))).toEqual({
      auths: { [registry.host]: { auth: encodeAuth(USER, PASSWORD) } },
    });
    expect((await stat(m.configPath)).mode & 0o777).toBe(0o600);
    const push = await cliPush(m, reference);
    expect(push.code, push.stderr).toBe(0);

    await expect(berthLogout(m)).resolves.toEqual({ registry: registry.host, remainsFromEnvironment: false });
    expect(JSON.parse(await readFile(m.configPath, 'utf8'))).toEqual({ auths: {} });
    await expectCliLoggedOut(m, reference);
  });

  it('a wrong password is refused by the registry and nothing is stored', async () => {
    const m = await machine({ withPass: false });
    const failure = await Promise.resolve(
      createLoginsHandlers({ logins: m.logins })['logins.login'](
        { registry: registry.host, username: USER, password: 'wrong-password' },
        context,
      ),
    ).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AppError);
    expect((failure as AppError).code).toBe('UNAUTHORIZED');
    expect(JSON.stringify((failure as AppError).toData())).not.toContain('wrong-password');
    await expect(readFile(m.configPath, 'utf8')).rejects.toThrow(/ENOENT/);
  });

  it('keeps unknown keys and other registries’ entries byte for byte, and the file’s mode', async () => {
    const original = [
      '{',
      '\t"auths": {',
      `\t\t"ghcr.io": {\n\t\t\t"auth": "${encodeAuth('octo', 'other-token')}"\n\t\t},`,
      `\t\t"https://index.docker.io/v1/": {\n\t\t\t"auth": "${encodeAuth('hubber', 'hub-token')}"\n\t\t}`,
      '\t},',
      '\t"psFormat": "table {{.ID}}\\t{{.Names}}",',
      '\t"currentContext": "default",',
      '\t"aFutureSetting": {"nested": [1, 2, 3], "kept": true}',
      '}',
      '',
    ].join('\n');
    const m = await machine({ withPass: false, config: original });
    await chmod(m.configPath, 0o640);
    await berthLogin(m);
    const after = await readFile(m.configPath, 'utf8');
    const entry = `,\n\t\t"${registry.host}": {\n\t\t\t"auth": "${encodeAuth(USER, PASSWORD)}"\n\t\t}`;
    const insertAt = original.indexOf('\n\t},');
    expect(after).toBe(original.slice(0, insertAt) + entry + original.slice(insertAt));
    expect((await stat(m.configPath)).mode & 0o777).toBe(0o640);
    // The CLI still reads it, and uses the new login.
    const push = await cliPush(m, await taggedForRegistry('preserved'));
    expect(push.code, push.stderr).toBe(0);

    await berthLogout(m);
    expect(await readFile(m.configPath, 'utf8')).toBe(original);
    expect((await stat(m.configPath)).mode & 0o777).toBe(0o640);
  });

  it('a malformed config.json is left untouched, with a clear message', async () => {
    const broken = `{\n\t"auths": {\n\t\t"ghcr.io": {"auth": "${encodeAuth('octo', 'tok')}"},\n\t}\n`;
    const m = await machine({ withPass: false, config: broken });
    const failure = (await berthLogin(m).catch((error: unknown) => error)) as AppError;
    expect(failure.code).toBe('DOCKER_CONFIG_INVALID');
    expect(failure.message).toContain(m.configPath);
    expect(failure.message).toMatch(/line \d+, column \d+/);
    expect(failure.hint).toMatch(/leaves it as it is/);
    expect((await m.credentials.list()).problems.map((problem) => problem.code)).toEqual([
      'DOCKER_CONFIG_INVALID',
    ]);
    expect(await readFile(m.configPath, 'utf8')).toBe(broken);
  });
});

describe('DOCKER_AUTH_CONFIG', () => {
  it('is used by Berth as by the CLI, shown as read-only, and survives a logout in Berth', async () => {
    const environment = {
      DOCKER_AUTH_CONFIG: JSON.stringify({
        auths: { [registry.host]: { auth: encodeAuth(USER, PASSWORD) } },
      }),
    };
    const m = await machine({ withPass: false, environment });
    const reference = await taggedForRegistry('env-config');
    // The CLI reads DOCKER_AUTH_CONFIG for pushes from 28.3 on; an older one is not asked to.
    const version = (await runDocker(['version', '--format', '{{.Client.Version}}'], m.cliEnv)).stdout.trim();
    const [major = 0, minor = 0] = version.split('.').map(Number);
    if (major > 28 || (major === 28 && minor >= 3)) {
      const cli = await cliPush(m, reference);
      expect(cli.code, cli.stderr).toBe(0);
    } else {
      console.log(
        `credentials-cli: docker CLI ${version} predates DOCKER_AUTH_CONFIG for pushes (28.3): only Berth's side is checked`,
      );
    }
    const overview = await m.credentials.list();
    expect(overview.environmentConfig).toBe(true);
    expect(await listed(m)).toMatchObject({ username: USER, storage: { kind: 'environment' } });
    const pushed = await berthPush(m, reference);
    expect(pushed.state).toBe('succeeded');
    await expect(berthLogout(m)).resolves.toEqual({ registry: registry.host, remainsFromEnvironment: true });
    expect((await berthPush(m, reference)).state).toBe('succeeded');
    await expect(readFile(m.configPath, 'utf8')).rejects.toThrow(/ENOENT/);
  });
});

describe('a real credential helper: docker-credential-pass', () => {
  for (const setup of [
    { name: 'credsStore', config: () => JSON.stringify({ credsStore: 'pass' }) },
    {
      name: 'credHelpers for the registry',
      config: () => JSON.stringify({ credHelpers: { [registry.host]: 'pass' } }),
    },
  ]) {
    describe(`named by ${setup.name}`, () => {
      it('docker login in the CLI → Berth lists it as kept by pass, and its push succeeds', async () => {
        const m = await machine({ withPass: true, config: setup.config() });
        const login = await cliLogin(m);
        expect(login.code, login.stderr).toBe(0);
        expect(await readFile(m.configPath, 'utf8')).not.toContain(encodeAuth(USER, PASSWORD));
        expect(await listed(m)).toMatchObject({
          username: USER,
          storage: { kind: 'helper', helper: 'pass' },
        });
        const pushed = await berthPush(m, await taggedForRegistry('pass-cli'));
        expect(pushed.error).toBeUndefined();
        expect(pushed.state).toBe('succeeded');

        await berthLogout(m);
        expect(await listed(m)).toBeUndefined();
        await expectCliLoggedOut(m, await taggedForRegistry('pass-cli-out'));
      });

      it('login in Berth → pass holds it, config.json an empty entry, and docker push works; logout → gone from both', async () => {
        const m = await machine({ withPass: true, config: setup.config() });
        await expect(berthLogin(m)).resolves.toMatchObject({ storage: { kind: 'helper', helper: 'pass' } });
        const text = await readFile(m.configPath, 'utf8');
        expect(text).not.toContain(PASSWORD);
        expect((JSON.parse(text) as { auths: unknown }).auths).toEqual({ [registry.host]: {} });
        const list = spawnSync('docker-credential-pass', ['list'], { env: m.cliEnv, encoding: 'utf8' });
        expect(JSON.parse(list.stdout)).toEqual({ [registry.host]: USER });
        const reference = await taggedForRegistry('pass-berth');
        const push = await cliPush(m, reference);
        expect(push.code, push.stderr).toBe(0);

        await berthLogout(m);
        const after = spawnSync('docker-credential-pass', ['list'], { env: m.cliEnv, encoding: 'utf8' });
        expect(JSON.parse(after.stdout)).toEqual({});
        await expectCliLoggedOut(m, reference);
      });
    });
  }

  it('a config naming a helper that is not installed: a clear problem; a registry with its own helper still works', async () => {
    const m = await machine({
      withPass: true,
      config: JSON.stringify({ credsStore: 'desktop', credHelpers: { [registry.host]: 'pass' } }),
    });
    const overview = await m.credentials.list();
    expect(overview.problems).toEqual([
      expect.objectContaining({
        code: 'CREDENTIAL_HELPER_MISSING',
        message: expect.stringContaining('docker-credential-desktop') as string,
        hint: expect.stringContaining(`"credsStore" in ${m.configPath}`) as string,
      }),
    ]);
    await berthLogin(m);
    const pushed = await berthPush(m, await taggedForRegistry('missing-helper'));
    expect(pushed.state).toBe('succeeded');
    // Another registry's login would go to the missing helper: refused with the same clear error.
    const stored = await m.credentials
      .store('other.invalid', { username: USER, password: PASSWORD })
      .catch((error: unknown) => error as AppError);
    expect((stored as AppError).code).toBe('CREDENTIAL_HELPER_MISSING');
  });

  it('never lets the password out: not in events, answers, log lines or the services printed', async () => {
    const m = await machine({ withPass: true, config: JSON.stringify({ credsStore: 'pass' }) });
    const answers = [await berthLogin(m), await m.credentials.list(), await berthLogout(m)];
    const { inspect } = await import('node:util');
    for (const text of [
      JSON.stringify(answers),
      JSON.stringify(m.events),
      m.logLines.join('\n'),
      inspect(m.credentials, { depth: 5 }),
      inspect(m.logins, { depth: 5 }),
      await readFile(m.configPath, 'utf8'),
    ])
      expect(text).not.toContain(PASSWORD);
  });
});

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
