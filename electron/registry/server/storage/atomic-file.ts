/**
 * Small file-system helpers every store uses: atomic replace (temp file + fsync + rename), a cache of
 * folders known to exist (so the hot path doesn't mkdir on every write), and quiet removal.
 */
import { mkdir, open, rename, rm, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Creates folders on demand and remembers which exist, so repeated writes skip the mkdir syscall. */
export class DirectoryCache {
  private readonly known = new Set<string>();

  /** Ensures `dir` exists (mkdir -p), once per process unless `forget` is called. */
  async ensure(dir: string): Promise<void> {
    if (this.known.has(dir)) return;
    await mkdir(dir, { recursive: true });
    this.known.add(dir);
  }

  /** Forgets folders under `dir` (after they were removed). */
  forget(dir: string): void {
    for (const known of this.known)
      if (known === dir || known.startsWith(dir + '/') || known.startsWith(dir + '\\'))
        this.known.delete(known);
  }
}

/** A unique name for a temp file. */
export function tempName(prefix = 'tmp'): string {
  // node:crypto is loaded on first use, not at start-up (see process-entry.ts).
  const { randomBytes } = process.getBuiltinModule('node:crypto');
  return `${prefix}-${process.pid}-${randomBytes(8).toString('hex')}`;
}

/**
 * Replaces `target` with `data` atomically: readers see the old content or the new, never a part.
 * The temp file lives in `tmpDir` (same file system, emptied on start) so a crash leaves nothing
 * next to final names. `durable` fsyncs before the rename, so a power cut can't leave an empty file.
 */
export async function writeFileAtomic(
  dirs: DirectoryCache,
  tmpDir: string,
  target: string,
  data: string | Uint8Array,
  durable = true,
): Promise<void> {
  await Promise.all([dirs.ensure(tmpDir), dirs.ensure(dirname(target))]);
  const temp = join(tmpDir, tempName());
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(data);
    if (durable) await handle.sync();
  } catch (error) {
    await handle.close();
    await removeQuietly(temp);
    throw error;
  }
  await handle.close();
  try {
    await rename(temp, target);
  } catch (error) {
    await removeQuietly(temp);
    throw error;
  }
}

/** Creates an empty marker file (a link) if missing; idempotent and safe to race with itself. */
export async function touchFile(dirs: DirectoryCache, target: string): Promise<void> {
  await dirs.ensure(dirname(target));
  // 'a' creates without truncating and never fails on EEXIST: two writers racing both succeed.
  const handle = await open(target, 'a');
  await handle.close();
}

/** Removes a file or folder, ignoring "not there". */
export async function removeQuietly(path: string, recursive = false): Promise<void> {
  try {
    if (recursive) await rm(path, { recursive: true, force: true });
    else await unlink(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** True when `error` is "no such file or folder". */
export function isNotFound(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT';
}
