// Push and pull through TransferService against the real dockerd and a real docker-registry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Docker from 'dockerode';
import { EventBus } from '../../electron/api/event-bus';
import { transferSnapshotSchema, type TransferSnapshot } from '../../electron/api/contract/transfers';
import { MemoryRegistryAuth } from '../../electron/docker/registry-auth';
import { TransferService } from '../../electron/docker/transfers';
import { createTransfersHandlers } from '../../electron/docker/transfers-handlers';
import {
  MiB,
  buildTestImage,
  dockerFromEnvironment,
  freePort,
  registryManifestDigest,
  removeImages,
  startTestRegistry,
  uniqueRepository,
  type TestImage,
  type TestRegistry,
} from '../helpers/test-images';

let docker: Docker;
let registry: TestRegistry;
let image: TestImage;
let bus: EventBus;
let events: { at: number; snapshot: TransferSnapshot }[];
let service: TransferService;
const cleanup: string[] = [];

beforeAll(async () => {
  docker = dockerFromEnvironment();
  registry = await startTestRegistry();
  image = await buildTestImage(docker, 'transfers', [6 * MiB, 10 * MiB]);
  cleanup.push(image.reference);
  bus = new EventBus();
  events = [];
  bus.subscribe((name, payload) => {
    if (name === 'transfers.progress')
      events.push({ at: performance.now(), snapshot: payload as TransferSnapshot });
  });
  service = new TransferService(docker, bus, new MemoryRegistryAuth());
});

afterAll(async () => {
  await removeImages(docker, cleanup);
  await registry.stop();
});

async function tagFor(repository: string): Promise<string> {
  const target = `${registry.host}/${repository}`;
  await docker.getImage(image.reference).tag({ repo: target, tag: '1' });
  cleanup.push(`${target}:1`);
  return `${target}:1`;
}

const timedEventsOf = (id: string) => events.filter((event) => event.snapshot.id === id);
const eventsOf = (id: string) => timedEventsOf(id).map((event) => event.snapshot);

