// Docker goes away in the middle of a fast local push's export (read by the registry, or by Berth): the push fails with DOCKER_STOPPED
// (Docker's own words kept), leaves no tag and no half blob in Berth's registry. The shared test
// daemon must keep running, so this starts a private dockerd and kills that one (SIGKILL: a crash;
// a graceful stop lets dockerd finish the export it is serving, so the push would simply succeed).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Docker from 'dockerode';
import { EventBus } from '../../electron/api/event-bus';
import { MemoryRegistryAuth } from '../../electron/docker/registry-auth';
import { TransferService } from '../../electron/docker/transfers';
import { storageLeftovers, tagsOf, waitUntil } from '../helpers/fast-push-setup';
import { startRegistry, type RunningRegistry } from '../helpers/registry-process';
import { MiB, buildTestImage } from '../helpers/test-images';

const run = promisify(execFile);
const script = join(__dirname, '../../scripts/dockerd-private.sh');
const canRunDockerd =
  process.getuid?.() === 0 &&
  existsSync(script) &&
  ['/usr/sbin/dockerd', '/usr/bin/dockerd'].some(existsSync);
if (!canRunDockerd)
  console.log(
    'fast-push-docker-stopped: skipped: needs root and dockerd to start a private daemon it may stop',
  );

// Both ways of reading the export: the registry reads it off Docker's socket (the app's way), or
// Berth's host reads it and streams each layer to the registry (gzip layers, a daemon on TCP).
describe.skipIf(!canRunDockerd).each([
  { path: 'the registry reads the export', direct: true },
  { path: 'Berth reads the export', direct: false },
])('Docker stops mid-export during a fast local push ($path)', ({ direct }) => {
  let folder = '';
  let docker: Docker;
  let registry: RunningRegistry;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'bd-'));
    const { stdout } = await run('bash', [script, 'start', folder], { timeout: 60_000 });
    docker = new Docker({ socketPath: stdout.trim().replace(/^unix:\/\//, '') });
    registry = await startRegistry();
  });

  afterAll(async () => {
    await run('bash', [script, 'stop', folder]).catch(() => undefined);
    // The containerd that the killed dockerd had started outlives it; it is this test's to stop.
    const containerd = await readFile(join(folder, 'exec', 'containerd', 'containerd.pid'), 'utf8').catch(
      () => '',
    );
    if (/^\d+$/.test(containerd.trim())) {
      try {
        process.kill(Number(containerd.trim()), 'SIGTERM');
      } catch {
        // Already gone.
      }
    }
    await registry?.stop();
    // A killed dockerd leaves its data-root mounted (a graceful stop unmounts it): unmount, deepest first.
    const mounts = (await readFile('/proc/mounts', 'utf8'))
      .split('\n')
      .map((line) => line.split(' ')[1] ?? '')
      .filter((point) => folder !== '' && point.startsWith(`${folder}/`))
      .sort((a, b) => b.length - a.length);
    for (const point of mounts) await run('umount', ['-l', point]).catch(() => undefined);
    await rm(folder, { recursive: true, force: true });
  });

  it('fails with DOCKER_STOPPED and a clear message, with no tag and no half blob left', async () => {
    const image = await buildTestImage(docker, 'fast-stopped', [160 * MiB]);
    const target = `${registry.address}/fast/stopped`;
    await docker.getImage(image.reference).tag({ repo: target, tag: '1' });

    let goneReported = 0;
    const service = new TransferService(docker, new EventBus(), new MemoryRegistryAuth(), {
      emitIntervalMs: 20,
      onDockerGone: () => (goneReported += 1),
      localRegistry: {
        url: () => registry.url,
        dockerExportToken: () => (direct ? registry.dockerExportToken : undefined),
        settings: () => ({ throughDocker: false, layerCompression: 'none' }),
      },
    });
    const { id } = service.push(`${target}:1`);
    await waitUntil(
      () =>
        service
          .get(id)
          ?.rows.some((row) => row.status === 'Writing' && row.current > 8 * MiB && row.total > 128 * MiB) ??
        false,
      60_000,
      'the big layer to stream',
    );
    process.kill(Number((await readFile(join(folder, 'dockerd.pid'), 'utf8')).trim()), 'SIGKILL');

    const final = await service.waitFor(id);
    expect(final.route?.path).toBe('fast-local');
    expect(final.state).toBe('failed');
    expect(final.error, JSON.stringify(final.error)).toMatchObject({ code: 'DOCKER_STOPPED' });
    expect(final.error?.message).toBe('Docker stopped while this was running.');
    expect(final.error?.raw).toMatch(/export/i);
    expect(final.rows.filter((row) => !row.done).map((row) => row.status)).toContain('Docker stopped');
    expect(goneReported).toBe(1);
    expect(await tagsOf(registry.url, 'fast/stopped')).toEqual([]);
    await waitUntil(
      async () => (await storageLeftovers(registry.dataDir)).uploads.length === 0,
      10_000,
      'no upload session',
    );
    expect((await storageLeftovers(registry.dataDir)).badBlobs).toEqual([]);
  });
});
