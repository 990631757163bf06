/**
 * Writes daemon.json without ever leaving it broken or clobbering someone else's change:
 *   1. refuse (DAEMON_CONFIG_CHANGED) if the bytes on disk are not the version the edit was based on;
 *   2. copy the current file to `daemon.json.berth-backup-YYYYMMDD-HHMMSS` beside it (the newest
 *      BACKUPS_KEPT are kept; older ones go once the write succeeded);
 *   3. write a temp file in the same folder, fsync it, give it the old mode and owner, check the version
 *      once more, and rename it over the target (atomic on one filesystem), then fsync the folder;
 *   4. if the folder or file is not ours to write (EACCES, EPERM, EROFS), hand a temp copy to the Elevator
 *      instead; a refusal (ELEVATION_REFUSED) leaves everything as it was.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import {
  chmod,
  chown,
  copyFile,
  mkdir,
  mkdtemp,
  open,
  readFile,
  readdir,
  realpath,
  rename,
  rm,
  stat,
  unlink,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { AppError } from '../api/app-error';
import type { Elevator } from './elevator';
import { contentVersion } from './read';

/** One write: the new text and the version it was made from. */
export interface WriteRequest {
  path: string;
  text: string;
  /** The version (from read) the new text was made from. */
  baseVersion: string;
  elevator: Elevator;
  /** For the backup's timestamp; injectable so tests know the name. */
  now?: () => Date;
  /**
   * Runs once the new text is staged, just before the last look at the file and the replace. A seam
   * for tests: they change the file here, as another program racing Berth would (the app passes none).
   */
  beforeReplace?: () => Promise<void>;
}

/** Where the backup went, the new version, and whether the OS prompt was used. */
export interface WriteOutcome {
  path: string;
  backupPath: string | null;
  version: string;
  elevated: boolean;
}

/** The file as it is now, or null when there is none. */
async function readCurrent(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function changedSinceRead(path: string): AppError {
  return new AppError(
    'DAEMON_CONFIG_CHANGED',
    `${path} changed on disk after Berth read it, so Berth did not write it.`,
    {
      hint: 'Someone or something else edited the file. Reload it, check their change, and make yours again.',
      fix: { kind: 'retry' },
    },
  );
}

/**
 * daemon.json may be a symbolic link (kept in a dotfiles repository, or NixOS's /etc/static): the file
 * it points at is the one to replace, so the link stays a link. Renaming onto the link itself would
 * swap it for a plain file and silently end that setup.
 */
async function followLink(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return path;
    throw error;
  }
}

/** Replace daemon.json with `text` safely; see the file comment for the steps. */
export async function writeDaemonConfigFile(request: WriteRequest): Promise<WriteOutcome> {
  const outcome = await writeResolved({ ...request, path: await followLink(request.path) });
  return { ...outcome, path: request.path };
}

async function writeResolved(request: WriteRequest): Promise<WriteOutcome> {
  const { path, text, baseVersion } = request;
  const current = await readCurrent(path);
  if (contentVersion(current) !== baseVersion) throw changedSinceRead(path);
  const version = contentVersion(Buffer.from(text, 'utf8'));
  if (current !== null && current.toString('utf8') === text)
    return { path, backupPath: null, version, elevated: false };

  const previous = current === null ? undefined : await stat(path);
  const mode = previous ? previous.mode & 0o7777 : 0o644;
  const owner = previous ? { uid: previous.uid, gid: previous.gid } : undefined;
  const backupPath =
    current === null ? null : await freeBackupName(path, (request.now ?? (() => new Date()))());

  try {
    await writeInPlace(request, { mode, owner, backupPath });
    await pruneBackups(path);
    return { path, backupPath, version, elevated: false };
  } catch (error) {
    if (!isPermissionError(error)) throw error;
  }
  await writeElevated(request, { mode, owner, backupPath });
  // Without write access to the folder the old backups stay (no second prompt just to tidy up).
  await pruneBackups(path);
  return { path, backupPath, version, elevated: true };
}

interface Keep {
  mode: number;
  owner: { uid: number; gid: number } | undefined;
  backupPath: string | null;
}

