/** The toasts on screen, as a pure list operation the app store applies (and unit tests drive). */
import type { Notice } from '../../../electron/api/contract/app';

export interface ToastNotice extends Notice {
  id: number;
}

/** At most this many toasts at once; the oldest go first. */
export const MOST_NOTICES = 5;

/**
 * `notices` with `notice` added as the newest. The same notice again (a registry reporting a full
 * disk on every retry) replaces the one shown rather than stacking copies.
 */
export function withNotice(notices: readonly ToastNotice[], notice: Notice, id: number): ToastNotice[] {
  const others = notices.filter(
    (shown) => shown.level !== notice.level || shown.title !== notice.title || shown.detail !== notice.detail,
  );
  return [...others.slice(-(MOST_NOTICES - 1)), { ...notice, id }];
}

/** How long a success or info toast stays. */
export const NOTICE_SHOWN_MS = 8000;

/**
 * One clock per toast: each success or info toast is dismissed `NOTICE_SHOWN_MS` after it first
 * showed, whatever came after it (restarting every clock on each new notice kept old toasts up for
 * as long as notices kept coming). Clocks of toasts already gone are stopped.
 */
export class ToastClocks {
  private readonly clocks = new Map<number, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly dismiss: (id: number) => void,
    private readonly timers: {
      set: (callback: () => void, ms: number) => ReturnType<typeof setTimeout>;
      clear: (timer: ReturnType<typeof setTimeout>) => void;
    } = { set: (callback, ms) => setTimeout(callback, ms), clear: (timer) => clearTimeout(timer) },
  ) {}

  /** Call with the toasts now on screen. */
  follow(notices: readonly ToastNotice[]): void {
    const shown = new Set(notices.map((notice) => notice.id));
    for (const notice of notices) {
      if ((notice.level === 'success' || notice.level === 'info') && !this.clocks.has(notice.id))
        this.clocks.set(
          notice.id,
          this.timers.set(() => this.dismiss(notice.id), NOTICE_SHOWN_MS),
        );
    }
    for (const [id, clock] of this.clocks) {
      if (!shown.has(id)) {
        this.timers.clear(clock);
        this.clocks.delete(id);
      }
    }
  }

  stop(): void {
    this.clocks.forEach((clock) => this.timers.clear(clock));
    this.clocks.clear();
  }
}
