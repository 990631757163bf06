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
