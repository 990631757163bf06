// Docker goes away mid-push: the transfer fails with DOCKER_STOPPED and its rows say "Docker stopped".
// The shared test daemon must keep running, so this test starts a private dockerd of its own
// (scripts/dockerd-private.sh) and stops that one half-way through a push.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Docker from 'dockerode';
import { EventBus } from '../../electron/api/event-bus';
import type { TransferSnapshot } from '../../electron/api/contract/transfers';
import { MemoryRegistryAuth } from '../../electron/docker/registry-auth';
import { TransferService } from '../../electron/docker/transfers';
import { MiB, buildTestImage, startTestRegistry, type TestRegistry } from '../helpers/test-images';

const run = promisify(execFile);
const script = join(__dirname, '../../scripts/dockerd-private.sh');
const canRunDockerd =
  process.getuid?.() === 0 &&
  existsSync(script) &&
  ['/usr/sbin/dockerd', '/usr/bin/dockerd'].some(existsSync);
if (!canRunDockerd)
  console.log(
    'transfers-docker-stopped: skipped: needs root and dockerd to start a private daemon it may stop',
  );

describe.skipIf(!canRunDockerd)('Docker stops mid-transfer', () => {
  let folder = '';
  let docker: Docker;
  let registry: TestRegistry;

  beforeAll(async () => {
    // A short path: unix socket paths are limited to ~100 characters.
    folder = await mkdtemp(join(tmpdir(), 'bd-'));
    const { stdout } = await run('bash', [script, 'start', folder], { timeout: 60_000 });
    docker = new Docker({ socketPath: stdout.trim().replace(/^unix:\/\//, '') });
    registry = await startTestRegistry();
  });

  afterAll(async () => {
    await run('bash', [script, 'stop', folder]).catch(() => undefined);
    await registry?.stop();
    // The private daemon's data (vfs layers) goes with it.
    await rm(folder, { recursive: true, force: true });
  });

  it('fails with DOCKER_STOPPED, marks unfinished rows "Docker stopped", and asks for a re-check', async () => {
    const image = await buildTestImage(docker, 'stopped', [160 * MiB]);
    const target = `${registry.host}/berth-test/stopped`;
    await docker.getImage(image.reference).tag({ repo: target, tag: '1' });

    let goneReported = 0;
    const bus = new EventBus();
    let id = '';
    const midway = new Promise<void>((resolve) => {
      bus.subscribe((_name, payload) => {
        const snapshot = payload as TransferSnapshot;
        if (
          snapshot.id === id &&
          snapshot.rows.some((row) => row.status === 'Pushing' && row.current > 4 * MiB)
        )
          resolve();
      });
    });
    const service = new TransferService(docker, bus, new MemoryRegistryAuth(), {
      onDockerGone: () => (goneReported += 1),
    });
    id = service.push(`${target}:1`).id;
    await midway;
    await run('bash', [script, 'stop', folder], { timeout: 60_000 });

    const final = await service.waitFor(id);
    expect(final.state).toBe('failed');
    expect(final.error?.code).toBe('DOCKER_STOPPED');
    expect(final.error?.message).toBe('Docker stopped while this was running.');
    expect(final.rows.filter((row) => !row.done).map((row) => row.status)).toContain('Docker stopped');
    expect(goneReported).toBe(1);
  });
});
