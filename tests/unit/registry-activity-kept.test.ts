/** The local registry's activity feed survives a restart of the app: the last entries are kept on disk. */
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ActivityLog } from '../../electron/registry/host/supervisor-activity-log';
import type { RegistryActivity } from '../../electron/registry/messages';

const folder = mkdtempSync(join(tmpdir(), 'berth-activity-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const push = (index: number): RegistryActivity => ({
  kind: 'push',
  repository: 'team/app',
  reference: String(index),
  at: 1_000 + index,
});

describe('the activity feed on disk', () => {
  it('is read back by the next run, in order, skipping a torn line', () => {
    const file = join(folder, 'one.jsonl');
    const first = new ActivityLog(200, file);
    for (let index = 0; index < 3; index++) first.add(push(index));
    appendFileSync(file, '{"kind":"pu');
    const second = new ActivityLog(200, file);
    expect(second.list().map((entry) => entry.reference)).toEqual(['0', '1', '2']);
  });

  it('keeps the last few hundred, and the file does not grow without bound', () => {
    const file = join(folder, 'many.jsonl');
    const log = new ActivityLog(200, file);
    for (let index = 0; index < 1000; index++) log.add(push(index));
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines.length).toBeLessThan(400);
    const next = new ActivityLog(200, file).list();
    expect(next).toHaveLength(200);
    expect(next[0]?.reference).toBe('800');
    expect(next.at(-1)?.reference).toBe('999');
  });
});
