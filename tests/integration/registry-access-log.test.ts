/**
 * The standalone registry's access log (stderr, one line per request: method, path, status, bytes,
 * ms), against the real process: present alone, absent with `--quiet` and under a supervisor (an
 * IPC channel), never showing a query string or a header.
 */
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningRegistry, startRegistry } from '../helpers/registry-process';
import { pushBlob, randomBlob } from '../helpers/registry-http';

const ACCESS_LINE = /^(GET|HEAD|PUT|POST|PATCH|DELETE) \S+ (\d{3}|-) \d+ B \d+ ms/m;

let registry: RunningRegistry | undefined;
afterEach(async () => {
  await registry?.stop();
  registry = undefined;
});

/** Resolves with the stderr line matching `pattern`, waiting for it to be written. */
async function stderrLine(running: RunningRegistry, pattern: RegExp): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const line = running
      .stderr()
      .split('\n')
      .find((candidate) => pattern.test(candidate));
    if (line) return line;
    if (Date.now() > deadline) throw new Error(`no stderr line matching ${pattern}:\n${running.stderr()}`);
    await Promise.race([once(running.child.stderr!, 'data'), new Promise((done) => setTimeout(done, 1000))]);
  }
}

/** A few requests of each outcome; returns the pushed blob's digest. */
async function traffic(running: RunningRegistry): Promise<string> {
  expect((await fetch(`${running.url}/v2/`)).status).toBe(200);
  const blob = randomBlob(100_000);
  const digest = await pushBlob(running.url, 'log/app', blob);
  const download = await fetch(`${running.url}/v2/log/app/blobs/${digest}`, {
    headers: { Authorization: 'Bearer secret-token-in-header' },
  });
  expect(Buffer.from(await download.arrayBuffer())).toEqual(blob);
  const missing = await fetch(`${running.url}/v2/log/app/manifests/nope?token=secret-token-in-query`, {
    method: 'HEAD',
  });
  expect(missing.status).toBe(404);
  return digest;
}

describe('access log', () => {
  it('writes one line per request alone: method, path, status, bytes sent, duration', async () => {
    registry = await startRegistry();
    const digest = await traffic(registry);

    expect(await stderrLine(registry, /^GET \/v2\/ /)).toMatch(/^GET \/v2\/ 200 \d+ B \d+ ms$/);
    const upload = await stderrLine(registry, /^POST \/v2\/log\/app\/blobs\/uploads\//);
    expect(upload).toMatch(/^POST \/v2\/log\/app\/blobs\/uploads\/ 201 \d+ B \d+ ms$/);
    const get = await stderrLine(registry, new RegExp(`^GET /v2/log/app/blobs/${digest} `));
    // The blob's bytes plus the headers went out on the connection.
    const sent = Number(/ 200 (\d+) B /.exec(get)?.[1]);
    expect(sent).toBeGreaterThan(100_000);
    expect(sent).toBeLessThan(101_000);
    expect(await stderrLine(registry, /^HEAD \/v2\/log\/app\/manifests\/nope /)).toMatch(
      /^HEAD \/v2\/log\/app\/manifests\/nope 404 \d+ B \d+ ms$/,
    );
    // No query string (the upload's ?digest=, anything a client puts there) and no header.
    expect(registry.stderr()).not.toContain('secret-token');
    expect(registry.stderr()).not.toContain('?');
    expect(
      registry
        .stderr()
        .split('\n')
        .filter((line) => ACCESS_LINE.test(line)),
    ).toHaveLength(4);
  });

  it('cuts a very long path and keeps the line to one line', async () => {
    registry = await startRegistry();
    const long = `/v2/${'a'.repeat(2000)}/tags/list`;
    expect((await fetch(`${registry.url}${long}`)).status).toBe(400);
    const line = await stderrLine(registry, /^GET \/v2\/a{10}/);
    expect(line).toMatch(/^GET \/v2\/a+… 400 \d+ B \d+ ms$/);
    expect(line.length).toBeLessThan(360);
  });

  it('writes nothing with --quiet', async () => {
    registry = await startRegistry({ args: ['--quiet'] });
    await traffic(registry);
    // Once the process has exited, everything it wrote to stderr has arrived.
    const running = registry;
    registry = undefined;
    expect(await running.stop()).toBe(0);
    expect(running.stderr()).not.toMatch(ACCESS_LINE);
  });

  it('writes nothing under a supervisor (an IPC channel): the activity feed reports instead', async () => {
    registry = await startRegistry({ ipc: true });
    await traffic(registry);
    const running = registry;
    registry = undefined;
    expect(await running.stop()).toBe(0);
    expect(running.stderr()).not.toMatch(ACCESS_LINE);
  });
});
