/**
 * The atomic writer on a temp folder: backup next to the file, mode kept, nothing rewritten when nothing
 * changes, refusal when the file changed since it was read. Also the production elevator's shell
 * command, run for real with /bin/sh (no prompt needed in a folder we own), and the hosts.toml writer.
 */
import { execFile } from 'node:child_process';
import {
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  readlink,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { posixCommand, type Elevator } from '../../electron/daemon-config/elevator';
import {
  BERTH_HOSTS_TOML_MARKER,
  certsDirectory,
  hostsTomlText,
  removeHostsToml,
  writeHostsToml,
} from '../../electron/daemon-config/hosts-toml';
import { ABSENT_VERSION, contentVersion } from '../../electron/daemon-config/read';
import { backupName, writeDaemonConfigFile } from '../../electron/daemon-config/write';

const run = promisify(execFile);
const neverElevate: Elevator = { copyIntoPlace: () => Promise.reject(new Error('not expected')) };
const at = new Date(2026, 10, 27, 5, 35, 9);

let folder: string;
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'berth-write-'));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

/** Turns `{}` at `path` into `{"debug": true}`, at the test's fixed time, without elevation. */
function writeDebugOn(path: string) {
  return writeDaemonConfigFile({
    path,
    text: '{"debug": true}\n',
    baseVersion: contentVersion(Buffer.from('{}\n')),
    elevator: neverElevate,
    now: () => at,
  });
}

describe('writeDaemonConfigFile', () => {
  it('backs up, replaces atomically and keeps the mode', async () => {
    const path = join(folder, 'daemon.json');
    await writeFile(path, '{}\n');
    await chmod(path, 0o600);
    const outcome = await writeDebugOn(path);
    expect(outcome).toEqual({
      path,
      backupPath: `${path}.berth-backup-20261127-053509`,
      version: contentVersion(Buffer.from('{"debug": true}\n')),
      elevated: false,
    });
    expect(await readFile(path, 'utf8')).toBe('{"debug": true}\n');
    expect(await readFile(outcome.backupPath!, 'utf8')).toBe('{}\n');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(outcome.backupPath!)).mode & 0o777).toBe(0o600);
    expect((await readdir(folder)).sort()).toEqual([
      'daemon.json',
      'daemon.json.berth-backup-20261127-053509',
    ]); // no temp left
  });

  it('replaces the file a symbolic link points at, and keeps the link', async () => {
    // daemon.json kept in a dotfiles folder and linked into place (or NixOS's /etc/static).
    await mkdir(join(folder, 'dotfiles'));
    const real = join(folder, 'dotfiles', 'daemon.json');
    await writeFile(real, '{}\n');
    const path = join(folder, 'daemon.json');
    await symlink(real, path);
    const outcome = await writeDebugOn(path);
    expect(outcome.path).toBe(path);
    expect((await lstat(path)).isSymbolicLink()).toBe(true);
    expect(await readlink(path)).toBe(real);
    expect(await readFile(real, 'utf8')).toBe('{"debug": true}\n');
    expect(outcome.backupPath).toBe(`${real}.berth-backup-20261127-053509`);
    expect(await readFile(outcome.backupPath!, 'utf8')).toBe('{}\n');
  });

  it('never overwrites an earlier backup from the same second', async () => {
    const path = join(folder, 'daemon.json');
    await writeFile(path, '{}');
    const first = await writeDaemonConfigFile({
      path,
      text: '{"a": 1}',
      baseVersion: contentVersion(Buffer.from('{}')),
      elevator: neverElevate,
      now: () => at,
    });
    const second = await writeDaemonConfigFile({
      path,
      text: '{"a": 2}',
      baseVersion: first.version,
      elevator: neverElevate,
      now: () => at,
    });
    expect(second.backupPath).toBe(`${first.backupPath}-2`);
    expect(await readFile(first.backupPath!, 'utf8')).toBe('{}');
    expect(await readFile(second.backupPath!, 'utf8')).toBe('{"a": 1}');
  });

  it('creates a missing file (and folder) without a backup', async () => {
    const path = join(folder, 'docker', 'daemon.json');
    const outcome = await writeDaemonConfigFile({
      path,
      text: '{}\n',
      baseVersion: ABSENT_VERSION,
      elevator: neverElevate,
    });
    expect(outcome.backupPath).toBeNull();
    expect(await readFile(path, 'utf8')).toBe('{}\n');
    expect((await stat(path)).mode & 0o777).toBe(0o644);
  });

  it('writes nothing when the text is what is there already', async () => {
    const path = join(folder, 'daemon.json');
    await writeFile(path, '{}');
    const outcome = await writeDaemonConfigFile({
      path,
      text: '{}',
      baseVersion: contentVersion(Buffer.from('{}')),
      elevator: neverElevate,
    });
    expect(outcome.backupPath).toBeNull();
    expect(await readdir(folder)).toEqual(['daemon.json']);
  });

  it('refuses with DAEMON_CONFIG_CHANGED when the file is not the version the edit was based on', async () => {
    const path = join(folder, 'daemon.json');
    await writeFile(path, '{"theirs": true}');
    await expect(
      writeDaemonConfigFile({
        path,
        text: '{"mine": true}',
        baseVersion: contentVersion(Buffer.from('{}')),
        elevator: neverElevate,
      }),
    ).rejects.toMatchObject({
      code: 'DAEMON_CONFIG_CHANGED',
    });
    await expect(
      writeDaemonConfigFile({
        path,
        text: '{"mine": true}',
        baseVersion: ABSENT_VERSION,
        elevator: neverElevate,
      }),
    ).rejects.toMatchObject({
      code: 'DAEMON_CONFIG_CHANGED',
    });
    expect(await readFile(path, 'utf8')).toBe('{"theirs": true}');
    expect(await readdir(folder)).toEqual(['daemon.json']);
  });

  it('names backups in local time, YYYYMMDD-HHMMSS', () => {
    expect(backupName('/etc/docker/daemon.json', new Date(2026, 0, 2, 3, 4, 5))).toBe(
      '/etc/docker/daemon.json.berth-backup-20260102-030405',
    );
  });
});

