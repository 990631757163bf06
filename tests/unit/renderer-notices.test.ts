/** The toasts list: newest last, at most five, and a repeated notice replaces its copy. */
import { describe, expect, it } from 'vitest';
import { finishedNotices } from '../../electron/common/transfer-notices';
import { MOST_NOTICES, ToastClocks, type ToastNotice, withNotice } from '../../renderer/src/stores/notices';

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

describe('toast clocks', () => {
  /** Hand-driven timers: `advance(ms)` fires what is due. */
  function clock() {
    let now = 0;
    let next = 1;
    const due = new Map<number, { at: number; callback: () => void }>();
    return {
      timers: {
        set: (callback: () => void, ms: number) => {
          const id = next++;
          due.set(id, { at: now + ms, callback });
          return id as unknown as ReturnType<typeof setTimeout>;
        },
        clear: (timer: ReturnType<typeof setTimeout>) => void due.delete(timer as unknown as number),
      },
      advance(ms: number) {
        now += ms;
        for (const [id, entry] of [...due]) {
          if (entry.at <= now) {
            due.delete(id);
            entry.callback();
          }
        }
      },
      pending: () => due.size,
    };
  }
  const toast = (id: number, level: ToastNotice['level'] = 'success'): ToastNotice => ({
    id,
    level,
    title: `t${id}`,
  });

  it('dismisses each success toast 8 s after it showed, even while new ones keep coming', () => {
    const time = clock();
    const dismissed: number[] = [];
    const clocks = new ToastClocks((id) => dismissed.push(id), time.timers);
    clocks.follow([toast(1)]);
    time.advance(5000);
    clocks.follow([toast(1), toast(2)]);
    time.advance(3000);
    expect(dismissed).toEqual([1]);
    clocks.follow([toast(2), toast(3, 'error')]);
    time.advance(5000);
    expect(dismissed).toEqual([1, 2]);
    // Errors stay until dismissed by hand; a toast closed by hand stops its clock.
    clocks.follow([toast(3, 'error'), toast(4, 'info')]);
    clocks.follow([toast(3, 'error')]);
    expect(time.pending()).toBe(0);
    time.advance(60_000);
    expect(dismissed).toEqual([1, 2]);
  });
});

describe('finishedNotices', () => {
  const pushed = (name: string) => ({
    kind: 'push' as const,
    reference: `127.0.0.1:5000/team/${name}:1`,
    state: 'succeeded' as const,
    digest: `sha256:${'ab'.repeat(32)}`,
  });

  it('tells one success with its digest', () => {
    expect(finishedNotices([pushed('a')], true)).toEqual([
      {
        level: 'success',
        title: 'Pushed 127.0.0.1:5000/team/a:1',
        detail: `Digest sha256:${'ab'.repeat(32)}`,
      },
    ]);
  });

  it('tells ten successes at once in one notice that names the first three, not ten toasts', () => {
    const ten = Array.from({ length: 10 }, (_, index) => pushed(`app-${index}`));
    expect(finishedNotices(ten, true)).toEqual([
      {
        level: 'success',
        title: 'Pushed 10 images',
        detail:
          '127.0.0.1:5000/team/app-0:1, 127.0.0.1:5000/team/app-1:1, 127.0.0.1:5000/team/app-2:1 and 7 more. Digests are in the Transfers panel.',
      },
    ]);
    const mixed = [pushed('a'), pushed('b'), { ...pushed('c'), kind: 'pull' as const }];
    expect(finishedNotices(mixed, true)[0]?.title).toBe('Pushed 2 images and pulled 1 image');
  });

  it('tells a failure only while the panel is folded, with the error', () => {
    const failed = {
      kind: 'pull' as const,
      reference: 'registry.example.com/team/app:1',
      state: 'failed' as const,
      error: { code: 'NOT_FOUND' as const, message: 'manifest unknown' },
    };
    expect(finishedNotices([failed, pushed('a')], true).map((notice) => notice.level)).toEqual(['success']);
    expect(finishedNotices([failed], false)).toEqual([
      {
        level: 'error',
        title: 'Pull of registry.example.com/team/app:1 failed',
        detail: 'manifest unknown',
      },
    ]);
    // A cancelled transfer was the user's own doing: no notice.
    expect(finishedNotices([{ ...failed, state: 'cancelled' as const }], false)).toEqual([]);
  });

  it('tells several failures at once in one error notice that names them (error toasts stay until dismissed)', () => {
    const failure = (kind: 'push' | 'pull', name: string) => ({
      kind,
      reference: `registry.example.com/team/${name}:1`,
      state: 'failed' as const,
      error: { code: 'UNAUTHORIZED' as const, message: 'unauthorized: authentication required' },
    });
    const six = [
      ...Array.from({ length: 5 }, (_, index) => failure('push', `app-${index}`)),
      failure('pull', 'base'),
    ];
    expect(finishedNotices(six, false)).toEqual([
      {
        level: 'error',
        title: '5 pushes and 1 pull failed',
        detail:
          'registry.example.com/team/app-0:1, registry.example.com/team/app-1:1, registry.example.com/team/app-2:1 and 3 more. Each error and its fix are in the Transfers panel.',
      },
    ]);
    // With a success in the same batch: its own notice, then the failures' one.
    const mixed = finishedNotices([pushed('a'), failure('pull', 'x'), failure('pull', 'y')], false);
    expect(mixed.map((notice) => [notice.level, notice.title])).toEqual([
      ['success', 'Pushed 127.0.0.1:5000/team/a:1'],
      ['error', '2 pulls failed'],
    ]);
    expect(finishedNotices(six, true)).toEqual([]);
  });
});
