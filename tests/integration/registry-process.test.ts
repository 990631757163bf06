/**
 * The registry process itself: exactly one URL line on stdout, start-to-ready time, clean exit on
 * SIGTERM (letting an in-flight request finish), PORT_IN_USE with exit code 3, bad arguments.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { Readable } from 'node:stream';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RegistryToHostMessage } from '../../electron/registry/messages';
import { randomBlob, sha256 } from '../helpers/registry-http';
import { registryBundle, startRegistry } from '../helpers/registry-process';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

function runToExit(
  args: string[],
  ipc = false,
): Promise<{ code: number | null; stdout: string; stderr: string; messages: RegistryToHostMessage[] }> {
  return registryBundle().then(
    (bundle) =>
      new Promise((done) => {
        const child = spawn(process.execPath, [bundle, ...args], {
          stdio: ['ignore', 'pipe', 'pipe', ...(ipc ? (['ipc'] as const) : [])],
        });
        let stdout = '';
        let stderr = '';
        const messages: RegistryToHostMessage[] = [];
        child.stdout?.setEncoding('utf8').on('data', (text: string) => (stdout += text));
        child.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr += text));
        child.on('message', (message) => messages.push(message as RegistryToHostMessage));
        child.on('exit', (code) => done({ code, stdout, stderr, messages }));
      }),
  );
}

describe('registry process', () => {
  it('prints one URL line, is ready fast, and exits 0 on SIGTERM after finishing an in-flight upload', async () => {
    const started = performance.now();
    const registry = await startRegistry();
    const startToReady = performance.now() - started;
    console.log(`start-to-ready (spawn → URL printed): ${startToReady.toFixed(0)} ms`);
    expect(registry.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    let stdout = '';
    registry.child.stdout?.on('data', (text: string) => (stdout += text));

    const bytes = randomBlob(2 * 1024 * 1024);
    const inFlight = new Promise<number>((done, fail) => {
      const req = request(
        {
          host: registry.host,
          port: registry.port,
          method: 'POST',
          path: `/v2/slow/blob/blobs/uploads/?digest=${sha256(bytes)}`,
          headers: { 'Content-Length': bytes.length },
        },
        (res) => {
          res.resume();
          done(res.statusCode ?? 0);
        },
      );
      req.on('error', fail);
      req.write(bytes.subarray(0, 1024), () => {
        // SIGTERM while the body is still arriving; the request may finish.
        registry.child.kill('SIGTERM');
        req.end(bytes.subarray(1024));
      });
    });
    const exited = new Promise<number | null>((done) => registry.child.once('exit', (code) => done(code)));
    expect(await inFlight).toBe(201);
    expect(await exited).toBe(0);
    expect(stdout).toBe('');
    await registry.stop();
  });

  it('listens on 127.0.0.1 only unless told otherwise', async () => {
    const registry = await startRegistry({ host: null });
    try {
      expect(registry.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      // The kernel's own list of listening sockets, not what the process says about itself.
      const listening = execFileSync('ss', ['-ltnH', `sport = :${registry.port}`], { encoding: 'utf8' })
        .trim()
        .split('\n')
        .map((line) => line.trim().split(/\s+/)[3]);
      expect(listening).toEqual([`127.0.0.1:${registry.port}`]);
    } finally {
      await registry.stop();
    }
  });

  it('hashes a big upload while it streams: 256 MiB in, the peak memory grows by far less', async () => {
    const registry = await startRegistry();
    try {
      const peakKiB = () =>
        Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${registry.child.pid}/status`, 'utf8'))?.[1]);
      // Past start-up; the hash worker starts with the upload, so its ~9 MB counts in the growth.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const before = peakKiB();
      // 256 × the same random MiB: the test knows the digest without holding 256 MiB either.
      const piece = randomBytes(1024 * 1024);
      const count = 256;
      const hash = createHash('sha256');
      for (let i = 0; i < count; i += 1) hash.update(piece);
      const digest = `sha256:${hash.digest('hex')}`;
      const status = await new Promise<number>((done, fail) => {
        const req = request(
          {
            host: registry.host,
            port: registry.port,
            method: 'POST',
            path: `/v2/big/blob/blobs/uploads/?digest=${digest}`,
            headers: { 'Content-Length': piece.length * count },
          },
          (res) => {
            res.resume();
            done(res.statusCode ?? 0);
          },
        );
        req.on('error', fail);
        Readable.from(
          (function* () {
            for (let i = 0; i < count; i += 1) yield piece;
          })(),
        ).pipe(req);
      });
      expect(status).toBe(201);
      const head = await fetch(`${registry.url}/v2/big/blob/blobs/${digest}`, { method: 'HEAD' });
      expect(head.headers.get('content-length')).toBe(String(piece.length * count));
      const grewMiB = (peakKiB() - before) / 1024;
      console.log(`registry peak memory grew by ${grewMiB.toFixed(0)} MiB for a 256 MiB upload`);
      // Held whole, it would be 256 MiB or more.
      expect(grewMiB).toBeLessThan(128);
    } finally {
      await registry.stop();
    }
  });

  it('reports PORT_IN_USE and exits with code 3 when the port is taken', async () => {
    const first = await startRegistry();
    const dataDir = await mkdtemp(join(tmpdir(), 'berth-registry-port-'));
    dirs.push(dataDir);
    const second = await runToExit(['--port', String(first.port), '--data', dataDir], true);
    expect(second.code).toBe(3);
    expect(second.stdout).toBe('');
    expect(second.stderr).toMatch(/already in use/);
    expect(second.messages).toContainEqual(expect.objectContaining({ type: 'error', code: 'PORT_IN_USE' }));
    await first.stop();
  });

  it('refuses bad arguments with exit code 2 and the usage', async () => {
    const result = await runToExit(['--port', 'x']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/usage/);
  });

  it('answers a shutdown message by exiting 0', async () => {
    const registry = await startRegistry({ ipc: true });
    const exited = new Promise<number | null>((done) => registry.child.once('exit', (code) => done(code)));
    registry.child.send({ type: 'shutdown' });
    expect(await exited).toBe(0);
    await registry.stop();
  });
});
