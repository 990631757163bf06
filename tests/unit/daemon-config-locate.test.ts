/**
 * Which daemon.json, per platform and kind of daemon, with /proc described by a table instead of read
 * from this machine: override, --config-file on the command line (found by -H flag, by default socket,
 * or by who holds the socket), Docker Desktop, Windows Engine, rootless, Linux Engine.
 */
import { describe, expect, it } from 'vitest';
import type { DaemonInfo } from '../../electron/daemon-config/daemon-info';
import { detectImageStore } from '../../electron/daemon-config/daemon-info';
import { flagValues, findDockerd, type ProcReader } from '../../electron/daemon-config/dockerd-process';
import { locateDaemonConfig, type LocateEnvironment } from '../../electron/daemon-config/locate';

interface FakeProcess {
  args: string[];
  uid?: number;
  sockets?: number[];
}

function procTable(
  processes: Record<number, FakeProcess>,
  unixSockets: Record<string, number[]> = {},
): ProcReader {
  return {
    pids: () => Object.keys(processes).map(Number),
    cmdline: (pid) => processes[pid]?.args,
    ownerUid: (pid) => processes[pid]?.uid ?? 0,
    unixSocketInodes: (path) => unixSockets[path] ?? [],
    socketInodesOf: (pid) => processes[pid]?.sockets ?? [],
  };
}

const linux = (proc: ProcReader, overrides: Partial<LocateEnvironment> = {}): LocateEnvironment => ({
  platform: 'linux',
  env: {},
  homeDir: '/home/ada',
  uid: 0,
  proc,
  ...overrides,
});

const engineInfo: DaemonInfo = {
  OperatingSystem: 'Debian GNU/Linux 12 (bookworm)',
  OSType: 'linux',
  SecurityOptions: ['name=seccomp,profile=default'],
};
const noProcesses = procTable({});