describe('the production elevator’s command', () => {
  it('backs up, installs with mode and owner, and replaces in one rename', async () => {
    const target = join(folder, "it's here", 'daemon.json');
    await mkdir(join(folder, "it's here"));
    await writeFile(target, 'old');
    const temp = join(folder, 'staged.json');
    await writeFile(temp, 'new');
    const uid = process.getuid?.() ?? 0;
    const gid = process.getgid?.() ?? 0;
    await run('/bin/sh', [
      '-c',
      posixCommand(temp, target, { backupPath: `${target}.bak`, mode: 0o640, uid, gid }),
    ]);
    expect(await readFile(target, 'utf8')).toBe('new');
    expect(await readFile(`${target}.bak`, 'utf8')).toBe('old');
    expect((await stat(target)).mode & 0o777).toBe(0o640);
    expect((await readdir(join(folder, "it's here"))).sort()).toEqual(['daemon.json', 'daemon.json.bak']);
  });

  it('stops at the first failure and leaves the target alone', async () => {
    const target = join(folder, 'daemon.json');
    await writeFile(target, 'old');
    await expect(
      run('/bin/sh', [
        '-c',
        posixCommand(join(folder, 'missing'), target, { backupPath: null, mode: 0o644 }),
      ]),
    ).rejects.toThrow();
    expect(await readFile(target, 'utf8')).toBe('old');
  });
});

describe('hosts.toml for the containerd image store', () => {
  it('is what containerd expects for a plain-HTTP registry, marked as ours', () => {
    expect(hostsTomlText('192.168.1.20:5000')).toBe(
      [
        BERTH_HOSTS_TOML_MARKER,
        'server = "http://192.168.1.20:5000"',
        '',
        '[host."http://192.168.1.20:5000"]',
        '  capabilities = ["pull", "resolve", "push"]',
        '  skip_verify = true',
        '',
      ].join('\n'),
    );
  });

  it('is written under certs.d/<host:port>/ and removed again, leaving nothing behind', async () => {
    const certs = join(folder, 'certs.d');
    expect(await writeHostsToml(certs, 'reg.lan:5000', neverElevate)).toBe('written');
    expect(await readFile(join(certs, 'reg.lan:5000', 'hosts.toml'), 'utf8')).toBe(
      hostsTomlText('reg.lan:5000'),
    );
    expect(await writeHostsToml(certs, 'reg.lan:5000', neverElevate)).toBe('unchanged');
    expect(await removeHostsToml(certs, 'reg.lan:5000')).toBe('removed');
    expect(await readdir(certs)).toEqual([]);
    expect(await removeHostsToml(certs, 'reg.lan:5000')).toBe('unchanged');
  });

  it('never touches a hosts.toml the user wrote, nor their CA next to ours', async () => {
    const certs = join(folder, 'certs.d');
    await mkdir(join(certs, 'theirs.lan:5000'), { recursive: true });
    await writeFile(join(certs, 'theirs.lan:5000', 'hosts.toml'), 'server = "https://theirs.lan:5000"\n');
    expect(await writeHostsToml(certs, 'theirs.lan:5000', neverElevate)).toBe('kept-users-file');
    expect(await removeHostsToml(certs, 'theirs.lan:5000')).toBe('kept-users-file');
    expect(await readFile(join(certs, 'theirs.lan:5000', 'hosts.toml'), 'utf8')).toBe(
      'server = "https://theirs.lan:5000"\n',
    );

    await writeHostsToml(certs, 'mixed.lan:5000', neverElevate);
    await writeFile(join(certs, 'mixed.lan:5000', 'ca.crt'), 'CA');
    expect(await removeHostsToml(certs, 'mixed.lan:5000')).toBe('removed');
    expect(await readdir(join(certs, 'mixed.lan:5000'))).toEqual(['ca.crt']);
  });

  it('lives in the certs.d of the daemon’s kind', () => {
    const environment = { platform: 'linux' as const, env: {}, homeDir: '/home/ada' };
    expect(certsDirectory('engine', environment)).toBe('/etc/docker/certs.d');
    expect(certsDirectory('cmdline', environment)).toBe('/etc/docker/certs.d');
    expect(certsDirectory('rootless', environment)).toBe('/home/ada/.config/docker/certs.d');
    expect(certsDirectory('rootless', { ...environment, env: { XDG_CONFIG_HOME: '/cfg' } })).toBe(
      '/cfg/docker/certs.d',
    );
    expect(certsDirectory('desktop', { ...environment, platform: 'darwin', homeDir: '/Users/ada' })).toBe(
      '/Users/ada/.docker/certs.d',
    );
    expect(certsDirectory('desktop', { platform: 'win32', env: {}, homeDir: 'C:\\Users\\ada' })).toBe(
      'C:\\Users\\ada\\.docker\\certs.d',
    );
  });
});
