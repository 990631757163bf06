/**
 * Deciding how to apply (SIGHUP or the manual step for each kind of Docker) and reading the daemon's
 * RegistryConfig report. The polling itself runs against a real dockerd in the integration tests.
 */
import { describe, expect, it } from 'vitest';
import type { DaemonConfigLocation, RegistryConfigReport } from '../../electron/api/contract/daemon-config';
import { applyDaemonConfig } from '../../electron/daemon-config/apply';
import { registryConfigReport } from '../../electron/daemon-config/daemon-info';
import { holds, isInsecure } from '../../electron/daemon-config/verify';

const location = (overrides: Partial<DaemonConfigLocation>): DaemonConfigLocation => ({
  path: '/etc/docker/daemon.json',
  reason: 'test',
  source: 'engine',
  canSignal: false,
  ...overrides,
});

describe('applyDaemonConfig', () => {
  it('sends SIGHUP to a dockerd we may signal', () => {
    const sent: [number, string][] = [];
    const result = applyDaemonConfig(location({ canSignal: true, pid: 812 }), 'linux', (pid, signal) =>
      sent.push([pid, signal]),
    );
    expect(sent).toEqual([[812, 'SIGHUP']]);
    expect(result).toMatchObject({ method: 'signal', pid: 812, steps: [] });
  });

  it('falls back to the manual step, saying why, when the signal fails', () => {
    const result = applyDaemonConfig(location({ canSignal: true, pid: 812 }), 'linux', () => {
      throw new Error('kill ESRCH');
    });
    expect(result).toMatchObject({ method: 'manual', command: 'sudo systemctl restart docker' });
    expect(result.message).toContain('could not signal dockerd (pid 812): kill ESRCH');
  });

  it.each([
    [location({}), 'linux', 'sudo systemctl restart docker'],
    [location({ source: 'rootless' }), 'linux', 'systemctl --user restart docker'],
    [location({ source: 'windows-engine' }), 'win32', 'Restart-Service docker'],
    [location({ source: 'desktop' }), 'darwin', undefined],
  ] as const)('%j on %s: manual, with %s', (where, platform, command) => {
    const result = applyDaemonConfig(where, platform, () => {
      throw new Error('must not signal');
    });
    expect(result.method).toBe('manual');
    expect(result.command).toBe(command);
    expect(result.steps.length).toBeGreaterThan(0);
  });

  it('Docker Desktop: restart from its menu', () => {
    expect(applyDaemonConfig(location({ source: 'desktop' }), 'darwin').steps[1]).toContain('Restart');
  });
});

describe('reading what the daemon reports', () => {
  const report: RegistryConfigReport = registryConfigReport({
    RegistryConfig: {
      IndexConfigs: {
        'docker.io': { Name: 'docker.io', Secure: true, Mirrors: ['https://m.example.com/'] },
        'reg.lan:5000': { Name: 'reg.lan:5000', Secure: false },
      },
      InsecureRegistryCIDRs: ['10.9.0.0/16', '127.0.0.0/8'],
      Mirrors: ['https://m.example.com/'],
    },
  });

  it('lists what is insecure and the mirrors, in Docker’s words', () => {
    expect(report).toEqual({
      insecureRegistries: ['reg.lan:5000'],
      insecureRegistryCidrs: ['10.9.0.0/16', '127.0.0.0/8'],
      mirrors: ['https://m.example.com/'],
    });
  });

  it.each([
    ['reg.lan:5000', true],
    // dockerd's lookup is exact: an entry in other letter case doesn't make this registry insecure.
    ['REG.lan:5000', false],
    ['reg.lan:5001', false],
    ['10.9.3.4:5000', true], // inside an insecure CIDR
    ['10.10.0.1:5000', false],
    ['127.0.0.1:5000', true], // Docker's default loopback CIDR
    ['10.9.0.0/16', true],
    ['10.9.200.0/16', true], // Docker normalises the network address
    ['10.9.0.0/24', false],
  ])('%s insecure: %s', (entry, expected) => {
    expect(isInsecure(report, entry)).toBe(expected);
  });

  it('checks presence and absence of hosts and mirrors', () => {
    expect(holds(report, { host: 'reg.lan:5000', mirror: 'https://m.example.com', expect: 'present' })).toBe(
      true,
    );
    expect(holds(report, { mirror: 'https://other.example.com', expect: 'present' })).toBe(false);
    expect(holds(report, { host: 'gone.lan:5000', expect: 'absent' })).toBe(true);
    expect(holds(report, { host: 'reg.lan:5000', expect: 'absent' })).toBe(false);
    expect(holds(report, { expect: 'present' })).toBe(true);
  });
});
