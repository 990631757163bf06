import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TransferKind } from '../../electron/api/contract/transfers';
import { ProgressModel, type DaemonMessage } from '../../electron/docker/progress-model';

// Recorded from a real dockerd (see tests/fixtures/progress/recorded-with.json and record.ts).
function recording(name: string): DaemonMessage[] {
  const text = readFileSync(join(__dirname, '../fixtures/progress', `${name}.jsonl`), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as DaemonMessage);
}

/** Feed a recording, 10 ms apart; returns the model and the overall fraction after each message. */
function replay(direction: TransferKind, messages: DaemonMessage[]) {
  const model = new ProgressModel(direction);
  const overalls: number[] = [];
  messages.forEach((message, index) => {
    model.apply(message, 1_000_000 + index * 10);
    overalls.push(model.progress(1_000_000 + index * 10).overall);
  });
  return { model, overalls, final: model.progress(1_000_000 + messages.length * 10) };
}

function expectMonotonic(values: number[]) {
  for (let index = 1; index < values.length; index += 1)
    expect(values[index]).toBeGreaterThanOrEqual(values[index - 1]! - 1e-9);
}

const sizesOf = (messages: DaemonMessage[], status: string) => {
  const sizes = new Map<string, number>();
  for (const message of messages) {
    if (message.status === status && message.id && message.progressDetail?.total)
      sizes.set(message.id, message.progressDetail.total);
  }
  return [...sizes.values()].reduce((sum, size) => sum + size, 0);
};

