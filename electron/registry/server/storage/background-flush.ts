/**
 * Datasyncs that run in the background while an upload still streams in, so the one that must finish
 * before a blob is committed only has the last few MiB left to write.
 *
 * Without them, every byte of a blob went to disk in its final datasync, with the client waiting: a
 * 64 MiB blob's took 0.10–0.14 s here, and four blobs finishing together shared the disk. With a
 * background datasync each time the file grows by 16 MiB (see chunk-writer.ts), the chunked upload
 * of `npm run bench:registry` (64 MiB blobs, four at a time) went from 220 to 247 MB/s, median of 6
 * rounds, faster in each of the 6.
 *
 * A background datasync that fails is remembered and thrown by `finalSync` (the final flush of that
 * file): the kernel may not report a write error to a later datasync of the same file.
 */
import { open } from 'node:fs/promises';

/** Writes a file's dirty pages to disk and waits for them. */
export type SyncFile = (path: string) => Promise<void>;

/** Opens `path`, datasyncs it and closes it. */
export async function datasyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

export interface BackgroundFlushOptions {
  /** Datasyncs running at once (each holds one of libuv's pool threads for its duration). */
  limit?: number;
  sync?: SyncFile;
}

export class BackgroundFlushes {
  private readonly running = new Map<string, Promise<void>>();
  private readonly failed = new Map<string, Error>();
  private readonly limit: number;
  private readonly sync: SyncFile;

  constructor(options: BackgroundFlushOptions = {}) {
    this.limit = options.limit ?? 2;
    this.sync = options.sync ?? datasyncPath;
  }

  /** Starts a datasync of `path` without waiting for it; skipped while one runs for it or too many run. */
  start(path: string): void {
    if (this.running.has(path) || this.running.size >= this.limit) return;
    const done = this.sync(path).then(
      () => undefined,
      (error: unknown) => {
        // A file removed meanwhile (the upload was cancelled) has nothing left to flush.
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        this.failed.set(path, error instanceof Error ? error : new Error(String(error)));
      },
    );
    this.running.set(path, done);
    void done.then(() => this.running.delete(path));
  }

  /**
   * The datasync a file needs before it is committed: waits for a background one still running,
   * throws (once) if one failed, then runs `sync` (by default: open, datasync, close).
   */
  async finalSync(path: string, sync: () => Promise<void> = () => datasyncPath(path)): Promise<void> {
    await this.running.get(path);
    const failure = this.failed.get(path);
    if (failure) {
      this.failed.delete(path);
      throw failure;
    }
    await sync();
  }

  /** The file is gone (upload cancelled or committed): drop what is remembered about it. */
  forget(path: string): void {
    this.failed.delete(path);
  }
}