describe('locateDaemonConfig', () => {
  it('Linux Engine: /etc/docker/daemon.json, signalable when dockerd is found on the default socket', () => {
    const proc = procTable({
      1: { args: ['/sbin/init'] },
      812: { args: ['/usr/bin/dockerd', '--containerd=/run/containerd/containerd.sock'] },
    });
    const location = locateDaemonConfig({
      info: engineInfo,
      connection: { socketPath: '/var/run/docker.sock' },
      overridePath: null,
      environment: linux(proc),
    });
    expect(location).toEqual({
      path: '/etc/docker/daemon.json',
      source: 'engine',
      reason: expect.stringContaining('/etc/docker/daemon.json') as string,
      canSignal: true,
      pid: 812,
    });
  });

  it('a --config-file on the command line of the dockerd behind our socket wins', () => {
    const proc = procTable({
      700: { args: ['dockerd', '-H', 'unix:///other.sock', '--config-file', '/wrong.json'] },
      701: { args: ['dockerd', '--host=unix:///tmp/x/docker.sock', '--config-file=/srv/docker.json'] },
    });
    const location = locateDaemonConfig({
      info: engineInfo,
      connection: { socketPath: '/tmp/x/docker.sock' },
      overridePath: null,
      environment: linux(proc),
    });
    expect(location).toMatchObject({
      path: '/srv/docker.json',
      source: 'cmdline',
      pid: 701,
      canSignal: true,
    });
    expect(location.reason).toBe(
      'dockerd (pid 701) was started with --config-file /srv/docker.json, so that file is the one it reads.',
    );
  });

  it('finds a socket-activated dockerd (-H fd://) by who holds the socket', () => {
    const proc = procTable(
      {
        1: { args: ['/lib/systemd/systemd'], sockets: [99] },
        900: {
          args: ['/usr/bin/dockerd', '-H', 'fd://', '--config-file', '/etc/docker/custom.json'],
          sockets: [5, 99],
        },
      },
      { '/run/docker.sock': [99] },
    );
    const found = findDockerd('/run/docker.sock', proc, []);
    expect(found).toMatchObject({
      pid: 900,
      matchedBy: 'socket-owner',
      configFile: '/etc/docker/custom.json',
    });
  });

  it('a rootless dockerd is not taken for the rootful one on /run/docker.sock', () => {
    // A rootful dockerd socket-activated by systemd, and the user's rootless one (no -H: it listens
    // in the user's runtime folder). As the user, root's open sockets can't be read.
    const rootful = { args: ['/usr/bin/dockerd', '-H', 'fd://'], uid: 0 };
    const rootless = {
      args: ['dockerd', '--config-file', '/home/ada/.config/docker/daemon.json'],
      uid: 1000,
    };
    const asUser = procTable(
      { 900: rootful, 4000: { ...rootless, sockets: [7] } },
      {
        '/run/docker.sock': [99],
        '/run/user/1000/docker.sock': [7],
      },
    );
    const defaults = ['/var/run/docker.sock', '/run/docker.sock', '/run/user/1000/docker.sock'];
    // Not found beats the wrong one: the app then says to reload Docker by hand.
    expect(findDockerd('/var/run/docker.sock', asUser, defaults)).toBeUndefined();
    // The rootless daemon is still found on its own socket.
    expect(findDockerd('/run/user/1000/docker.sock', asUser, defaults)).toMatchObject({ pid: 4000 });
    // As root, the rootful daemon's sockets are readable: found by who holds the socket.
    const asRoot = procTable(
      { 900: { ...rootful, sockets: [99] }, 4000: { ...rootless, sockets: [7] } },
      { '/run/docker.sock': [99], '/run/user/1000/docker.sock': [7] },
    );
    expect(findDockerd('/run/docker.sock', asRoot, defaults)).toMatchObject({
      pid: 900,
      matchedBy: 'socket-owner',
    });
    // A rootful dockerd without -H still answers for /run/docker.sock by its default.
    const plain = procTable({ 950: { args: ['dockerd'], uid: 0 } });
    expect(findDockerd('/var/run/docker.sock', plain, defaults)).toMatchObject({
      pid: 950,
      matchedBy: 'default-socket',
    });
  });

  it('the user’s override wins over everything, and signalling still works', () => {
    const proc = procTable({ 5: { args: ['dockerd', '--config-file', '/srv/docker.json'] } });
    const location = locateDaemonConfig({
      info: engineInfo,
      connection: { socketPath: '/run/docker.sock' },
      overridePath: '/mine/daemon.json',
      environment: linux(proc),
    });
    expect(location).toMatchObject({
      path: '/mine/daemon.json',
      source: 'override',
      pid: 5,
      canSignal: true,
    });
  });

  it('rootless: $XDG_CONFIG_HOME/docker/daemon.json, or ~/.config; signalable by its own user', () => {
    const info: DaemonInfo = {
      ...engineInfo,
      SecurityOptions: ['name=seccomp,profile=default', 'name=rootless', 'name=cgroupns'],
    };
    const proc = procTable({ 4242: { args: ['dockerd'], uid: 1000 } });
    const env = { XDG_RUNTIME_DIR: '/run/user/1000' };
    const socketPath = '/run/user/1000/docker.sock';
    const withXdg = locateDaemonConfig({
      info,
      connection: { socketPath },
      overridePath: null,
      environment: linux(proc, { uid: 1000, env: { ...env, XDG_CONFIG_HOME: '/cfg' } }),
    });
    expect(withXdg).toMatchObject({
      path: '/cfg/docker/daemon.json',
      source: 'rootless',
      pid: 4242,
      canSignal: true,
    });
    const byDefault = locateDaemonConfig({
      info,
      connection: { socketPath },
      overridePath: null,
      environment: linux(proc, { uid: 1000, env }),
    });
    expect(byDefault.path).toBe('/home/ada/.config/docker/daemon.json');
    const someoneElse = locateDaemonConfig({
      info,
      connection: { socketPath },
      overridePath: null,
      environment: linux(proc, { uid: 1001, env }),
    });
    expect(someoneElse.canSignal).toBe(false);
  });

  it('Docker Desktop on macOS and Windows: ~/.docker/daemon.json, restart by hand', () => {
    const info: DaemonInfo = { OperatingSystem: 'Docker Desktop', OSType: 'linux' };
    const mac = locateDaemonConfig({
      info,
      connection: { socketPath: '/Users/ada/.docker/run/docker.sock' },
      overridePath: null,
      environment: { platform: 'darwin', env: {}, homeDir: '/Users/ada', uid: 501, proc: undefined },
    });
    expect(mac).toMatchObject({
      path: '/Users/ada/.docker/daemon.json',
      source: 'desktop',
      canSignal: false,
    });
    expect(mac.warning).toBeUndefined();
    const windows = locateDaemonConfig({
      info,
      connection: { socketPath: '//./pipe/docker_engine' },
      overridePath: null,
      environment: { platform: 'win32', env: {}, homeDir: 'C:\\Users\\ada', uid: undefined, proc: undefined },
    });
    expect(windows).toMatchObject({
      path: 'C:\\Users\\ada\\.docker\\daemon.json',
      source: 'desktop',
      canSignal: false,
    });
  });

  it('Windows Server Engine: %ProgramData%\\docker\\config\\daemon.json', () => {
    const info: DaemonInfo = { OperatingSystem: 'Windows Server 2022 Datacenter', OSType: 'windows' };
    const environment: LocateEnvironment = {
      platform: 'win32',
      env: { ProgramData: 'D:\\Data' },
      homeDir: 'C:\\Users\\ada',
      uid: undefined,
      proc: undefined,
    };
    const location = locateDaemonConfig({
      info,
      connection: { socketPath: '//./pipe/docker_engine' },
      overridePath: null,
      environment,
    });
    expect(location).toMatchObject({
      path: 'D:\\Data\\docker\\config\\daemon.json',
      source: 'windows-engine',
      canSignal: false,
    });
    const byDefault = locateDaemonConfig({
      info,
      connection: {},
      overridePath: null,
      environment: { ...environment, env: {} },
    });
    expect(byDefault.path).toBe('C:\\ProgramData\\docker\\config\\daemon.json');
  });

  it('warns when the daemon is on another machine', () => {
    const location = locateDaemonConfig({
      info: engineInfo,
      connection: { host: '192.168.1.9' },
      overridePath: null,
      environment: linux(noProcesses),
    });
    expect(location.canSignal).toBe(false);
    expect(location.warning).toContain('192.168.1.9');
  });

  it('cannot signal a dockerd it did not find, or one owned by someone else while not root', () => {
    const missing = locateDaemonConfig({
      info: engineInfo,
      connection: { socketPath: '/run/docker.sock' },
      overridePath: null,
      environment: linux(noProcesses),
    });
    expect(missing).toMatchObject({ canSignal: false });
    expect(missing.pid).toBeUndefined();
    const proc = procTable({ 10: { args: ['dockerd'], uid: 0 } });
    const asUser = locateDaemonConfig({
      info: engineInfo,
      connection: { socketPath: '/var/run/docker.sock' },
      overridePath: null,
      environment: linux(proc, { uid: 1000 }),
    });
    expect(asUser).toMatchObject({ pid: 10, canSignal: false });
  });
});

