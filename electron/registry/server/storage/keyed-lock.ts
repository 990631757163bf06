/** A per-key mutex: work for the same key runs one at a time, different keys run in parallel. */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `work` once every earlier holder of `key` has finished; the key is freed even if it throws. */
  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key);
    let release!: () => void;
    const tail = new Promise<void>((resolve) => (release = resolve));
    this.tails.set(key, tail);
    try {
      if (previous) await previous;
      return await work();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** True while someone holds or waits for `key`. */
  isHeld(key: string): boolean {
    return this.tails.has(key);
  }
}
