/** Against the real dockerd in DOCKER_HOST: the list matches `docker images`, and CLI changes become events. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus } from '../../electron/api/event-bus';
import { DockerConnection } from '../../electron/docker/connection';
import { systemEndpointEnvironment } from '../../electron/docker/endpoint';
import { ImageService } from '../../electron/docker/images';
import { buildTestImage, dockerFromEnvironment, removeImages, type TestImage } from '../helpers/test-images';

const quiet = { info: () => undefined, warn: () => undefined };
let image: TestImage;
let connection: DockerConnection;
const bus = new EventBus();
const events: Array<{ action: string; id?: string; reference?: string }> = [];

beforeAll(async () => {
  if (!process.env.DOCKER_HOST) throw new Error('DOCKER_HOST must point at the test dockerd (see .ci/run).');
  image = await buildTestImage(dockerFromEnvironment(), 'images-list', [32 * 1024]);
  bus.subscribe((name, payload) => {
    if (name === 'images.changed') events.push(payload as (typeof events)[number]);
  });
  connection = new DockerConnection(systemEndpointEnvironment(), bus, quiet);
  await connection.start();
});

afterAll(async () => {
  connection.stop();
  await removeImages(dockerFromEnvironment(), [
    image.reference,
    `${image.repository}:via-cli`,
    `${image.repository}:via-app`,
  ]);
});

function cliImages(): Array<{ id: string; tags: string[] }> {
  const lines = execFileSync(
    'docker',
    ['images', '--no-trunc', '--format', '{{.ID}} {{.Repository}}:{{.Tag}}'],
    { encoding: 'utf8' },
  )
    .trim()
    .split('\n')
    .filter(Boolean);
  const byId = new Map<string, string[]>();
  for (const line of lines) {
    const [id, name] = line.split(' ') as [string, string];
    const tags = byId.get(id) ?? [];
    if (name !== '<none>:<none>') tags.push(name);
    byId.set(id, tags);
  }
  return [...byId].map(([id, tags]) => ({ id, tags: tags.sort() })).sort((a, b) => a.id.localeCompare(b.id));
}

describe('local images', () => {
  it('reports the connected engine', () => {
    const status = connection.status();
    expect(status.state).toBe('connected');
    const version = execFileSync('docker', ['version', '--format', '{{.Server.Version}}'], {
      encoding: 'utf8',
    }).trim();
    expect(status.engine?.version).toBe(version);
  });

  it('lists the same images and tags as `docker images`', async () => {
    const service = new ImageService(() => connection.docker);
    const listed = (await service.list())
      .map((entry) => ({ id: entry.id, tags: [...entry.repoTags].sort() }))
      .sort((a, b) => a.id.localeCompare(b.id));
    expect(listed).toEqual(cliImages());
    expect(listed.some((entry) => entry.tags.includes(image.reference))).toBe(true);
  });

  it('turns `docker tag` in a terminal into an images.changed event', async () => {
    const before = events.length;
    execFileSync('docker', ['tag', image.reference, `${image.repository}:via-cli`]);
    await expect
      .poll(() => events.slice(before).find((event) => event.action === 'tag'), { timeout: 5_000 })
      .toMatchObject({
        action: 'tag',
        reference: `${image.repository}:via-cli`,
      });
  });

  it('tags through the service with a normalised answer, and refuses a bad name with the reason', async () => {
    const service = new ImageService(() => connection.docker);
    await expect(service.tag(image.reference, `docker.io/${image.repository}:via-app`)).resolves.toEqual({
      target: `${image.repository}:via-app`,
    });
    expect(cliImages().some((entry) => entry.tags.includes(`${image.repository}:via-app`))).toBe(true);
    await expect(service.tag(image.reference, 'Berth/Upper:1')).rejects.toMatchObject({
      code: 'NAME_INVALID',
    });
    await expect(service.tag('berth-test/does-not-exist:1', 'berth-test/x:1')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('with no daemon behind the socket, says Docker is not running instead of an internal error', async () => {
    // No socket at all (ENOENT), and a file left where the socket was, as a daemon that crashed
    // leaves one (connecting to it is refused: ECONNREFUSED).
    const dir = mkdtempSync(join(tmpdir(), 'berth-no-docker-'));
    const refusing = join(dir, 'stale.sock');
    writeFileSync(refusing, '');
    try {
      for (const socketPath of [join(dir, 'missing.sock'), refusing]) {
        const service = new ImageService(() => new Docker({ socketPath }));
        await expect(service.list()).rejects.toMatchObject({
          code: 'DOCKER_UNAVAILABLE',
          message: "Docker isn't running, so Berth can't list your images.",
        });
        await expect(service.tag('a:1', 'b:1')).rejects.toMatchObject({ code: 'DOCKER_UNAVAILABLE' });
        await expect(service.remove('a:1', false)).rejects.toMatchObject({ code: 'DOCKER_UNAVAILABLE' });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