describe('progress model on recorded push streams', () => {
  it('push to an empty registry: every layer Pushed, bytes add up, digest from aux', () => {
    const messages = recording('push-fresh');
    const { final, overalls } = replay('push', messages);
    expect(final.rows).toHaveLength(3);
    expect(final.rows.every((row) => row.status === 'Pushed' && row.done)).toBe(true);
    expect(final.overall).toBe(1);
    expect(final.bytesTotal).toBe(sizesOf(messages, 'Pushing'));
    expect(final.bytesDone).toBe(final.bytesTotal);
    expect(final.digest).toBe(messages.at(-1)?.aux?.Digest);
    expect(final.messages[0]).toMatch(/^The push refers to repository/);
    expectMonotonic(overalls);
    // It really moves through the middle, not 0 → 1.
    expect(overalls.some((value) => value > 0.2 && value < 0.8)).toBe(true);
  });

  it('push again: "Layer already exists" counts as done', () => {
    const { final } = replay('push', recording('push-existing'));
    expect(final.rows.map((row) => row.status)).toEqual([
      'Layer already exists',
      'Layer already exists',
      'Layer already exists',
    ]);
    expect(final.overall).toBe(1);
    expect(final.etaSeconds).toBe(0);
    expect(final.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
  });

  it('push to another repository: "Mounted from …" counts as done', () => {
    const { final } = replay('push', recording('push-mounted'));
    expect(
      final.rows.every((row) => row.status.startsWith('Mounted from berth-test/first-') && row.done),
    ).toBe(true);
    expect(final.overall).toBe(1);
  });

  it('reads the digest from the "<tag>: digest: … size:" line when there is no aux', () => {
    const messages = recording('push-fresh').filter((message) => !message.aux);
    const { final } = replay('push', messages);
    expect(final.digest).toBe(recording('push-fresh').at(-1)?.aux?.Digest);
  });
});

describe('progress model on recorded pull streams', () => {
  it('fresh pull: Downloading → Verifying Checksum → Download complete → Extracting → Pull complete', () => {
    const messages = recording('pull-fresh');
    const { final, overalls } = replay('pull', messages);
    const pulled = final.rows.filter((row) => row.status === 'Pull complete');
    expect(pulled.length).toBeGreaterThanOrEqual(2);
    expect(final.rows.every((row) => row.done)).toBe(true);
    expect(final.overall).toBe(1);
    expect(final.bytesTotal).toBe(sizesOf(messages, 'Downloading'));
    expect(final.bytesDone).toBe(final.bytesTotal);
    expect(final.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(final.messages.at(-1)).toMatch(/^Status: Downloaded newer image/);
    expectMonotonic(overalls);
  });

  it("fresh pull: each new layer's row shows every state on the way, in the daemon's order", () => {
    const messages = recording('pull-fresh');
    const model = new ProgressModel('pull');
    const shown = new Map<string, string[]>();
    messages.forEach((message, index) => {
      model.apply(message, 1_000_000 + index * 10);
      for (const row of model.progress(1_000_000 + index * 10).rows) {
        const seen = shown.get(row.id) ?? [];
        if (seen.at(-1) !== row.status) shown.set(row.id, [...seen, row.status]);
      }
    });
    const fresh = [...shown.values()].filter((states) => states.at(-1) === 'Pull complete');
    expect(fresh).toHaveLength(2);
    for (const states of fresh) {
      expect(states).toEqual([
        'Pulling fs layer',
        'Downloading',
        'Verifying Checksum',
        'Download complete',
        'Extracting',
        'Pull complete',
      ]);
    }
  });

  it('pull with layers already present: "Already exists" rows are done, the new one pulls', () => {
    const { final } = replay('pull', recording('pull-existing'));
    expect(final.rows.filter((row) => row.status === 'Already exists')).toHaveLength(3);
    expect(final.rows.filter((row) => row.status === 'Pull complete')).toHaveLength(1);
    expect(final.overall).toBe(1);
  });

  it('"Pulling from" is a heading, not a layer', () => {
    const { final } = replay('pull', recording('pull-existing'));
    expect(final.rows.some((row) => row.id === '1')).toBe(false);
    expect(final.messages[0]).toMatch(/^Pulling from berth-test\/child-/);
  });

  it('shows the extraction bytes while extracting', () => {
    const messages = recording('pull-fresh');
    const model = new ProgressModel('pull');
    const extracting = messages.findIndex((message) => message.status === 'Extracting');
    messages.slice(0, extracting + 1).forEach((message) => model.apply(message, 0));
    const row = model.progress(0).rows.find((candidate) => candidate.id === messages[extracting]!.id)!;
    expect(row).toMatchObject({
      status: 'Extracting',
      unit: 'bytes',
      current: messages[extracting]!.progressDetail!.current,
    });
  });

  it('gives the same answers without the preformatted progress string (Docker 29 no longer sends it)', () => {
    for (const [name, direction] of [
      ['push-fresh', 'push'],
      ['pull-fresh', 'pull'],
    ] as const) {
      const withString = replay(direction, recording(name)).final;
      const without = replay(
        direction,
        recording(name).map(({ progress: _dropped, ...rest }) => rest),
      ).final;
      expect(without).toEqual(withString);
    }
  });
});

describe('progress model: containerd image store', () => {
  // Hand-made, not recorded (our daemon is 20.10 with vfs: no containerd image store). With the containerd
  // image store, "Extracting" carries elapsed seconds, `progressDetail: {current: 1 + seconds, units: "s"}`,
  // and no total: moby daemon/containerd/progress.go extractProgress (read at commit 03f6700f93c9), added by
  // moby PR #49064 (early 2025, Docker 28 and later); reported from Docker 29.5.2 as
  // {"status":"Extracting","progressDetail":{"current":3,"units":"s"},"id":"9cb31e2e37ea"} (dstackai/dstack#3921).
  // Docker 29 sends no preformatted `progress` string, so the sample has none.
  const sample: DaemonMessage[] = [
    { status: 'Pulling from team/app', id: '1' },
    { status: 'Waiting', progressDetail: {}, id: 'aaaaaaaaaaaa' },
    { status: 'Waiting', progressDetail: {}, id: 'bbbbbbbbbbbb' },
    { status: 'Downloading', progressDetail: { current: 500, total: 1000 }, id: 'aaaaaaaaaaaa' },
    { status: 'Downloading', progressDetail: { current: 3000, total: 3000 }, id: 'bbbbbbbbbbbb' },
    { status: 'Download complete', progressDetail: {}, id: 'bbbbbbbbbbbb' },
    { status: 'Extracting', progressDetail: { current: 1, units: 's' }, id: 'bbbbbbbbbbbb' },
    { status: 'Extracting', progressDetail: { current: 2, units: 's' }, id: 'bbbbbbbbbbbb' },
  ];

  it('counts Extracting in seconds and keeps it out of the byte totals', () => {
    const model = new ProgressModel('pull');
    sample.forEach((message, index) => model.apply(message, index * 100));
    const summary = model.progress(1000);
    const row = summary.rows.find((candidate) => candidate.id === 'bbbbbbbbbbbb')!;
    expect(row).toMatchObject({ status: 'Extracting', unit: 'seconds', current: 2, total: 0, done: false });
    expect(summary.bytesDone).toBe(3500);
    expect(summary.bytesTotal).toBe(4000);
    // b downloaded (half its weight), a half downloaded (a quarter of its weight): (0.5·3000 + 0.25·1000) / 4000.
    expect(summary.overall).toBeCloseTo(1750 / 4000, 6);
  });

  it('finishes on Pull complete', () => {
    const model = new ProgressModel('pull');
    [
      ...sample,
      { status: 'Download complete', progressDetail: {}, id: 'aaaaaaaaaaaa' },
      { status: 'Pull complete', progressDetail: {}, id: 'aaaaaaaaaaaa' },
      { status: 'Pull complete', progressDetail: {}, id: 'bbbbbbbbbbbb' },
    ].forEach((message) => model.apply(message, 0));
    expect(model.progress(0).overall).toBe(1);
  });
});

describe('progress model: weighting, speed, endings', () => {
  it('weighs a layer of unknown size like an average known one', () => {
    const model = new ProgressModel('push');
    for (const id of ['a', 'b', 'c']) model.apply({ status: 'Preparing', progressDetail: {}, id }, 0);
    model.apply({ status: 'Pushing', progressDetail: { current: 50, total: 100 }, id: 'a' }, 0);
    expect(model.progress(0).overall).toBeCloseTo(50 / 300, 6);
    expect(model.progress(0).etaSeconds).toBeNull();
  });

  it('measures speed over a sliding window and estimates the time left', () => {
    const model = new ProgressModel('push', { speedWindowMs: 2000 });
    model.apply({ status: 'Pushing', progressDetail: { current: 0, total: 10_000_000 }, id: 'a' }, 0);
    for (let second = 1; second <= 5; second += 1) {
      model.apply(
        { status: 'Pushing', progressDetail: { current: second * 1_000_000, total: 10_000_000 }, id: 'a' },
        second * 1000,
      );
    }
    const summary = model.progress(5000);
    expect(summary.speed).toBeCloseTo(1_000_000, -3);
    expect(summary.etaSeconds).toBeCloseTo(5, 1);
    // Stalled for the whole window: speed falls to zero, no estimate.
    expect(model.progress(20_000).speed).toBe(0);
    expect(model.progress(20_000).etaSeconds).toBeNull();
  });

  it('marks unfinished rows and keeps finished ones', () => {
    const model = new ProgressModel('push');
    model.apply({ status: 'Pushed', progressDetail: {}, id: 'a' }, 0);
    model.apply({ status: 'Pushing', progressDetail: { current: 5, total: 10 }, id: 'b' }, 0);
    model.markUnfinished('Cancelled');
    const rows = model.progress(0).rows;
    expect(rows.map((row) => row.status)).toEqual(['Pushed', 'Cancelled']);
    // The stopped layer still tells how far it got.
    expect(rows[1]).toMatchObject({ current: 5, total: 10, unit: 'bytes', done: false });
  });

  it('keeps the daemon error message', () => {
    const model = new ProgressModel('push');
    model.apply(
      { errorDetail: { message: 'denied: requested access to the resource is denied' }, error: 'denied' },
      0,
    );
    expect(model.error).toBe('denied: requested access to the resource is denied');
  });
});
