// Logins against a docker-registry with htpasswd (bcrypt) auth, checked through the daemon's /auth and
// kept in a temp DOCKER_CONFIG (the docker CLI's side of it: credentials-cli.test.ts).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Docker from 'dockerode';
import { EventBus } from '../../electron/api/event-bus';
import { AppError } from '../../electron/api/app-error';
import { DockerCredentials } from '../../electron/credentials/docker-credentials';
import { createLoginsHandlers } from '../../electron/credentials/handlers';
import { LoginService } from '../../electron/credentials/logins';
import { TransferService } from '../../electron/docker/transfers';
import {
  MiB,
  bcryptHtpasswdLine,
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
const htpasswd = bcryptHtpasswdLine(USER, PASSWORD);
if (!htpasswd) {
  console.log(
    'transfers-login: skipped: no bcrypt available (python3 crypt with METHOD_BLOWFISH) to write an htpasswd file',
  );
}

let docker: Docker;
let registry: TestRegistry;
let image: TestImage;
let reference = '';
const published: string[] = [];
const cleanup: string[] = [];

describe.skipIf(!htpasswd)('logins.login against a registry with htpasswd auth', () => {
  let service: TransferService;
  let auth: DockerCredentials;
  let logins: LoginService;
  let configDir = '';
  const login = async (password: string) =>
    createLoginsHandlers({ logins: logins })['logins.login'](
      { registry: registry.host, username: USER, password },
      { clientId: 't' },
    );

  beforeAll(async () => {
    docker = dockerFromEnvironment();
    registry = await startTestRegistry({ htpasswd: htpasswd! });
    image = await buildTestImage(docker, 'login', [1 * MiB]);
    cleanup.push(image.reference);
    const target = `${registry.host}/${uniqueRepository('login')}`;
    await docker.getImage(image.reference).tag({ repo: target, tag: '1' });
    reference = `${target}:1`;
    cleanup.push(reference);
    const bus = new EventBus();
    bus.subscribe((_name, payload) => published.push(JSON.stringify(payload)));
    configDir = await mkdtemp(join(tmpdir(), 'berth-docker-config-'));
    auth = new DockerCredentials({ env: { DOCKER_CONFIG: configDir, PATH: '' } });
    logins = new LoginService({
      credentials: auth,
      docker: () => docker,
      publish: (overview) => published.push(JSON.stringify(overview)),
    });
    service = new TransferService(docker, bus, auth);
  });

  afterAll(async () => {
    await removeImages(docker, cleanup);
    await registry.stop();
    await rm(configDir, { recursive: true, force: true });
  });

  it('a push without a login fails with UNAUTHORIZED and offers to log in', async () => {
    const final = await service.waitFor(service.push(reference).id);
    expect(final.state).toBe('failed');
    expect(final.error?.code).toBe('UNAUTHORIZED');
    expect(final.error?.fix).toEqual({ kind: 'login', registry: registry.host });
  });

  it('wrong credentials answer UNAUTHORIZED, without the password anywhere in the error', async () => {
    const failure = await login('wrong-password').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AppError);
    const error = failure as AppError;
    expect(error.code).toBe('UNAUTHORIZED');
    expect(JSON.stringify(error.toData())).not.toContain('wrong-password');
    expect((await auth.list()).logins).toEqual([]);
  });

  it('right credentials answer ok, and the push then uses them', async () => {
    await expect(login(PASSWORD)).resolves.toEqual({
      registry: registry.host,
      username: USER,
      storage: { kind: 'file', path: join(configDir, 'config.json') },
    });
    const final = await service.waitFor(service.push(reference).id);
    expect(final.state).toBe('succeeded');
    expect(final.digest).toMatch(/^sha256:/);
  });

  it('never lets the password out: not in events, snapshots, or the credential store printed', async () => {
    const { inspect } = await import('node:util');
    expect(published.length).toBeGreaterThan(0);
    for (const text of [
      ...published,
      JSON.stringify(service.list()),
      JSON.stringify(auth),
      inspect(auth, { depth: 5 }),
      inspect(service, { depth: 5 }),
    ]) {
      expect(text).not.toContain(PASSWORD);
    }
  });
});
