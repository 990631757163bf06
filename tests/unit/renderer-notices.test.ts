/** The toasts list: newest last, at most five, and a repeated notice replaces its copy. */
import { describe, expect, it } from 'vitest';
import { MOST_NOTICES, type ToastNotice, withNotice } from '../../renderer/src/stores/notices';

const full = {
  level: 'error',
  title: 'Local registry: the disk is full',
  detail: 'Storage folder: /data',
} as const;

describe('withNotice', () => {
  it('replaces a notice that is already shown instead of stacking a copy, and moves it to the newest place', () => {
    let notices: ToastNotice[] = [];
    notices = withNotice(notices, full, 1);
    notices = withNotice(notices, { level: 'success', title: 'Pushed a:1' }, 2);
    // The registry reports the full disk again on docker's next retry.
    notices = withNotice(notices, full, 3);
    notices = withNotice(notices, full, 4);
    expect(notices.map((notice) => [notice.id, notice.title])).toEqual([
      [2, 'Pushed a:1'],
      [4, 'Local registry: the disk is full'],
    ]);
  });

  it('keeps notices that differ in level, title or detail, and at most five, dropping the oldest', () => {
    let notices: ToastNotice[] = [];
    notices = withNotice(notices, full, 1);
    notices = withNotice(notices, { ...full, detail: 'Storage folder: /other' }, 2);
    notices = withNotice(notices, { ...full, level: 'warning' }, 3);
    expect(notices).toHaveLength(3);
    for (let id = 4; id <= 9; id += 1) notices = withNotice(notices, { level: 'info', title: `n${id}` }, id);
    expect(notices).toHaveLength(MOST_NOTICES);
    expect(notices.map((notice) => notice.id)).toEqual([5, 6, 7, 8, 9]);
  });
});