describe('flagValues reads flags as Go’s pflag does', () => {
  it.each([
    [['dockerd', '-H', 'unix:///a.sock'], ['unix:///a.sock']],
    [['dockerd', '-Hunix:///a.sock'], ['unix:///a.sock']],
    [['dockerd', '-H=unix:///a.sock'], ['unix:///a.sock']],
    [
      ['dockerd', '--host', 'unix:///a.sock', '--host=tcp://127.0.0.1:2375'],
      ['unix:///a.sock', 'tcp://127.0.0.1:2375'],
    ],
    [['dockerd', '--hosts', 'x'], []],
  ])('%j', (args, expected) => {
    expect(flagValues(args, ['--host', '-H'])).toEqual(expected);
  });
});

describe('detectImageStore', () => {
  it.each([
    [{ Driver: 'overlay2', DriverStatus: [['Backing Filesystem', 'extfs']] }, 'classic'],
    [{ Driver: 'vfs' }, 'classic'],
    [{ Driver: 'overlayfs', DriverStatus: [['driver-type', 'io.containerd.snapshotter.v1']] }, 'containerd'],
    [{ Driver: 'stargz', DriverStatus: [['driver-type', 'io.containerd.snapshotter.v1']] }, 'containerd'],
    [{ Driver: 'overlayfs' }, 'containerd'],
  ] as [DaemonInfo, string][])('%j → %s', (info, store) => {
    expect(detectImageStore(info)).toBe(store);
  });
});
