/**
 * The last N registry activities, kept in the host so a view that mounts after a push still shows it.
 * A fixed-size ring: pushes of many layers must not grow memory without bound.
 */
import type { RegistryActivity } from '../messages';

export class ActivityLog {
  private readonly entries: Array<RegistryActivity | undefined>;
  private next = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError('capacity must be a positive integer');
    this.entries = new Array<RegistryActivity | undefined>(capacity);
  }

  add(activity: RegistryActivity): void {
    this.entries[this.next] = activity;
    this.next = (this.next + 1) % this.capacity;
    this.count = Math.min(this.count + 1, this.capacity);
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
}
