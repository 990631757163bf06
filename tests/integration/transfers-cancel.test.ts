// Cancelling a large push mid-way: the row says "Cancelled" and the daemon's upload really stops.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Docker from 'dockerode';
import { EventBus } from '../../electron/api/event-bus';
import type { TransferSnapshot } from '../../electron/api/contract/transfers';
import { MemoryRegistryAuth } from '../../electron/docker/registry-auth';
import { TransferService } from '../../electron/docker/transfers';
import {
  MiB,
  buildTestImage,
  dockerFromEnvironment,
  removeImages,
  startTestRegistry,
  uniqueRepository,
  type TestImage,
  type TestRegistry,
} from '../helpers/test-images';

let docker: Docker;
let registry: TestRegistry;
let image: TestImage;
const cleanup: string[] = [];

beforeAll(async () => {
  docker = dockerFromEnvironment();
  registry = await startTestRegistry();
  image = await buildTestImage(docker, 'cancel', [200 * MiB]);
  cleanup.push(image.reference);
});

afterAll(async () => {
  await removeImages(docker, cleanup);
  await registry.stop();
});

describe('cancel', () => {
  it('aborts a 200 MiB push mid-way: state cancelled, rows "Cancelled", the registry sees the upload cut off', async () => {
    const target = `${registry.host}/${uniqueRepository('cancel')}`;
    await docker.getImage(image.reference).tag({ repo: target, tag: '1' });
    cleanup.push(`${target}:1`);

    const bus = new EventBus();
    const seen: { at: number; snapshot: TransferSnapshot }[] = [];
    let id = '';
    const midway = new Promise<TransferSnapshot>((resolve) => {
      bus.subscribe((name, payload) => {
        if (name !== 'transfers.progress') return;
        const snapshot = payload as TransferSnapshot;
        seen.push({ at: performance.now(), snapshot });
        const big = snapshot.rows.find((row) => row.total >= 200 * MiB);
        // Mid-way: some of the big layer is out, most of it not.
        if (snapshot.id === id && big && big.current > 8 * MiB && big.current < 150 * MiB) resolve(snapshot);
      });
    });
    const service = new TransferService(docker, bus, new MemoryRegistryAuth());
    id = service.push(`${target}:1`).id;

    const atCancel = await midway;
    expect(atCancel.state).toBe('running');
    expect(atCancel.overall).toBeGreaterThan(0);
    expect(atCancel.overall).toBeLessThan(1);
    expect(atCancel.cancelRequested).toBe(false);
    const eventsBefore = seen.length;
    expect(service.cancel(id)).toBe(true);
    // Every window hears of the press at once (the snapshot carries it), before the daemon lets go.
    expect(seen.slice(eventsBefore)[0]?.snapshot).toMatchObject({
      id,
      state: 'running',
      cancelRequested: true,
    });
    expect(service.get(id)?.cancelRequested).toBe(true);
    const final = await service.waitFor(id);
    expect(final.cancelRequested).toBe(true);

    expect(final.state).toBe('cancelled');
    expect(final.error?.code).toBe('CANCELLED');
    expect(final.digest).toBeUndefined();
    const big = final.rows.find((row) => row.total >= 200 * MiB || row.status === 'Cancelled');
    expect(big?.status).toBe('Cancelled');
    expect(final.rows.filter((row) => !row.done).every((row) => row.status === 'Cancelled')).toBe(true);
    expect(service.cancel(id)).toBe(false);

    // The daemon really stopped uploading: docker-registry logs its client (dockerd) going away mid-blob,
    // e.g. `level=error msg="client disconnected during blob PATCH" copied=11141120 error="unexpected EOF"`.
    expect(await registry.waitForLog(/client disconnected during blob P(ATCH|UT)/, 30_000)).toBe(true);
    // And the registry has no manifest for the tag.
    const manifest = await fetch(
      `http://${target.replace(registry.host, `${registry.host}/v2`)}/manifests/1`,
      { method: 'HEAD' },
    );
    expect(manifest.status).toBe(404);

    // While running, events came at most ~5 a second (150 ms leaves room for timer jitter).
    // (The press itself is told at once, outside that rhythm.)
    const running = seen
      .filter(
        (event) =>
          event.snapshot.id === id && event.snapshot.state === 'running' && !event.snapshot.cancelRequested,
      )
      .slice(1);
    for (let index = 1; index < running.length; index += 1) {
      expect(running[index]!.at - running[index - 1]!.at).toBeGreaterThanOrEqual(150);
    }
  });

  it('cancels before the daemon answered: nothing is left running', async () => {
    const target = `${registry.host}/${uniqueRepository('cancel-early')}`;
    await docker.getImage(image.reference).tag({ repo: target, tag: '1' });
    cleanup.push(`${target}:1`);
    const service = new TransferService(docker, new EventBus(), new MemoryRegistryAuth());
    const { id } = service.push(`${target}:1`);
    expect(service.cancel(id)).toBe(true);
    const final = await service.waitFor(id);
    expect(final.state).toBe('cancelled');
  });
});
