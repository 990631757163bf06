/**
 * Notices when config.json changes behind the app's back (`docker login` / `docker logout` in a
 * terminal). fs.watch on the folder answers within milliseconds where it works (the CLI replaces the
 * file by renaming a temp file over it, which a watch on the file itself would lose), and a cheap stat
 * once a second covers where it doesn't (network folders, a folder that doesn't exist yet). Both only
 * compare the file's size, mtime and inode, and a burst of changes is reported once.
 */
import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';

export interface ConfigWatcherOptions {
  /** How often to stat the file (default 1000 ms). */
  pollMs?: number;
  /** Changes closer together than this are reported once (default 100 ms). */
  settleMs?: number;
}

export class ConfigFileWatcher {
  private watcher: FSWatcher | undefined;
  private poll: NodeJS.Timeout | undefined;
  private settle: NodeJS.Timeout | undefined;
  private signature: string | undefined;
  private checking = false;

  constructor(
    private readonly path: string,
    private readonly onChange: () => void,
    private readonly options: ConfigWatcherOptions = {},
  ) {}

  async start(): Promise<void> {
    this.signature = await this.read();
    this.watchFolder();
    this.poll = setInterval(() => void this.check(), this.options.pollMs ?? 1000);
    this.poll.unref();
  }

  stop(): void {
    this.watcher?.close();
    this.watcher = undefined;
    clearInterval(this.poll);
    clearTimeout(this.settle);
  }

  private watchFolder(): void {
    if (this.watcher) return;
    try {
      this.watcher = watch(dirname(this.path), { persistent: false }, (_event, name) => {
        if (name === null || name === basename(this.path)) void this.check();
      });
      // The folder went away (or can't be watched): the poll carries on, and re-watches when it is back.
      this.watcher.on('error', () => {
        this.watcher?.close();
        this.watcher = undefined;
      });
    } catch {
      this.watcher = undefined;
    }
  }

  private async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      const now = await this.read();
      if (!this.watcher) this.watchFolder();
      if (now === this.signature) return;
      this.signature = now;
      clearTimeout(this.settle);
      this.settle = setTimeout(() => this.onChange(), this.options.settleMs ?? 100);
      this.settle.unref();
    } finally {
      this.checking = false;
    }
  }

  private async read(): Promise<string> {
    try {
      const info = await stat(this.path);
      return `${info.ino}:${info.size}:${info.mtimeMs}`;
    } catch {
      return 'absent';
    }
  }
}