async function writeInPlace(request: WriteRequest, keep: Keep): Promise<void> {
  const { path, text, baseVersion } = request;
  const folder = dirname(path);
  await mkdir(folder, { recursive: true });
  const temp = join(folder, `.${basename(path)}.berth-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  let backupMade = false;
  try {
    if (keep.backupPath) {
      // COPYFILE_EXCL: never overwrite an older backup; copyFile keeps the mode, we restore the owner.
      await copyFile(path, keep.backupPath, constants.COPYFILE_EXCL);
      backupMade = true;
      await keepOwner(keep.backupPath, keep.owner);
    }
    const handle = await open(temp, 'wx', keep.mode);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await chmod(temp, keep.mode); // the umask may have narrowed it
    await keepOwner(temp, keep.owner);
    await request.beforeReplace?.();
    // Last look before the rename: a write that raced ours since the first check wins, ours is refused.
    if (contentVersion(await readCurrent(path)) !== baseVersion) throw changedSinceRead(path);
    await rename(temp, path);
    await syncFolder(folder);
  } catch (error) {
    await rm(temp, { force: true });
    if (backupMade && keep.backupPath) await unlink(keep.backupPath).catch(() => undefined);
    throw error;
  }
}

async function writeElevated(request: WriteRequest, keep: Keep): Promise<void> {
  const { path, text, baseVersion, elevator } = request;
  // The target folder is not writable by us, so the staged copy waits in our own temp folder.
  const staging = await mkdtemp(join(tmpdir(), 'berth-elevate-daemon-json-'));
  const temp = join(staging, 'daemon.json');
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await request.beforeReplace?.();
    if (contentVersion(await readCurrent(path)) !== baseVersion) throw changedSinceRead(path);
    try {
      await elevator.copyIntoPlace(temp, path, {
        backupPath: keep.backupPath,
        mode: keep.mode,
        ...(keep.owner ?? {}),
      });
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError(
        'ELEVATION_REFUSED',
        'Administrator rights were not granted, so daemon.json was not changed.',
        {
          hint: `Berth needs them once to replace ${path}. Try again, or edit the file yourself.`,
          raw: error instanceof Error ? error.message : String(error),
          cause: error,
        },
      );
    }
    const landed = await readCurrent(path);
    if (landed === null || landed.toString('utf8') !== text) {
      throw new AppError('DAEMON_CONFIG_NOT_WRITABLE', `The new daemon.json did not arrive at ${path}.`, {
        hint: 'The elevated copy reported success but the file is not what Berth wrote. Check the folder’s permissions.',
      });
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** `daemon.json.berth-backup-20261127-053500`, in local time, as the user reads clocks. */
export function backupName(path: string, when: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  const stamp = `${when.getFullYear()}${two(when.getMonth() + 1)}${two(when.getDate())}-${two(when.getHours())}${two(when.getMinutes())}${two(when.getSeconds())}`;
  return `${path}.berth-backup-${stamp}`;
}

/** How many backups of daemon.json Berth keeps beside it: every save makes one. */
export const BACKUPS_KEPT = 10;

/** Remove all but the newest BACKUPS_KEPT backups (names sort by time); what can't be removed stays. */
async function pruneBackups(path: string): Promise<void> {
  const prefix = `${basename(path)}.berth-backup-`;
  const names = await readdir(dirname(path)).catch(() => [] as string[]);
  const backups = names.filter((name) => name.startsWith(prefix)).sort(compareBackupNames);
  await Promise.all(
    backups
      .slice(0, Math.max(0, backups.length - BACKUPS_KEPT))
      .map((name) => unlink(join(dirname(path), name)).catch(() => undefined)),
  );
}

/** Oldest first: by timestamp, then by the -2, -3… of saves made in the same second. */
function compareBackupNames(a: string, b: string): number {
  const key = (name: string) => {
    const match = /-(\d{8}-\d{6})(?:-(\d+))?$/.exec(name);
    return [match?.[1] ?? '', Number(match?.[2] ?? 1)] as const;
  };
  const [stampA, countA] = key(a);
  const [stampB, countB] = key(b);
  return stampA === stampB ? countA - countB : stampA < stampB ? -1 : 1;
}

/** The backup name for this second, with -2, -3… when an earlier save this second took it. */
async function freeBackupName(path: string, when: Date): Promise<string> {
  const base = backupName(path, when);
  for (let attempt = 1; ; attempt++) {
    const candidate = attempt === 1 ? base : `${base}-${attempt}`;
    try {
      await stat(candidate);
    } catch {
      return candidate;
    }
  }
}

/** As root, files we create belong to root; give them back to whoever owned daemon.json. */
async function keepOwner(path: string, owner: Keep['owner']): Promise<void> {
  if (!owner || process.getuid?.() !== 0) return;
  await chown(path, owner.uid, owner.gid);
}

/** fsync the folder so the rename itself survives a power cut; not every platform allows it. */
async function syncFolder(folder: string): Promise<void> {
  try {
    const handle = await open(folder, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Windows cannot open folders for sync; the rename is still atomic there.
  }
}

function isPermissionError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EACCES' || code === 'EPERM' || code === 'EROFS';
}
