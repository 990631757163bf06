/** Reading the daemon's progress stream: split chunks, split characters, lines that aren't objects. */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { DaemonMessage } from '../../electron/docker/progress-model';
import { readMessages } from '../../electron/docker/transfer-stream';

describe('readMessages', () => {
  it('joins a character split between two chunks, and lines split anywhere', async () => {
    const stream = new PassThrough();
    const seen: DaemonMessage[] = [];
    const done = readMessages(stream, (message) => seen.push(message));
    const bytes = Buffer.from('{"status":"Größe 東京"}\n{"status":"Pushed","id":"abc"}\n', 'utf8');
    // Cut inside "ö" (2 bytes) and inside "東" (3 bytes), and inside the second line.
    const cuts = [bytes.indexOf(0xb6), bytes.indexOf(Buffer.from('東')) + 1, bytes.length - 8];
    let from = 0;
    for (const cut of cuts) {
      stream.write(bytes.subarray(from, cut));
      from = cut;
    }
    stream.end(bytes.subarray(from));
    await done;
    expect(seen).toEqual([{ status: 'Größe 東京' }, { status: 'Pushed', id: 'abc' }]);
  });

  it('keeps a line that is not a JSON object as a status, and ends on a listener failure without applying twice', async () => {
    const stream = new PassThrough();
    const seen: unknown[] = [];
    const done = readMessages(stream, (message) => {
      seen.push(message);
      if (message.status === 'boom') throw new Error('listener failed');
    });
    stream.write('null\nnot json\n{"status":"boom"}\n');
    await expect(done).rejects.toThrow('listener failed');
    expect(seen).toEqual([{ status: 'null' }, { status: 'not json' }, { status: 'boom' }]);
  });
});
