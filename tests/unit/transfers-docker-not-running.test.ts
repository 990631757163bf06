/**
 * A push or pull started while Docker is already down: nothing was running, so the transfer says
 * Docker isn't running (not that it "stopped while this was running"). The daemon is a socket path
 * where nothing listens.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, describe, expect, it } from 'vitest';
import { EventBus } from '../../electron/api/event-bus';
import { MemoryRegistryAuth } from '../../electron/docker/registry-auth';
import { TransferService } from '../../electron/docker/transfers';

const folder = mkdtempSync(join(tmpdir(), 'berth-no-docker-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('a transfer started while Docker is down', () => {
  it("says Docker isn't running, with how to start it, and tells the connection to re-check", async () => {
    let goneReported = 0;
    const docker = new Docker({ socketPath: join(folder, 'docker.sock') });
    const service = new TransferService(docker, new EventBus(), new MemoryRegistryAuth(), {
      onDockerGone: () => (goneReported += 1),
    });
    for (const start of [() => service.push('localhost:5000/app:1'), () => service.pull('nginx')]) {
      const { id } = start();
      const finished = await service.waitFor(id);
      expect(finished.state).toBe('failed');
      expect(finished.error?.code).toBe('DOCKER_UNAVAILABLE');
      expect(finished.error?.message).toMatch(/^Docker isn't running, so Berth can't (push|pull) /);
      expect(finished.error?.message).not.toContain('stopped while');
      expect(finished.error?.hint).toMatch(/Start Docker/);
    }
    expect(goneReported).toBe(2);
  });
});
