/**
 * A dockerd started with `--insecure-registry` (as a systemd drop-in may do) refuses daemon.json's
 * `insecure-registries` on reload and at start. Berth must not add that key then: checked against a
 * real private dockerd, including that the conflict is real (its reload fails).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppError } from '../../electron/api/app-error';
import { contentVersion } from '../../electron/daemon-config/read';
import type { DaemonConfigService } from '../../electron/daemon-config/service';
import { startDaemonConfigSetup, type DaemonConfigSetup } from '../helpers/daemon-config-setup';
import type { PrivateDockerd } from '../helpers/private-dockerd';

const ORIGINAL = '{\n  "debug": false\n}\n';

describe('daemon.json next to a dockerd that has --insecure-registry', () => {
  let setup: DaemonConfigSetup;
  let configFile: string;
  let dockerd: PrivateDockerd;
  let service: DaemonConfigService;

  beforeAll(async () => {
    setup = await startDaemonConfigSetup(ORIGINAL, '/tmp/bdf-', ['--insecure-registry=10.7.7.7:5000']);
    ({ configFile, dockerd, service } = setup);
  });

  afterAll(async () => {
    await setup?.stop();
  });

  it('refuses to add insecure-registries, says why, and leaves the file alone', async () => {
    const changes = {
      baseVersion: contentVersion(Buffer.from(ORIGINAL)),
      addInsecureRegistries: ['10.8.8.8:5000'],
      removeInsecureRegistries: [],
      addRegistryMirrors: [],
      removeRegistryMirrors: [],
    };
    // One call at a time: a second promise made up front would reject before it is awaited.
    for (const attempt of [() => service.preview(changes), () => service.update(changes)]) {
      const error = (await attempt().then(
        () => undefined,
        (failure: unknown) => failure,
      )) as AppError | undefined;
      expect(error?.code).toBe('DAEMON_CONFIG_INVALID');
      expect(error?.message).toContain('--insecure-registry (10.7.7.7:5000)');
      expect(error?.hint).toMatch(/systemd unit/);
    }
    expect(await readFile(configFile, 'utf8')).toBe(ORIGINAL);
    // Other settings can still be changed: a mirror is not given as a flag here.
    const mirror = await service.update({
      ...changes,
      addInsecureRegistries: [],
      addRegistryMirrors: ['https://mirror.example.com'],
    });
    expect(mirror.path).toBe(configFile);
  });

  it('is a real conflict: with the key written by hand, dockerd refuses to reload', async () => {
    await writeFile(configFile, '{"insecure-registries": ["10.8.8.8:5000"]}\n');
    process.kill(dockerd.pid, 'SIGHUP');
    let log = '';
    for (
      let attempt = 0;
      attempt < 50 && !log.includes('both as a flag and in the configuration file');
      attempt++
    ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      log = await dockerd.log();
    }
    expect(log).toContain('both as a flag and in the configuration file');
  });
});
