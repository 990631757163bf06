/**
 * Finds the dockerd process behind a unix socket on Linux, and reads its command line: a `--config-file`
 * there decides which daemon.json it reads, and its pid is what SIGHUP goes to. Everything comes from
 * /proc through the ProcReader interface, so tests can describe any machine.
 */
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { basename } from 'node:path';

/** What we read from /proc. Each method answers undefined/[] rather than throwing (processes come and go). */
export interface ProcReader {
  pids(): number[];
  /** argv of the process, or undefined when it vanished or is not ours to read. */
  cmdline(pid: number): string[] | undefined;
  /** Real uid of the process. */
  ownerUid(pid: number): number | undefined;
  /** Inodes of the unix sockets bound at `path` (from /proc/net/unix). */
  unixSocketInodes(path: string): number[];
  /** Inodes of the sockets the process holds open (from /proc/<pid>/fd). */
  socketInodesOf(pid: number): number[];
}

/** A dockerd found on this machine. */
export interface DockerdProcess {
  pid: number;
  args: string[];
  /** The `--config-file` it was started with, if any. */
  configFile?: string;
  /** How we matched it to the socket in use: its --host flag, its default socket, or it holds the socket. */
  matchedBy: 'host-flag' | 'default-socket' | 'socket-owner';
}

/** Sockets dockerd listens on when started without `-H` (rootful, and rootless under XDG_RUNTIME_DIR). */
export function defaultDockerdSockets(env: Record<string, string | undefined>): string[] {
  const sockets = ['/var/run/docker.sock', '/run/docker.sock'];
  if (env.XDG_RUNTIME_DIR) sockets.push(`${env.XDG_RUNTIME_DIR}/docker.sock`);
  return sockets;
}

/**
 * The dockerd serving `socketPath`: first by its `--host`/`-H` flags (cheap, no root needed), then by who
 * holds the socket open (covers systemd's `-H fd://` socket activation), and last by the default socket
 * of a dockerd started without `-H` — only its own default: /run/docker.sock for a dockerd run by root,
 * the user's runtime folder for a rootless one. (Before, a rootless dockerd matched /run/docker.sock
 * too, so next to a rootful `-H fd://` daemon the signal went to the wrong one.) Undefined when none
 * matches.
 */
export function findDockerd(
  socketPath: string,
  proc: ProcReader,
  defaultSockets: string[],
): DockerdProcess | undefined {
  const candidates: { pid: number; args: string[] }[] = [];
  for (const pid of proc.pids()) {
    const args = proc.cmdline(pid);
    if (args && args.length > 0 && basename(args[0] ?? '') === 'dockerd') candidates.push({ pid, args });
  }
  const wanted = normaliseSocket(socketPath);
  const hostsOf = (args: string[]) =>
    flagValues(args, ['--host', '-H']).map((host) =>
      host.startsWith('unix://') ? normaliseSocket(host.slice(7)) : host,
    );
  for (const { pid, args } of candidates) {
    if (hostsOf(args).includes(wanted)) return describe(pid, args, 'host-flag');
  }
  const inodes = new Set(proc.unixSocketInodes(socketPath));
  if (inodes.size > 0) {
    for (const { pid, args } of candidates) {
      if (proc.socketInodesOf(pid).some((inode) => inodes.has(inode)))
        return describe(pid, args, 'socket-owner');
    }
  }
  const rootDefault = normaliseSocket('/run/docker.sock');
  for (const { pid, args } of candidates) {
    if (hostsOf(args).length > 0) continue;
    const owner = proc.ownerUid(pid);
    const ownDefaults = defaultSockets
      .map(normaliseSocket)
      .filter((socket) => owner === undefined || (owner === 0) === (socket === rootDefault));
    if (ownDefaults.includes(wanted)) return describe(pid, args, 'default-socket');
  }
  return undefined;
}

function describe(pid: number, args: string[], matchedBy: DockerdProcess['matchedBy']): DockerdProcess {
  const configFile = flagValues(args, ['--config-file']).at(-1);
  return configFile ? { pid, args, configFile, matchedBy } : { pid, args, matchedBy };
}

/**
 * Values of a flag as Go's pflag accepts them: `--name value`, `--name=value`, and for one-letter
 * shorthands also `-H value`, `-H=value` and `-Hvalue`.
 */
export function flagValues(args: string[], names: string[]): string[] {
  const values: string[] = [];
  for (let i = 1; i < args.length; i++) {
    const arg = args[i] ?? '';
    for (const name of names) {
      if (arg === name) {
        const next = args[i + 1];
        if (next !== undefined) values.push(next);
        i++;
      } else if (arg.startsWith(`${name}=`)) {
        values.push(arg.slice(name.length + 1));
      } else if (/^-[A-Za-z]$/.test(name) && arg.startsWith(name) && arg.length > 2) {
        values.push(arg.slice(2));
      }
    }
  }
  return values;
}

/** /var/run is a symlink to /run on current distributions; treat both spellings as one socket. */
function normaliseSocket(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed.startsWith('/var/run/') ? trimmed.slice(4) : trimmed;
}

/** The real /proc. */
export const systemProcReader: ProcReader = {
  pids() {
    try {
      return readdirSync('/proc')
        .filter((name) => /^\d+$/.test(name))
        .map(Number);
    } catch {
      return [];
    }
  },
  cmdline(pid) {
    try {
      const text = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      return text.split('\0').filter((part, index, all) => part !== '' || index < all.length - 1);
    } catch {
      return undefined;
    }
  },
  ownerUid(pid) {
    try {
      const match = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      return match ? Number(match[1]) : undefined;
    } catch {
      return undefined;
    }
  },
  unixSocketInodes(path) {
    try {
      // Columns: Num RefCount Protocol Flags Type St Inode Path
      const wanted = new Set([path, normaliseSocket(path), `/var${normaliseSocket(path)}`]);
      return readFileSync('/proc/net/unix', 'utf8')
        .split('\n')
        .slice(1)
        .map((line) => line.trim().split(/\s+/))
        .filter((columns) => columns.length >= 8 && wanted.has(columns.slice(7).join(' ')))
        .map((columns) => Number(columns[6]));
    } catch {
      return [];
    }
  },
  socketInodesOf(pid) {
    const inodes: number[] = [];
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        try {
          const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
          if (match) inodes.push(Number(match[1]));
        } catch {
          // The fd closed while we looked.
        }
      }
    } catch {
      // Not our process to inspect (needs root or the same uid).
    }
    return inodes;
  },
};
