/**
 * The last N registry activities, kept in the host so a view that mounts after a push still shows it.
 * A fixed-size ring: pushes of many layers must not grow memory without bound. Given a file, the
 * entries are also appended there (one JSON line each) and read back when the app starts again, so
 * the feed is not emptied by a restart; the file is rewritten to the last N once it holds 2N lines.
 */
import { appendFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { registryActivitySchema } from '../../api/contract/registry';
import type { RegistryActivity } from '../messages';

export class ActivityLog {
  private readonly entries: Array<RegistryActivity | undefined>;
  private next = 0;
  private count = 0;
  private linesInFile = 0;

  constructor(
    readonly capacity: number,
    private readonly file?: string,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError('capacity must be a positive integer');
    this.entries = new Array<RegistryActivity | undefined>(capacity);
    if (file) this.load(file);
  }

  add(activity: RegistryActivity): void {
    this.remember(activity);
    if (!this.file) return;
    try {
      if (this.linesInFile + 1 >= 2 * this.capacity) this.rewrite(this.file);
      else {
        appendFileSync(this.file, `${JSON.stringify(activity)}\n`);
        this.linesInFile += 1;
      }
    } catch {
      // A feed that can't be kept on disk still works in memory.
    }
  }

  /** Oldest first. */
  list(): RegistryActivity[] {
    const result: RegistryActivity[] = [];
    const start = (this.next - this.count + this.capacity) % this.capacity;
    for (let i = 0; i < this.count; i++) {
      const entry = this.entries[(start + i) % this.capacity];
      if (entry) result.push(entry);
    }
    return result;
  }

  private remember(activity: RegistryActivity): void {
    this.entries[this.next] = activity;
    this.next = (this.next + 1) % this.capacity;
    this.count = Math.min(this.count + 1, this.capacity);
  }

  /** Reads the kept entries; a line that is not a valid activity (a torn write) is skipped. */
  private load(file: string): void {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return;
    }
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      this.linesInFile += 1;
      try {
        const parsed = registryActivitySchema.safeParse(JSON.parse(line));
        if (parsed.success) this.remember(parsed.data);
      } catch {
        // skipped
      }
    }
  }

  /** The file becomes the entries in memory (the last N), written aside and renamed over it. */
  private rewrite(file: string): void {
    mkdirSync(dirname(file), { recursive: true });
    const entries = this.list();
    writeFileSync(`${file}.tmp`, entries.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
    renameSync(`${file}.tmp`, file);
    this.linesInFile = entries.length;
  }
}
