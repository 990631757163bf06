/** The Electron shell's system notifications: transfers that end together are told together. */
import { describe, expect, it } from 'vitest';
import type { Notice } from '../../electron/api/contract/app';
import { FINISH_WINDOW_MS, FinishNotifier } from '../../electron/shell/finish-notifications';

/** A notifier on a hand-driven clock: `run()` fires the timers that are due. */
function notifier() {
  const shown: Notice[] = [];
  let now = 0;
  let timers: { at: number; callback: () => void }[] = [];
  const subject = new FinishNotifier((notice) => shown.push(notice), {
    set: (callback, ms) => timers.push({ at: now + ms, callback }),
  });
  const advance = (ms: number) => {
    now += ms;
    const due = timers.filter((timer) => timer.at <= now);
    timers = timers.filter((timer) => timer.at > now);
    due.forEach((timer) => timer.callback());
  };
  return { subject, shown, advance };
}

const transfer = (index: number, state: 'running' | 'succeeded' | 'failed' | 'cancelled') => ({
  id: `t${index}`,
  kind: 'push' as const,
  reference: `127.0.0.1:5000/team/app-${index}:1`,
  state,
  ...(state === 'succeeded' ? { digest: `sha256:${'ab'.repeat(32)}` } : {}),
  ...(state === 'failed' ? { error: { code: 'UNAUTHORIZED' as const, message: 'unauthorized' } } : {}),
});

describe('FinishNotifier', () => {
  it('tells a dozen pushes that end together in one notification, each transfer once', () => {
    const { subject, shown, advance } = notifier();
    for (let index = 0; index < 12; index += 1) subject.add(transfer(index, 'running'));
    expect(shown).toEqual([]);
    for (let index = 0; index < 12; index += 1) {
      subject.add(transfer(index, 'succeeded'));
      advance(10);
    }
    // Late copies of final snapshots (the list answer, a replay) are not told again.
    subject.add(transfer(3, 'succeeded'));
    advance(FINISH_WINDOW_MS);
    expect(shown.map((notice) => notice.title)).toEqual(['Pushed 12 images']);
    advance(FINISH_WINDOW_MS * 3);
    expect(shown).toHaveLength(1);
  });

  it('tells one success with its digest, failures even with the window in front, and no cancel', () => {
    const { subject, shown, advance } = notifier();
    subject.add(transfer(1, 'succeeded'));
    advance(FINISH_WINDOW_MS);
    expect(shown).toEqual([
      {
        level: 'success',
        title: 'Pushed 127.0.0.1:5000/team/app-1:1',
        detail: `Digest sha256:${'ab'.repeat(32)}`,
      },
    ]);
    // A later batch is told on its own: two failures and a cancel.
    subject.add(transfer(2, 'failed'));
    subject.add(transfer(3, 'cancelled'));
    subject.add(transfer(4, 'failed'));
    advance(FINISH_WINDOW_MS - 1);
    expect(shown).toHaveLength(1);
    advance(1);
    expect(shown.slice(1).map((notice) => [notice.level, notice.title])).toEqual([
      ['error', '2 pushes failed'],
    ]);
  });
});
