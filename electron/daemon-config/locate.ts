/**
 * Decides which daemon.json the daemon in use reads, from what the daemon reports (`/info`), how we
 * connect to it, and on Linux the daemon's own command line. Order: the user's override, a
 * `--config-file` on dockerd's command line, Docker Desktop, Windows Engine, rootless, Linux Engine.
 * Platform, environment and /proc are passed in so every branch is testable on one machine.
 */
import { posix, win32 } from 'node:path';
import type { DaemonConfigLocation } from '../api/contract/daemon-config';
import { isDockerDesktop, isRootless, type DaemonInfo } from './daemon-info';
import { defaultDockerdSockets, findDockerd, type DockerdProcess, type ProcReader } from './dockerd-process';

/** Where we are running, as far as locating the file is concerned. */
export interface LocateEnvironment {
  platform: NodeJS.Platform;
  env: Record<string, string | undefined>;
  homeDir: string;
  /** Our uid (undefined on Windows): decides whether we may signal dockerd. */
  uid: number | undefined;
  /** /proc, on Linux. */
  proc: ProcReader | undefined;
}

/** How we reach the daemon: dockerode's `socketPath` for unix sockets and pipes, or `host` for TCP/SSH. */
export interface DaemonConnection {
  socketPath?: string;
  host?: string;
}

/** Everything the decision depends on. */
export interface LocateInput {
  info: DaemonInfo;
  connection: DaemonConnection;
  /** The path the user chose in Settings; null: detect. */
  overridePath: string | null;
  environment: LocateEnvironment;
}

/** The daemon.json the daemon uses, why we think so, and whether Berth can make it reload. */
export function locateDaemonConfig({
  info,
  connection,
  overridePath,
  environment,
}: LocateInput): DaemonConfigLocation {
  const { platform, env, homeDir } = environment;
  const dockerd = findLocalDockerd(connection, environment);
  const signal = signalInfo(dockerd, environment);
  const warning = remoteWarning(info, connection, environment);
  const extra = { ...signal, ...(warning ? { warning } : {}) };

  if (overridePath) {
    return {
      path: overridePath,
      source: 'override',
      reason: 'You chose this file in Settings, so Berth uses it instead of detecting one.',
      ...extra,
    };
  }
  if (dockerd?.configFile) {
    return {
      path: dockerd.configFile,
      source: 'cmdline',
      reason: `dockerd (pid ${dockerd.pid}) was started with --config-file ${dockerd.configFile}, so that file is the one it reads.`,
      ...extra,
    };
  }
  if (isDockerDesktop(info)) {
    return {
      path: (platform === 'win32' ? win32 : posix).join(homeDir, '.docker', 'daemon.json'),
      source: 'desktop',
      reason:
        'Docker Desktop keeps its engine settings in ~/.docker/daemon.json (the file Settings → Docker Engine edits).',
      ...extra,
    };
  }
  if ((info.OSType ?? '').toLowerCase() === 'windows') {
    const programData = env.ProgramData ?? env.PROGRAMDATA ?? 'C:\\ProgramData';
    return {
      path: win32.join(programData, 'docker', 'config', 'daemon.json'),
      source: 'windows-engine',
      reason: 'Docker Engine on Windows reads %ProgramData%\\docker\\config\\daemon.json.',
      ...extra,
    };
  }
  if (isRootless(info)) {
    const configHome = env.XDG_CONFIG_HOME || posix.join(homeDir, '.config');
    return {
      path: posix.join(configHome, 'docker', 'daemon.json'),
      source: 'rootless',
      reason:
        'Docker runs rootless, so it reads daemon.json from your own config folder ($XDG_CONFIG_HOME/docker, ~/.config/docker by default).',
      ...extra,
    };
  }
  return {
    path: '/etc/docker/daemon.json',
    source: 'engine',
    reason: 'Docker Engine on Linux reads /etc/docker/daemon.json unless it is started with --config-file.',
    ...extra,
  };
}

/**
 * The command line of the dockerd behind this connection, when it runs on this computer and can be
 * found (Linux); undefined otherwise.
 */
export function localDockerdArgs(
  connection: DaemonConnection,
  environment: LocateEnvironment,
): string[] | undefined {
  return findLocalDockerd(connection, environment)?.args;
}

function findLocalDockerd(
  connection: DaemonConnection,
  environment: LocateEnvironment,
): DockerdProcess | undefined {
  if (environment.platform !== 'linux' || !environment.proc || !connection.socketPath) return undefined;
  return findDockerd(connection.socketPath, environment.proc, defaultDockerdSockets(environment.env));
}

function signalInfo(
  dockerd: DockerdProcess | undefined,
  environment: LocateEnvironment,
): { canSignal: boolean; pid?: number } {
  if (!dockerd) return { canSignal: false };
  // The kernel lets root signal anyone, and a user their own processes (a rootless dockerd is the user's).
  const owner = environment.proc?.ownerUid(dockerd.pid);
  const canSignal = environment.uid === 0 || (owner !== undefined && owner === environment.uid);
  return { canSignal, pid: dockerd.pid };
}

/** A daemon reached over TCP/SSH on another host, or inside a VM we don't know, reads a file that is not here. */
function remoteWarning(
  info: DaemonInfo,
  connection: DaemonConnection,
  environment: LocateEnvironment,
): string | undefined {
  if (connection.host && !['127.0.0.1', 'localhost', '::1'].includes(connection.host)) {
    return `Docker is reached at ${connection.host}, another machine: its daemon.json lives there, not on this computer.`;
  }
  if (
    environment.platform !== 'linux' &&
    !isDockerDesktop(info) &&
    (info.OSType ?? '').toLowerCase() !== 'windows'
  ) {
    return `This Docker (${info.OperatingSystem ?? 'unknown system'}) is not Docker Desktop; it may run in a VM whose daemon.json is not on this computer.`;
  }
  return undefined;
}
