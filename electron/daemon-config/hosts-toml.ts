/**
 * The containerd image store (Docker Engine 29's default, current Docker Desktop) ignores
 * `insecure-registries` for push and pull (docker/cli#6748, docker/for-win#14643); it reads a
 * `hosts.toml` per registry under Docker's certs.d instead:
 *
 *   <certs.d>/<host:port>/hosts.toml
 *
 * For each insecure host we add, we write one that sends the registry plain HTTP, marked with a first
 * comment line so that removing the entry removes only files Berth wrote, never the user's own.
 */
import { constants } from 'node:fs';
import { mkdir, mkdtemp, open, readFile, rename, rm, rmdir, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix, win32 } from 'node:path';
import type { DaemonConfigSource } from '../api/contract/daemon-config';
import type { Elevator } from './elevator';

/** The first line of every hosts.toml Berth writes; how we recognise ours. */
export const BERTH_HOSTS_TOML_MARKER =
  '# Written by Berth for an insecure (plain HTTP) registry; Berth removes it when the entry is removed.';

/** Docker's certs.d for the daemon whose daemon.json came from `source`. */
export function certsDirectory(
  source: DaemonConfigSource,
  environment: { platform: NodeJS.Platform; env: Record<string, string | undefined>; homeDir: string },
): string {
  const { platform, env, homeDir } = environment;
  if (source === 'desktop') return (platform === 'win32' ? win32 : posix).join(homeDir, '.docker', 'certs.d');
  if (source === 'rootless')
    return posix.join(env.XDG_CONFIG_HOME || posix.join(homeDir, '.config'), 'docker', 'certs.d');
  if (source === 'windows-engine')
    return win32.join(env.ProgramData ?? env.PROGRAMDATA ?? 'C:\\ProgramData', 'docker', 'certs.d');
  return '/etc/docker/certs.d';
}

/** hosts.toml that makes containerd use plain HTTP for `hostPort` (e.g. `192.168.1.20:5000`). */
export function hostsTomlText(hostPort: string): string {
  const url = `http://${hostPort}`;
  return [
    BERTH_HOSTS_TOML_MARKER,
    `server = ${JSON.stringify(url)}`,
    '',
    `[host.${JSON.stringify(url)}]`,
    '  capabilities = ["pull", "resolve", "push"]',
    '  skip_verify = true',
    '',
  ].join('\n');
}

/** `<certs.d>/<host:port>/hosts.toml`. */
export function hostsTomlPath(certsDir: string, hostPort: string): string {
  return join(certsDir, hostPort, 'hosts.toml');
}

/** What happened to one host's hosts.toml. */
export type HostsTomlOutcome = 'written' | 'removed' | 'kept-users-file' | 'unchanged';

/**
 * Write the file for `hostPort`. A hosts.toml the user wrote is left alone ('kept-users-file'). When the
 * folder is not writable, the Elevator copies it into place.
 */
export async function writeHostsToml(
  certsDir: string,
  hostPort: string,
  elevator: Elevator,
): Promise<HostsTomlOutcome> {
  const target = hostsTomlPath(certsDir, hostPort);
  const existing = await readIfExists(target);
  const text = hostsTomlText(hostPort);
  if (existing === text) return 'unchanged';
  if (existing !== null && !isOurs(existing)) return 'kept-users-file';
  try {
    await mkdir(join(certsDir, hostPort), { recursive: true });
    const temp = `${target}.berth-${process.pid}.tmp`;
    try {
      const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, 0o644);
      try {
        await handle.writeFile(text, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  } catch (error) {
    if (!isPermissionError(error)) throw error;
    const staging = await mkdtemp(join(tmpdir(), 'berth-hosts-toml-'));
    try {
      const staged = join(staging, 'hosts.toml');
      await writeFileSynced(staged, text);
      await elevator.copyIntoPlace(staged, target, { backupPath: null, mode: 0o644 });
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }
  return 'written';
}

/** Remove the file for `hostPort` if Berth wrote it; the user's own file stays. */
export async function removeHostsToml(certsDir: string, hostPort: string): Promise<HostsTomlOutcome> {
  const target = hostsTomlPath(certsDir, hostPort);
  const existing = await readIfExists(target);
  if (existing === null) return 'unchanged';
  if (!isOurs(existing)) return 'kept-users-file';
  await unlink(target);
  // The host's folder was ours too unless something else lives in it (a ca.crt, say); rmdir only empties.
  await rmdir(join(certsDir, hostPort)).catch(() => undefined);
  return 'removed';
}

function isOurs(text: string): boolean {
  return text.split('\n', 1)[0] === BERTH_HOSTS_TOML_MARKER;
}

async function readIfExists(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

async function writeFileSynced(path: string, text: string): Promise<void> {
  const handle = await open(path, 'wx', 0o644);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function isPermissionError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EACCES' || code === 'EPERM' || code === 'EROFS';
}
