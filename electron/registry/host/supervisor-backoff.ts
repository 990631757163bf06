/**
 * When to restart the registry after a crash. Delays double from `initialMs` up to `maxMs`, so a
 * registry that dies at once on every start does not spin the CPU; a run that stayed up for
 * `stableAfterMs` counts as healthy and the next crash starts from `initialMs` again.
 */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  stableAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000, stableAfterMs: 60_000 };

export class RestartBackoff {
  private failures = 0;

  constructor(private readonly options: BackoffOptions = DEFAULT_BACKOFF) {}

  /**
   * The delay before the next restart, given how long the run that just ended had been up
   * (0 when it never became ready).
   */
  nextDelay(uptimeMs: number): number {
    if (uptimeMs >= this.options.stableAfterMs) this.failures = 0;
    const delay = Math.min(this.options.maxMs, this.options.initialMs * 2 ** this.failures);
    // Capped so the exponent cannot overflow after days of failing.
    this.failures = Math.min(this.failures + 1, 30);
    return delay;
  }

  /** After a start the user asked for: their intent wipes the crash history. */
  reset(): void {
    this.failures = 0;
  }
}
