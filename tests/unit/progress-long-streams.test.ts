/**
 * A long transfer must not make the progress model grow: what it keeps is bounded by the layers
 * and a fixed number of messages, whatever the stream's length, so `apply` stays O(1) and each
 * `progress()` O(rows). (How fast it applies the recorded events is a figure, measured by
 * `npm run bench:transfers`, not asserted here.)
 */
import { describe, expect, it } from 'vitest';
import { ProgressModel } from '../../electron/docker/progress-model';

const LAYERS = ['aaaa', 'bbbb', 'cccc'];
const LAYER_BYTES = 100_000_000;
/** Messages per layer; one every 2 ms of simulated time. */
const STEPS = 40_000;
const HALF = STEPS / 2;
/** Bytes per step and layer in the first half. */
const SLOW = (LAYER_BYTES * 0.1) / HALF;

describe('progress model on a very long stream', () => {
  it('keeps one row per layer and the last 200 messages, and measures speed over its window only', () => {
    const model = new ProgressModel('push');
    model.apply({ status: 'The push refers to repository [127.0.0.1:5000/long]' }, 0);
    let now = 0;
    let previous = 0;
    for (let step = 1; step <= STEPS; step += 1) {
      now += 2;
      // A slow first half (10 % of the bytes), then a fast second half.
      const current = Math.round(
        step <= HALF ? SLOW * step : SLOW * HALF + ((LAYER_BYTES - SLOW * HALF) * (step - HALF)) / HALF,
      );
      for (const id of LAYERS) {
        model.apply({ status: 'Pushing', id, progressDetail: { current, total: LAYER_BYTES } }, now);
      }
      // A heading now and then (the daemon's "Retrying…"/notes land in the message list).
      if (step % 100 === 0) model.apply({ status: `note ${step}` }, now);
      if (step % 1000 === 0) {
        const overall = model.progress(now).overall;
        expect(overall).toBeGreaterThanOrEqual(previous);
        previous = overall;
      }
    }
    const summary = model.progress(now);
    expect(summary.rows.map((row) => row.id)).toEqual(LAYERS);
    expect(summary.messages).toHaveLength(200);
    expect(summary.messages.at(-1)).toBe(`note ${STEPS}`);
    expect(summary.messages[0]).toBe(`note ${STEPS - 199 * 100}`);
    expect(summary.bytesDone).toBe(LAYERS.length * LAYER_BYTES);
    // The speed is the second half's rate, not an average since the start (which would be 5/9 of it).
    const fastBytesPerSecond = (LAYERS.length * LAYER_BYTES * 0.9) / (HALF * 0.002);
    expect(Math.abs(summary.speed / fastBytesPerSecond - 1)).toBeLessThan(0.05);
    // A stalled transfer's speed falls to zero once the window has passed without bytes.
    expect(model.progress(now + 10_000).speed).toBe(0);
  });
});
