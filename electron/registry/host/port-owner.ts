/**
 * Which program holds a TCP port, where the OS lets an ordinary user see it. On Linux the kernel
 * lists listening sockets in /proc/net/tcp{,6} (port in hex, state 0A = LISTEN, and the socket's
 * inode), and each process's open sockets are links `socket:[inode]` in /proc/<pid>/fd: matching the
 * two names the process. Other processes' fds are only readable by their owner (or root), so this
 * may find nothing, and on macOS and Windows it doesn't try: the message then names no program.
 */
import { readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';

/** A process holding a port. */
export interface PortOwner {
  pid: number;
  /** Its short command name (/proc/<pid>/comm), e.g. `python3`. */
  name: string;
}

const LISTEN = '0A';

/** The socket inodes listening on `port` in the text of /proc/net/tcp or /proc/net/tcp6. */
export function listeningInodes(procNetTcp: string, port: number): string[] {
  const inodes: string[] = [];
  for (const line of procNetTcp.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    const local = fields[1];
    const state = fields[3];
    const inode = fields[9];
    if (local === undefined || inode === undefined || state !== LISTEN) continue;
    const portHex = local.slice(local.lastIndexOf(':') + 1);
    if (Number.parseInt(portHex, 16) === port && inode !== '0') inodes.push(inode);
  }
  return inodes;
}

/** The process listening on `port`, when the OS shows it (Linux, a process this user may inspect). */
export async function findPortOwner(
  port: number,
  options: { platform?: NodeJS.Platform; procRoot?: string } = {},
): Promise<PortOwner | undefined> {
  if ((options.platform ?? process.platform) !== 'linux') return undefined;
  const proc = options.procRoot ?? '/proc';
  const tables = await Promise.all(
    ['tcp', 'tcp6'].map((file) => readFile(join(proc, 'net', file), 'utf8').catch(() => '')),
  );
  const wanted = new Set(tables.flatMap((table) => listeningInodes(table, port)).map((i) => `socket:[${i}]`));
  if (wanted.size === 0) return undefined;
  const pids = (await readdir(proc).catch(() => [])).filter((entry) => /^\d+$/.test(entry));
  for (const pid of pids) {
    const fds = await readdir(join(proc, pid, 'fd')).catch(() => [] as string[]);
    for (const fd of fds) {
      const target = await readlink(join(proc, pid, 'fd', fd)).catch(() => '');
      if (!wanted.has(target)) continue;
      const name = (await readFile(join(proc, pid, 'comm'), 'utf8').catch(() => '')).trim();
      return { pid: Number(pid), name: name || 'a program' };
    }
  }
  return undefined;
}

/** What to say about a port in use: the program when known; AirPlay Receiver only on macOS. */
export function portInUseWords(input: {
  port: number;
  next: number;
  owner: PortOwner | undefined;
  platform: NodeJS.Platform;
}): { message: string; hint: string } {
  const { port, next, owner, platform } = input;
  const airPlay = platform === 'darwin' && (port === 5000 || port === 7000) && owner === undefined;
  const holder = owner
    ? ` by ${owner.name} (process ${owner.pid})`
    : airPlay
      ? ' (on macOS AirPlay Receiver uses it)'
      : '';
  return {
    message: `Port ${port} is in use${holder}. Port ${next} is free.`,
    hint: airPlay
      ? `Use port ${next}, or turn off AirPlay Receiver in System Settings → General → AirDrop & Handoff.`
      : `Use port ${next}, or stop ${owner ? owner.name : 'the program that holds port ' + String(port)}.`,
  };
}
