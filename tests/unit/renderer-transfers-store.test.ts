/**
 * The transfers store's pure core: merging whole snapshots (newest wins, finished never goes back),
 * ordering (newest first), which transfers count as "just finished" for notices, and coalescing any
 * number of events into one flush per frame with the latest snapshot of each transfer.
 */
import { describe, expect, it } from 'vitest';
import type { TransferRow, TransferSnapshot } from '../../electron/api/contract/transfers';
import {
  applySnapshots,
  compactRows,
  countTransfers,
  countWords,
  emptyTransfers,
  percent,
  removeTransfer,
  SnapshotBatcher,
  supersedes,
} from '../../renderer/src/stores/transfer-updates';

function snapshot(id: string, patch: Partial<TransferSnapshot> = {}): TransferSnapshot {
  return {
    id,
    kind: 'push',
    reference: `127.0.0.1:5000/team/${id}:1`,
    state: 'running',
    rows: [],
    overall: 0,
    bytesDone: 0,
    bytesTotal: 100,
    speed: 0,
    etaSeconds: null,
    messages: [],
    cancelRequested: false,
    startedAt: 1_000,
    ...patch,
  };
}

/** A frame scheduler the test runs by hand. */
function manualFrames() {
  const queue: Array<() => void> = [];
  return {
    schedule: (callback: () => void) => queue.push(callback),
    pending: () => queue.length,
    runFrame: () => queue.splice(0).forEach((callback) => callback()),
  };
}

describe('applySnapshots', () => {
  it('adds transfers newest first by start time, whatever order they arrive in', () => {
    const { data } = applySnapshots(emptyTransfers, [
      snapshot('b', { startedAt: 2_000 }),
      snapshot('a', { startedAt: 1_000 }),
      snapshot('c', { startedAt: 3_000 }),
    ]);
    expect(data.order).toEqual(['c', 'b', 'a']);
    const { data: next } = applySnapshots(data, [snapshot('d', { startedAt: 2_500 })]);
    expect(next.order).toEqual(['c', 'd', 'b', 'a']);
  });

  it('replaces a transfer with its newer snapshot and keeps the order array when nobody is new', () => {
    const { data } = applySnapshots(emptyTransfers, [snapshot('a'), snapshot('b', { startedAt: 2_000 })]);
    const { data: next } = applySnapshots(data, [snapshot('a', { bytesDone: 40, overall: 0.4 })]);
    expect(next.byId.a!.bytesDone).toBe(40);
    expect(next.order).toBe(data.order);
    expect(next.byId.b).toBe(data.byId.b);
  });

  it('returns the same object when nothing changed, so subscribers do not re-render', () => {
    const { data } = applySnapshots(emptyTransfers, [snapshot('a', { bytesDone: 50 })]);
    expect(applySnapshots(data, []).data).toBe(data);
    // An older running snapshot (fewer bytes) arriving late is ignored.
    expect(applySnapshots(data, [snapshot('a', { bytesDone: 10 })]).data).toBe(data);
    // A dismissed transfer's late events are ignored.
    expect(applySnapshots(data, [snapshot('x')], { forgotten: new Set(['x']) }).data).toBe(data);
  });

  it('never takes a finished transfer back to running', () => {
    const done = snapshot('a', {
      state: 'succeeded',
      overall: 1,
      bytesDone: 100,
      digest: 'sha256:' + 'a'.repeat(64),
    });
    const { data } = applySnapshots(emptyTransfers, [done]);
    const { data: next } = applySnapshots(data, [snapshot('a', { bytesDone: 100 })]);
    expect(next.byId.a!.state).toBe('succeeded');
    expect(supersedes(snapshot('a', { state: 'cancelled' }), done)).toBe(false);
  });

  it('reports a transfer as finished once, when it was seen running', () => {
    const { data } = applySnapshots(emptyTransfers, [snapshot('a')], { live: true });
    const first = applySnapshots(data, [snapshot('a', { state: 'succeeded', bytesDone: 100 })], {
      live: true,
    });
    expect(first.finished.map((entry) => entry.id)).toEqual(['a']);
    const again = applySnapshots(first.data, [snapshot('a', { state: 'succeeded', bytesDone: 100 })], {
      live: true,
    });
    expect(again.finished).toEqual([]);
  });

  it('counts a live transfer first seen finished, but not history from transfers.list', () => {
    const finished = snapshot('quick', { state: 'failed' });
    expect(applySnapshots(emptyTransfers, [finished], { live: true }).finished).toHaveLength(1);
    expect(applySnapshots(emptyTransfers, [finished]).finished).toHaveLength(0);
  });

  it('removeTransfer forgets one transfer', () => {
    const { data } = applySnapshots(emptyTransfers, [snapshot('a'), snapshot('b', { startedAt: 2_000 })]);
    const next = removeTransfer(data, 'a');
    expect(next.order).toEqual(['b']);
    expect(next.byId.a).toBeUndefined();
    expect(removeTransfer(next, 'a')).toBe(next);
  });
});