describe('TransferService against dockerd and docker-registry', () => {
  let pushedReference = '';
  let pushedDigest = '';

  it('pushes with per-layer rows, a byte-weighted bar reaching 1 and the digest the registry stored', async () => {
    const repository = uniqueRepository('push');
    pushedReference = await tagFor(repository);
    const { id } = service.push(pushedReference);
    expect(service.get(id)?.state).toMatch(/queued|running/);
    const final = await service.waitFor(id);

    expect(final.state).toBe('succeeded');
    expect(final.overall).toBe(1);
    expect(final.rows).toHaveLength(3);
    expect(final.rows.every((row) => row.status === 'Pushed' && row.done)).toBe(true);
    expect(final.bytesTotal).toBeGreaterThanOrEqual(16 * MiB);
    expect(final.bytesDone).toBe(final.bytesTotal);
    expect(final.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(final.finishedAt).toBeGreaterThanOrEqual(final.startedAt);
    pushedDigest = final.digest!;
    expect(await registryManifestDigest(registry.host, repository, '1')).toBe(pushedDigest);

    const mine = eventsOf(id);
    expect(mine.at(-1)).toEqual(final);
    // Rows went through the daemon's real states on the way.
    const statuses = new Set(mine.flatMap((event) => event.rows.map((row) => row.status)));
    expect([...statuses].some((status) => status === 'Pushing' || status === 'Preparing')).toBe(true);
    // The bar never went backwards.
    mine.reduce(
      (previous, event) => (expect(event.overall).toBeGreaterThanOrEqual(previous), event.overall),
      0,
    );
  });

  it('coalesces events to at most ~5 a second, and always sends the final state', async () => {
    // A push long enough to send several progress events: a fresh 64 MiB layer, nothing to mount.
    const big = await buildTestImage(docker, 'coalesce', [64 * MiB]);
    const reference = `${registry.host}/${uniqueRepository('coalesce')}:1`;
    await docker.getImage(big.reference).tag({ repo: reference.slice(0, -2), tag: '1' });
    cleanup.push(big.reference, reference);
    const { id } = service.push(reference);
    const final = await service.waitFor(id);
    expect(final.state).toBe('succeeded');
    const mine = timedEventsOf(id);
    const progressEvents = mine.filter((event) => event.snapshot.state === 'running').slice(1);
    // Else the spacing below would check nothing.
    expect(progressEvents.length).toBeGreaterThanOrEqual(2);
    for (let index = 1; index < progressEvents.length; index += 1) {
      // Timers may fire a little early or late; 150 ms still proves the coalescing.
      expect(progressEvents[index]!.at - progressEvents[index - 1]!.at).toBeGreaterThanOrEqual(150);
    }
    expect(mine.at(-1)?.snapshot).toEqual(final);
    expect(mine.filter((event) => event.snapshot.state === 'succeeded')).toHaveLength(1);
  });

  it('pushes again: "Layer already exists"', async () => {
    const { id } = service.push(pushedReference);
    const final = await service.waitFor(id);
    expect(final.state).toBe('succeeded');
    expect(final.rows.map((row) => row.status)).toEqual([
      'Layer already exists',
      'Layer already exists',
      'Layer already exists',
    ]);
    expect(final.digest).toBe(pushedDigest);
  });

  it('pushes to another repository: "Mounted from"', async () => {
    const reference = await tagFor(uniqueRepository('mounted'));
    const final = await service.waitFor(service.push(reference).id);
    expect(final.state).toBe('succeeded');
    expect(final.rows.every((row) => row.status.startsWith('Mounted from berth-test/'))).toBe(true);
  });

  it('pulls it back after removing it locally: "Pull complete" and the same digest', async () => {
    await removeImages(docker, cleanup.splice(0));
    const { id } = service.pull(pushedReference);
    const final = await service.waitFor(id);
    cleanup.push(pushedReference);
    expect(final.state).toBe('succeeded');
    expect(final.overall).toBe(1);
    expect(final.rows.filter((row) => row.status === 'Pull complete').length).toBeGreaterThanOrEqual(2);
    expect(final.rows.every((row) => row.done)).toBe(true);
    expect(final.digest).toBe(pushedDigest);
    const inspected = await docker.getImage(pushedReference).inspect();
    expect(inspected.RepoDigests).toContain(`${pushedReference.slice(0, -2)}@${pushedDigest}`);
  });

  it('pulls by digest', async () => {
    const byDigest = `${pushedReference.slice(0, -2)}@${pushedDigest}`;
    const final = await service.waitFor(service.pull(byDigest).id);
    expect(final.state).toBe('succeeded');
    expect(final.digest).toBe(pushedDigest);
  });

  it('runs several transfers at once and lists them, newest first, the same after a "remount"', async () => {
    const a = service.pull(pushedReference).id;
    const b = service.push(pushedReference).id;
    const [first, second] = await Promise.all([service.waitFor(a), service.waitFor(b)]);
    expect(first.state).toBe('succeeded');
    expect(second.state).toBe('succeeded');
    const listed = service.list();
    expect(listed[0]!.id).toBe(b);
    expect(listed[1]!.id).toBe(a);
    expect(listed[0]).toEqual(second);
  });

  it('fails with REGISTRY_UNREACHABLE when nothing listens at the registry address', async () => {
    const port = await freePort();
    const target = `127.0.0.1:${port}/${uniqueRepository('unreachable')}`;
    await docker.getImage(pushedReference).tag({ repo: target, tag: '1' });
    cleanup.push(`${target}:1`);
    const final = await service.waitFor(service.push(`${target}:1`).id);
    expect(final.state).toBe('failed');
    expect(final.error?.code).toBe('REGISTRY_UNREACHABLE');
    expect(final.error?.raw).toMatch(/connection refused/);
    expect(final.error?.fix).toEqual({ kind: 'retry' });
  });

  it('fails with MANIFEST_UNKNOWN for a tag the registry does not have', async () => {
    const final = await service.waitFor(service.pull(`${pushedReference.slice(0, -2)}:nope`).id);
    expect(final.state).toBe('failed');
    expect(final.error?.code).toBe('MANIFEST_UNKNOWN');
  });

  it('fails with NOT_FOUND when there is no such local image to push', async () => {
    const final = await service.waitFor(service.push(`${registry.host}/${uniqueRepository('missing')}:1`).id);
    expect(final.state).toBe('failed');
    expect(final.error?.code).toBe('NOT_FOUND');
  });

  it('every event and every listed snapshot matches the contract schema', () => {
    expect(events.length).toBeGreaterThan(10);
    for (const { snapshot } of events)
      expect(transferSnapshotSchema.safeParse(snapshot).error).toBeUndefined();
    for (const snapshot of service.list())
      expect(transferSnapshotSchema.safeParse(snapshot).error).toBeUndefined();
  });

  it('refuses a bad name before starting anything, through the handlers', () => {
    const handlers = createTransfersHandlers({ transfers: service });
    expect(() => handlers['transfers.push']({ reference: 'MyApp' }, { clientId: 't' })).toThrow(
      /uppercase letters are not allowed/,
    );
    expect(handlers['transfers.cancel']({ id: 'no-such-transfer' }, { clientId: 't' })).toEqual({
      cancelled: false,
    });
  });
});
