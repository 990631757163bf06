/** The toasts on screen, as a pure list operation the app store applies (and unit tests drive). */
import type { Notice } from '../../../electron/api/contract/app';
import type { TransferSnapshot } from '../../../electron/api/contract/transfers';

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

type Finished = Pick<TransferSnapshot, 'kind' | 'reference' | 'state' | 'digest' | 'error'>;

/**
 * What to tell the user about transfers that finished in one batch. One success gets its own notice
 * with the digest; several at once (a batch of pushes ending together) get one notice that names
 * them, rather than a stack of toasts, most of which the five-toast limit would drop unseen (each
 * card keeps its digest). Failures get a notice only while the panel is folded (open, it already
 * shows each error and its fix): one failure with its error, several in one notice that names them.
 */
export function finishedNotices(finished: readonly Finished[], panelOpen: boolean): Notice[] {
  const notices: Notice[] = [];
  const succeeded = finished.filter((transfer) => transfer.state === 'succeeded');
  if (succeeded.length === 1) {
    const [transfer] = succeeded as [Finished];
    notices.push({
      level: 'success',
      title: `${transfer.kind === 'push' ? 'Pushed' : 'Pulled'} ${transfer.reference}`,
      ...(transfer.digest ? { detail: `Digest ${transfer.digest}` } : {}),
    });
  } else if (succeeded.length > 1) {
    const pushed = succeeded.filter((transfer) => transfer.kind === 'push').length;
    const pulled = succeeded.length - pushed;
    const images = (count: number) => `${count} image${count === 1 ? '' : 's'}`;
    notices.push({
      level: 'success',
      title:
        pulled === 0
          ? `Pushed ${images(pushed)}`
          : pushed === 0
            ? `Pulled ${images(pulled)}`
            : `Pushed ${images(pushed)} and pulled ${images(pulled)}`,
      detail: `${names(succeeded)}. Digests are in the Transfers panel.`,
    });
  }
  if (panelOpen) return notices;
  const failed = finished.filter((transfer) => transfer.state === 'failed');
  if (failed.length === 1) {
    const [transfer] = failed as [Finished];
    notices.push({
      level: 'error',
      title: `${transfer.kind === 'push' ? 'Push' : 'Pull'} of ${transfer.reference} failed`,
      detail: transfer.error?.message ?? 'See the transfers panel.',
    });
  } else if (failed.length > 1) {
    // Error toasts stay until dismissed: one for the lot, not a stack that pushes the others out.
    const pushes = failed.filter((transfer) => transfer.kind === 'push').length;
    const pulls = failed.length - pushes;
    const parts: string[] = [];
    if (pushes > 0) parts.push(`${pushes} ${pushes === 1 ? 'push' : 'pushes'}`);
    if (pulls > 0) parts.push(`${pulls} ${pulls === 1 ? 'pull' : 'pulls'}`);
    notices.push({
      level: 'error',
      title: `${parts.join(' and ')} failed`,
      detail: `${names(failed)}. Each error and its fix are in the Transfers panel.`,
    });
  }
  return notices;
}

/** The first three references, and how many more. */
function names(transfers: readonly Finished[]): string {
  const shown = transfers.slice(0, 3).map((transfer) => transfer.reference);
  const more = transfers.length - shown.length;
  return `${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}
