import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProgressModel, type DaemonMessage } from '../../electron/docker/progress-model';

const fixtures = ['push-fresh', 'push-existing', 'push-mounted', 'pull-fresh', 'pull-existing'] as const;

/** 10,000 recorded messages, cycling through the recordings, each replay in a model of its own. */
function recordedEvents(
  count: number,
): { direction: 'push' | 'pull'; message: DaemonMessage; first: boolean }[] {
  const streams = fixtures.map((name) => ({
    direction: name.startsWith('push') ? ('push' as const) : ('pull' as const),
    messages: readFileSync(join(__dirname, '../fixtures/progress', `${name}.jsonl`), 'utf8')
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => JSON.parse(line) as DaemonMessage),
  }));
  const events: { direction: 'push' | 'pull'; message: DaemonMessage; first: boolean }[] = [];
  for (let stream = 0; events.length < count; stream = (stream + 1) % streams.length) {
    const { direction, messages } = streams[stream]!;
    messages.forEach((message, index) => events.push({ direction, message, first: index === 0 }));
  }
  return events.slice(0, count);
}

describe('progress model cost', () => {
  it('applies 10,000 recorded events in well under 100 ms', () => {
    const events = recordedEvents(10_000);
    const run = () => {
      let model = new ProgressModel('push');
      let now = 0;
      const started = performance.now();
      for (const [index, event] of events.entries()) {
        if (event.first) model = new ProgressModel(event.direction);
        model.apply(event.message, (now += 2));
        // The service snapshots a few times a second; here far more often, to be safe.
        if (index % 50 === 0) model.progress(now);
      }
      return performance.now() - started;
    };
    run(); // warm-up: the first run includes JIT compilation
    const elapsed = run();
    console.log(`progress model: 10,000 events in ${elapsed.toFixed(2)} ms`);
    expect(elapsed).toBeLessThan(100);
  });
});