describe('SnapshotBatcher', () => {
  it('coalesces any number of events into one flush per frame with the latest snapshot of each transfer', () => {
    const frames = manualFrames();
    const flushed: TransferSnapshot[][] = [];
    const batcher = new SnapshotBatcher(frames.schedule, (batch) => flushed.push(batch));
    for (let index = 1; index <= 1_000; index += 1) {
      for (const id of ['a', 'b', 'c']) batcher.add(snapshot(id, { bytesDone: index }));
    }
    expect(frames.pending()).toBe(1);
    expect(batcher.size).toBe(3);
    frames.runFrame();
    expect(flushed).toHaveLength(1);
    expect(flushed[0]!.map((entry) => [entry.id, entry.bytesDone])).toEqual([
      ['a', 1_000],
      ['b', 1_000],
      ['c', 1_000],
    ]);
    // The next event schedules the next frame.
    batcher.add(snapshot('a', { bytesDone: 1_001 }));
    expect(frames.pending()).toBe(1);
    frames.runFrame();
    expect(flushed).toHaveLength(2);
  });

  it('keeps a final snapshot even if an older running one arrives after it in the same frame', () => {
    const frames = manualFrames();
    let last: TransferSnapshot[] = [];
    const batcher = new SnapshotBatcher(frames.schedule, (batch) => (last = batch));
    batcher.add(snapshot('a', { state: 'cancelled', bytesDone: 30 }));
    batcher.add(snapshot('a', { state: 'running', bytesDone: 30 }));
    frames.runFrame();
    expect(last.map((entry) => entry.state)).toEqual(['cancelled']);
  });

  it('flushNow applies what is queued at once (before a transfers.list answer is merged)', () => {
    const frames = manualFrames();
    const flushed: TransferSnapshot[][] = [];
    const batcher = new SnapshotBatcher(frames.schedule, (batch) => flushed.push(batch));
    batcher.add(snapshot('a'));
    batcher.flushNow();
    expect(flushed).toHaveLength(1);
    frames.runFrame();
    expect(flushed).toHaveLength(1);
  });

  it('feeding the flushes through applySnapshots keeps order and ends in each final state', () => {
    const frames = manualFrames();
    let data = emptyTransfers;
    const finishedIds: string[] = [];
    const batcher = new SnapshotBatcher(frames.schedule, (batch) => {
      const result = applySnapshots(data, batch, { live: true });
      data = result.data;
      finishedIds.push(...result.finished.map((entry) => entry.id));
    });
    for (let step = 0; step <= 100; step += 1) {
      for (const [offset, id] of ['x', 'y'].entries()) {
        const state = step === 100 ? 'succeeded' : 'running';
        batcher.add(snapshot(id, { state, bytesDone: step, overall: step / 100, startedAt: 1_000 + offset }));
      }
      if (step % 7 === 0) frames.runFrame();
    }
    frames.runFrame();
    expect(data.order).toEqual(['y', 'x']);
    expect(Object.values(data.byId).map((entry) => entry.state)).toEqual(['succeeded', 'succeeded']);
    expect(finishedIds.sort()).toEqual(['x', 'y']);
    expect(percent(data.byId.x!.overall)).toBe(100);
  });
});

describe('percent', () => {
  it('rounds and clamps to 0…100', () => {
    expect(percent(0.424)).toBe(42);
    expect(percent(1.2)).toBe(100);
    expect(percent(-1)).toBe(0);
    expect(percent(Number.NaN)).toBe(0);
  });
});

/** A batcher with a 200 ms interval whose frames, clock (`time.clock`) and timers the test runs by hand. */
function intervalBatcher() {
  const frames = manualFrames();
  const time = { clock: 0 };
  const timers: Array<{ callback: () => void; due: number }> = [];
  const flushed: TransferSnapshot[][] = [];
  const batcher = new SnapshotBatcher(frames.schedule, (batch) => flushed.push(batch), {
    minIntervalMs: 200,
    now: () => time.clock,
    wait: (callback, ms) => timers.push({ callback, due: time.clock + ms }),
  });
  return { frames, time, timers, flushed, batcher };
}

