/**
 * `transfers.copy` through the router and the transfer service, as the app runs it: a copy from
 * Berth's registry into Debian's docker-registry shows in the transfers list with a row per blob,
 * bytes moving, an overall bar, the skopeo command with the same outcome (which is run here, and gives
 * the same digest), and can be cancelled; bad input is refused by the contract before any work.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransferSnapshot } from '../../electron/api/contract/transfers';
import { EventBus } from '../../electron/api/event-bus';
import { createRouter } from '../../electron/api/router';
import { createTransfersHandlers } from '../../electron/docker/transfers-handlers';
import { TransferService } from '../../electron/docker/transfers';
import { RegistryCopier } from '../../electron/remote/copy/registry-copier';
import { copyClient, skopeoRaw } from '../helpers/copy-setup';
import { buildImage, dockerOk, runOk } from '../helpers/registry-clients';
import { startRegistry, type RunningRegistry } from '../helpers/registry-process';
import { startTestRegistry, type TestRegistry } from '../helpers/test-images';
import type { Handlers } from '../../electron/api/router';

let berth: RunningRegistry;
let target: TestRegistry;
let service: TransferService;
let router: ReturnType<typeof createRouter>;
const events: TransferSnapshot[] = [];
const images: string[] = [];

async function pushToBerth(repository: string, layerSizes: number[]): Promise<string> {
  const built = await buildImage('copy-task', layerSizes);
  const name = `${berth.address}/${repository}:1`;
  await dockerOk(['tag', built.reference, name]);
  await dockerOk(['push', '-q', name]);
  images.push(built.reference, name);
  return name;
}

async function call(command: string, input: unknown): Promise<unknown> {
  const text = JSON.stringify({ id: 1, command, input });
  const answer = (await router.handle(JSON.parse(text), text.length, { clientId: 'test' })) as {
    result?: unknown;
    error?: { code: string; message: string };
  };
  if (answer.error) throw Object.assign(new Error(answer.error.message), { code: answer.error.code });
  return answer.result;
}

beforeAll(async () => {
  berth = await startRegistry();
  target = await startTestRegistry();
  const bus = new EventBus();
  bus.subscribe((event, payload) => {
    if (event === 'transfers.progress') events.push(payload as TransferSnapshot);
  });
  service = new TransferService(
    () => {
      throw new Error('a copy never asks Docker');
    },
    bus,
    { authFor: () => undefined },
    { copier: new RegistryCopier(copyClient(undefined)), emitIntervalMs: 20 },
  );
  router = createRouter(createTransfersHandlers({ transfers: service }) as unknown as Handlers);
}, 120_000);

afterAll(async () => {
  for (const image of images) await dockerOk(['rmi', '-f', image]).catch(() => undefined);
  await target?.stop();
  await berth?.stop();
});

describe('transfers.copy', () => {
  it('shows a copy in the transfers list: a row per blob, bytes, overall, the skopeo command that does the same', async () => {
    const name = await pushToBerth('team/listed', [3_000_000, 5_000_000]);
    const { id } = (await call('transfers.copy', {
      source: { host: berth.address, repository: 'team/listed', reference: '1' },
      target: { host: target.host, repository: 'mirror/listed', tag: 'v1' },
    })) as { id: string };
    const done = await service.waitFor(id);
    expect(done).toMatchObject({
      kind: 'copy',
      state: 'succeeded',
      source: `${berth.address}/team/listed:1`,
      reference: `${target.host}/mirror/listed:v1`,
      overall: 1,
      route: {
        path: 'registry-to-registry',
        blobs: { copied: 4, mounted: 0, existing: 0 },
        digestChanged: false,
        command: `skopeo copy --all --src-tls-verify=false --dest-tls-verify=false docker://${berth.address}/team/listed:1 docker://${target.host}/mirror/listed:v1`,
      },
    });
    const sourceDigest = (await skopeoRaw(name)).digest;
    expect(done.digest).toBe(sourceDigest);
    expect(done.rows).toHaveLength(4);
    expect(done.rows.every((row) => row.done && row.status === 'Copied')).toBe(true);
    expect(done.bytesTotal).toBeGreaterThan(8_000_000);
    // While it ran, the panel saw blobs partly copied (bytes, not only Waiting → Copied).
    const mine = events.filter((event) => event.id === id);
    expect(
      mine.some((event) =>
        event.rows.some((row) => row.status === 'Copying' && row.current > 0 && row.current < row.total),
      ),
    ).toBe(true);
    // Every blob to move is sized before the first byte moves: the total never grows, and time left can
    // be told from the start (not only once the last blob has started).
    const firstWithRows = mine.find((event) => event.rows.length > 0);
    expect(firstWithRows?.bytesTotal).toBe(done.bytesTotal);
    expect(firstWithRows?.sizesPending).toBe(false);
    expect(await call('transfers.list', {})).toEqual(
      expect.arrayContaining([expect.objectContaining({ id, state: 'succeeded' })]),
    );
    expect((await skopeoRaw(`${target.host}/mirror/listed:v1`)).digest).toBe(sourceDigest);

    // The command on the card does the same thing.
    const command = done.route!.command.replace('mirror/listed:v1', 'mirror/by-skopeo:v1').split(' ');
    await runOk(command[0]!, command.slice(1));
    expect((await skopeoRaw(`${target.host}/mirror/by-skopeo:v1`)).digest).toBe(sourceDigest);
  });

  it('cancels a running copy: the card says Cancelled and the target has no tag', async () => {
    await pushToBerth('team/cancelled', [40 * 1024 * 1024]);
    const { id } = (await call('transfers.copy', {
      source: { host: berth.address, repository: 'team/cancelled', reference: '1' },
      target: { host: target.host, repository: 'mirror/cancelled', tag: '1' },
    })) as { id: string };
    // Cancel once bytes move.
    for (;;) {
      const now = service.get(id);
      if (now?.rows.some((row) => row.status === 'Copying' && row.current > 0)) break;
      if (now && now.state !== 'running' && now.state !== 'queued')
        throw new Error(`ended early: ${now.state}`);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await call('transfers.cancel', { id })).toEqual({ cancelled: true });
    const done = await service.waitFor(id);
    expect(done.state).toBe('cancelled');
    expect(done.rows.some((row) => row.status === 'Cancelled')).toBe(true);
    const head = await fetch(`http://${target.host}/v2/mirror/cancelled/manifests/1`, { method: 'HEAD' });
    expect(head.status).toBe(404);
  });

  it('refuses bad input before any work: a bad tag, an unknown platform form, the same image as target', async () => {
    const source = { host: berth.address, repository: 'team/listed', reference: '1' };
    await expect(
      call('transfers.copy', {
        source,
        target: { host: target.host, repository: 'mirror/x', tag: 'bad tag' },
      }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(
      call('transfers.copy', {
        source,
        target: { host: target.host, repository: 'mirror/x', tag: '1' },
        platforms: ['linux amd64'],
      }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(
      call('transfers.copy', {
        source,
        target: { host: berth.address, repository: 'team/listed', tag: '1' },
      }),
    ).rejects.toMatchObject({ code: 'NAME_INVALID' });
  });
});
