/** The supervisor's small parts: back-off, the activity ring, pending requests, the port finder. */
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../electron/api/app-error';
import { findNextFreePort, isPortFree, anyFreePort } from '../../electron/registry/host/port-finder';
import type { HostToRegistryMessage, RegistryActivity } from '../../electron/registry/messages';
import { ActivityLog } from '../../electron/registry/host/supervisor-activity-log';
import { RestartBackoff } from '../../electron/registry/host/supervisor-backoff';
import { PendingRequests } from '../../electron/registry/host/supervisor-requests';

describe('RestartBackoff', () => {
  it('doubles from 0.5 s up to 30 s and starts over after a minute up', () => {
    const backoff = new RestartBackoff();
    const delays = Array.from({ length: 8 }, () => backoff.nextDelay(0));
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    expect(backoff.nextDelay(59_999)).toBe(30000);
    expect(backoff.nextDelay(60_000)).toBe(500);
    expect(backoff.nextDelay(10)).toBe(1000);
    backoff.reset();
    expect(backoff.nextDelay(0)).toBe(500);
  });
});

describe('ActivityLog', () => {
  const activity = (n: number): RegistryActivity => ({
    kind: 'push',
    repository: 'app',
    reference: String(n),
    at: n,
  });

  it('keeps the newest entries, oldest first', () => {
    const log = new ActivityLog(3);
    expect(log.list()).toEqual([]);
    log.add(activity(1));
    log.add(activity(2));
    expect(log.list().map((a) => a.at)).toEqual([1, 2]);
    for (let n = 3; n <= 7; n++) log.add(activity(n));
    expect(log.list().map((a) => a.at)).toEqual([5, 6, 7]);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new ActivityLog(0)).toThrow(RangeError);
  });
});

describe('PendingRequests', () => {
  it('numbers requests and settles each with its own reply, its error code as the registry decided', async () => {
    const requests = new PendingRequests();
    const sent: HostToRegistryMessage[] = [];
    const first = requests.start('repositories', {}, 1000, (message) => sent.push(message));
    const second = requests.start('gc', { dryRun: true }, 1000, (message) => sent.push(message));
    expect(sent).toEqual([
      { type: 'repositories', requestId: 1 },
      { type: 'gc', dryRun: true, requestId: 2 },
    ]);
    const collected = { dryRun: true, blobsRemoved: 0, bytesFreed: 0, digests: [] };
    requests.settle({ type: 'reply', request: 'gc', requestId: 2, ok: true, result: collected });
    requests.settle({
      type: 'reply',
      request: 'repositories',
      requestId: 1,
      ok: false,
      // The code travels as a field: nothing in the message is read for it.
      error: { code: 'NO_SPACE', message: 'MANIFEST_UNKNOWN in words only', raw: 'ENOSPC: no space' },
    });
    await expect(second).resolves.toEqual(collected);
    await expect(first).rejects.toMatchObject({
      code: 'NO_SPACE',
      message: 'MANIFEST_UNKNOWN in words only',
      raw: 'ENOSPC: no space',
    });
    expect(requests.size).toBe(0);
  });

  it('drops a reply that names another request than was sent under its id', async () => {
    const requests = new PendingRequests();
    const waiting = requests.start('stats', {}, 50, () => undefined);
    requests.settle({ type: 'reply', request: 'repositories', requestId: 1, ok: true, result: [] });
    await expect(waiting).rejects.toMatchObject({ code: 'INTERNAL' });
  });

  it('times out, and fails everything at once when the process goes', async () => {
    const requests = new PendingRequests();
    const slow = requests.start('stats', {}, 20, () => undefined);
    await expect(slow).rejects.toMatchObject({
      code: 'INTERNAL',
      message: expect.stringContaining('did not answer "stats"'),
    });
    const waiting = requests.start('repositories', {}, 10_000, () => undefined);
    requests.failAll(new AppError('REGISTRY_NOT_RUNNING', 'gone'));
    await expect(waiting).rejects.toMatchObject({ code: 'REGISTRY_NOT_RUNNING' });
    // A late reply to a request nobody waits for any more is dropped quietly.
    requests.settle({
      type: 'reply',
      request: 'stats',
      requestId: 1,
      ok: true,
      result: { repositories: 0, tags: 0, blobs: 0, diskUsed: 0 },
    });
  });
});

describe('port finder', () => {
  it('sees a port held by another server as taken and suggests a free one after it', async () => {
    const host = '127.0.0.1';
    const server = createServer();
    const port = await anyFreePort(host);
    await new Promise<void>((done) => server.listen({ host, port }, done));
    try {
      expect(await isPortFree(host, port)).toBe(false);
      const next = await findNextFreePort(host, port);
      expect(next).not.toBe(port);
      expect(await isPortFree(host, next)).toBe(true);
    } finally {
      await new Promise<void>((done) => server.close(() => done()));
    }
    expect(await isPortFree(host, port)).toBe(true);
  });
});