describe('SnapshotBatcher with a minimum interval', () => {
  it('flushes progress at most once per interval, but new and finished transfers at once', () => {
    const { frames, time, timers, flushed, batcher } = intervalBatcher();
    // A new transfer: shown on the next frame.
    batcher.add(snapshot('a', { bytesDone: 1 }));
    frames.runFrame();
    expect(flushed).toHaveLength(1);
    // Progress 16 ms later waits for the rest of the interval on one timer, not a frame after frame.
    for (let frame = 1; frame <= 12; frame += 1) {
      time.clock += 16;
      batcher.add(snapshot('a', { bytesDone: 1 + frame }));
    }
    expect(frames.pending()).toBe(0);
    expect(timers.map((timer) => timer.due)).toEqual([200]);
    time.clock = 200;
    timers.shift()!.callback();
    expect(flushed).toHaveLength(1);
    expect(frames.pending()).toBe(1);
    frames.runFrame();
    expect(flushed).toHaveLength(2);
    expect(flushed[1]!.map((entry) => entry.bytesDone)).toEqual([13]);
    // The final snapshot does not wait, even while a timer for progress runs.
    time.clock += 16;
    batcher.add(snapshot('a', { bytesDone: 50 }));
    expect(timers).toHaveLength(1);
    batcher.add(snapshot('a', { state: 'succeeded', bytesDone: 100 }));
    frames.runFrame();
    expect(flushed).toHaveLength(3);
    expect(flushed[2]![0]!.state).toBe('succeeded');
    // The stale timer finds nothing left to flush.
    timers.shift()!.callback();
    expect(frames.pending()).toBe(0);
  });

  it('an urgent flush restarts the interval: a timer that was running waits out the rest', () => {
    const { frames, time, timers, flushed, batcher } = intervalBatcher();
    batcher.add(snapshot('a'));
    batcher.add(snapshot('b'));
    frames.runFrame();
    // Progress starts a timer; a new transfer then books a frame, and the progress rides along.
    time.clock = 50;
    batcher.add(snapshot('a', { bytesDone: 10 }));
    expect(timers.map((timer) => timer.due)).toEqual([200]);
    batcher.add(snapshot('c'));
    frames.runFrame();
    expect(flushed.map((batch) => batch.map((entry) => entry.id))).toEqual([
      ['a', 'b'],
      ['a', 'c'],
    ]);
    // More progress: the running timer is enough; when it fires, the rest of the interval from the
    // last flush (50 ms) is waited out before a frame is booked.
    time.clock = 60;
    batcher.add(snapshot('b', { bytesDone: 10 }));
    expect(timers).toHaveLength(1);
    time.clock = 200;
    timers.shift()!.callback();
    expect(frames.pending()).toBe(0);
    expect(timers.map((timer) => timer.due)).toEqual([250]);
    time.clock = 250;
    timers.shift()!.callback();
    frames.runFrame();
    expect(flushed.map((batch) => batch.map((entry) => [entry.id, entry.bytesDone]))[2]).toEqual([['b', 10]]);
    expect(timers).toHaveLength(0);
    expect(frames.pending()).toBe(0);
  });
});

describe("the panel header's count", () => {
  it('counts running, done and failed transfers apart, and leaves out what is 0', () => {
    const { data } = applySnapshots(emptyTransfers, [
      snapshot('a'),
      snapshot('b', { state: 'queued' }),
      snapshot('c', { state: 'succeeded' }),
      snapshot('d', { state: 'cancelled' }),
      snapshot('e', { state: 'failed' }),
    ]);
    expect(countTransfers(data)).toEqual({ running: 2, done: 2, failed: 1 });
    expect(countWords(countTransfers(data))).toBe('2 running · 2 done · 1 failed');
    expect(countWords({ running: 0, done: 0, failed: 12 })).toBe('12 failed');
  });
});

describe('compactRows', () => {
  const row = (n: number, status: string, done = false): TransferRow => ({
    id: `sha256:${String(n).padStart(12, '0')}`,
    status,
    current: 0,
    total: 10,
    unit: 'bytes',
    done,
  });

  it('lists the next unfinished layers in order and counts every status in order of appearance', () => {
    const rows = [
      row(1, 'Pushed', true),
      row(2, 'Pushing'),
      row(3, 'Layer already exists', true),
      row(4, 'Pushing'),
      row(5, 'Waiting'),
      row(6, 'Waiting'),
      row(7, 'Pushed', true),
    ];
    const { shown, counts } = compactRows(rows, 3);
    expect(shown.map((each) => each.id.slice(-1))).toEqual(['2', '4', '5']);
    expect(counts).toBe('2 Pushed · 2 Pushing · 1 Layer already exists · 2 Waiting');
  });

  it('while the transfer runs, tops the list up with the last finished layers, in their places', () => {
    const rows = [
      row(1, 'Pushed', true),
      row(2, 'Pushed', true),
      row(3, 'Pushing'),
      row(4, 'Layer already exists', true),
      row(5, 'Pushed', true),
      row(6, 'Waiting'),
    ];
    const ids = (list: TransferRow[]) => list.map((each) => each.id.slice(-1));
    expect(ids(compactRows(rows, 4, true).shown)).toEqual(['3', '4', '5', '6']);
    expect(ids(compactRows(rows, 8, true).shown)).toEqual(['1', '2', '3', '4', '5', '6']);
    // Enough unfinished layers: nothing finished is added.
    expect(ids(compactRows(rows, 2, true).shown)).toEqual(['3', '6']);
    // The transfer ended: only unfinished layers.
    expect(ids(compactRows(rows, 4).shown)).toEqual(['3', '6']);
  });

  it('shows nothing once every layer is done, and counts them all', () => {
    const { shown, counts } = compactRows([row(1, 'Pushed', true), row(2, 'Pushed', true)], 8);
    expect(shown).toEqual([]);
    expect(counts).toBe('2 Pushed');
  });
});
