/**
 * With the containerd image store, saving an insecure host also writes its hosts.toml, and removing the
 * entry removes it. The daemon here uses the classic store, so the service is given a recorded `/info`
 * answer from a Docker Engine 29 daemon (containerd snapshotter) and a temp certs.d.
 */
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Elevator } from '../../electron/daemon-config/elevator';
import { hostsTomlText } from '../../electron/daemon-config/hosts-toml';
import { DaemonConfigService } from '../../electron/daemon-config/service';

/** The parts of a real Docker 29 `/info` that matter here. */
const engine29Info = {
  OperatingSystem: 'Ubuntu 24.04.1 LTS',
  OSType: 'linux',
  Driver: 'overlayfs',
  DriverStatus: [['driver-type', 'io.containerd.snapshotter.v1']],
  SecurityOptions: ['name=apparmor', 'name=seccomp,profile=builtin', 'name=cgroupns'],
};

describe('containerd image store: hosts.toml follows insecure-registries', () => {
  let folder: string;
  let service: DaemonConfigService;
  const elevator: Elevator = { copyIntoPlace: () => Promise.reject(new Error('not expected')) };

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'berth-containerd-'));
    await writeFile(join(folder, 'daemon.json'), '{\n  "features": {"containerd-snapshotter": true}\n}\n');
    service = new DaemonConfigService({
      docker: { info: () => Promise.resolve(engine29Info) },
      settings: { daemonConfigPath: () => join(folder, 'daemon.json') },
      elevator,
      environment: { platform: 'linux', env: {}, homeDir: folder, uid: process.getuid?.(), proc: undefined },
      certsDir: join(folder, 'certs.d'),
    });
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('reports the store and writes hosts.toml for hosts (not CIDRs, not on removal of others)', async () => {
    const snapshot = await service.read();
    expect(snapshot.imageStore).toBe('containerd');
    const written = await service.update({
      addInsecureRegistries: ['192.168.1.20:5000', '10.0.0.0/8'],
      removeInsecureRegistries: [],
      addRegistryMirrors: [],
      removeRegistryMirrors: [],
      baseVersion: snapshot.version,
    });
    expect(written.hostsToml).toEqual({ written: ['192.168.1.20:5000'], removed: [], problems: [] });
    expect(await readFile(join(folder, 'certs.d', '192.168.1.20:5000', 'hosts.toml'), 'utf8')).toBe(
      hostsTomlText('192.168.1.20:5000'),
    );

    const again = await service.read();
    const removed = await service.update({
      addInsecureRegistries: [],
      removeInsecureRegistries: ['192.168.1.20:5000'],
      addRegistryMirrors: [],
      removeRegistryMirrors: [],
      baseVersion: again.version,
    });
    expect(removed.hostsToml).toEqual({ written: [], removed: ['192.168.1.20:5000'], problems: [] });
    expect(await readdir(join(folder, 'certs.d'))).toEqual([]);
  });
});
