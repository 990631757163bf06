// The fast local push's direct path (issue 23): Berth's registry reads `docker save`'s export off the
// real daemon's socket and writes the layers itself; Berth's host sends no layer byte. Also the way
// back when the registry has no export endpoint (the export then streams through the host), and the
// endpoint's guards: only a request with the registry's token makes it open a socket, and only to
// read an image export.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Docker from 'dockerode';
import { pack } from 'tar-stream';
import { DOCKER_EXPORT_PATH } from '../../electron/registry/docker-export-protocol';
import { openSocketExport } from '../../electron/docker/fast-push/export-socket';
import { fastPushService, storageLeftovers, storedManifest, waitUntil } from '../helpers/fast-push-setup';
import { startRegistry, type RunningRegistry } from '../helpers/registry-process';
import {
  MiB,
  buildTestImage,
  dockerFromEnvironment,
  removeImages,
  type TestImage,
} from '../helpers/test-images';

let docker: Docker;
let image: TestImage;
const cleanup: string[] = [];
const registries: RunningRegistry[] = [];

beforeAll(async () => {
  docker = dockerFromEnvironment();
  image = await buildTestImage(docker, 'fast-direct', [4 * MiB, 6 * MiB]);
  cleanup.push(image.reference);
});

afterAll(async () => {
  await removeImages(docker, cleanup);
  await Promise.all(registries.map((registry) => registry.stop()));
});

async function registry(
  options: { dockerExportToken?: string | null; hideFromRegistry?: string } = {},
): Promise<RunningRegistry> {
  const started = await startRegistry(options);
  registries.push(started);
  return started;
}

async function pushTo(target: RunningRegistry, repository: string, direct: boolean) {
  const reference = `${target.address}/${repository}:1`;
  await docker.getImage(image.reference).tag({ repo: `${target.address}/${repository}`, tag: '1' });
  cleanup.push(reference);
  const setup = fastPushService(docker, target, direct);
  const final = await setup.service.waitFor(setup.service.push(reference).id);
  const inspected = (await docker.getImage(reference).inspect()) as {
    Id: string;
    RootFS: { Layers: string[] };
  };
  return { final, inspected };
}

/** The registry's access log lines (one per request) for `method`. */
function requests(target: RunningRegistry, method: string): string[] {
  return target
    .stderr()
    .split('\n')
    .filter((line) => line.startsWith(`${method} `));
}

/**
 * A stand-in for the daemon's socket, in a temp folder: `answer` gets each connection at its first
 * request bytes (recorded in `seen`, the request line). Not Docker: it plays answers a real daemon
 * gives only by chance (one huge read, a cut mid-body) or that must not be reached at all.
 */
async function standInSocket(answer: (socket: Socket) => void) {
  const folder = await mkdtemp(join(tmpdir(), 'berth-stand-in-'));
  const socketPath = join(folder, 'docker.sock');
  const seen: string[] = [];
  const server = createServer((socket) => {
    socket.once('data', (data) => {
      seen.push(data.toString('latin1').split('\r\n')[0] ?? '');
      answer(socket);
    });
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return {
    folder,
    socketPath,
    seen,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(folder, { recursive: true, force: true });
    },
  };
}

describe('the registry reads the export itself', () => {
  it('stores the image with no layer byte sent by Berth: no PATCH, one export request', async () => {
    const target = await registry();
    const { final, inspected } = await pushTo(target, 'direct/one', true);
    expect(final.error).toBeUndefined();
    expect(final.state).toBe('succeeded');
    expect(final.rows.every((row) => row.status === 'Written')).toBe(true);
    const manifest = await storedManifest(target.url, 'direct/one', '1');
    expect(manifest.config.digest).toBe(inspected.Id);
    expect(manifest.layers.map((layer) => layer.digest)).toEqual(inspected.RootFS.Layers);
    expect(requests(target, 'POST').filter((line) => line.includes(DOCKER_EXPORT_PATH))).toHaveLength(1);
    // Layers come in through the export; the host only finishes their sessions (PUT ?digest=).
    expect(requests(target, 'PATCH')).toEqual([]);
  });

  it('without the endpoint (no token), the export streams through Berth, to the same image', async () => {
    const target = await registry({ dockerExportToken: null });
    const { final, inspected } = await pushTo(target, 'direct/through-host', false);
    expect(final.state).toBe('succeeded');
    const manifest = await storedManifest(target.url, 'direct/through-host', '1');
    expect(manifest.config.digest).toBe(inspected.Id);
    expect(manifest.layers.map((layer) => layer.digest)).toEqual(inspected.RootFS.Layers);
    expect(requests(target, 'PATCH').length).toBeGreaterThan(0);
    expect(target.stderr()).not.toContain(DOCKER_EXPORT_PATH);
  });
});

/** Root with unshare: a registry can be started in a mount namespace where Docker's socket is hidden. */
const canHide = process.getuid?.() === 0 && existsSync('/usr/bin/unshare');
if (!canHide)
  console.log('fast-push-direct: the unreachable-socket case is skipped: it needs root and unshare');

describe.skipIf(!canHide)("a registry that cannot open Docker's socket", () => {
  it('the push goes through Berth instead, to the same image, and says why', async () => {
    const socketPath = (docker.modem as { socketPath?: unknown }).socketPath;
    expect(typeof socketPath).toBe('string');
    const target = await registry({ hideFromRegistry: dirname(socketPath as string) });
    const { final, inspected } = await pushTo(target, 'direct/unreachable', true);
    expect(final.error).toBeUndefined();
    expect(final.state).toBe('succeeded');
    expect(final.messages.join('\n')).toMatch(
      /registry could not reach Docker .*ENOENT.*Berth reads the export instead/,
    );
    const manifest = await storedManifest(target.url, 'direct/unreachable', '1');
    expect(manifest.config.digest).toBe(inspected.Id);
    expect(manifest.layers.map((layer) => layer.digest)).toEqual(inspected.RootFS.Layers);
    // It was asked first, then the layers came from Berth.
    expect(requests(target, 'POST').filter((line) => line.includes(DOCKER_EXPORT_PATH))).toHaveLength(1);
    expect(requests(target, 'PATCH').length).toBeGreaterThan(0);
  });
});

describe('the registry stops in the middle of the export', () => {
  it("the push fails as the registry's failure (start it again), not as Docker stopping", async () => {
    const big = await buildTestImage(docker, 'fast-direct-crash', [96 * MiB, 96 * MiB]);
    cleanup.push(big.reference);
    const target = await registry();
    const reference = `${target.address}/direct/crash:1`;
    await docker.getImage(big.reference).tag({ repo: `${target.address}/direct/crash`, tag: '1' });
    cleanup.push(reference);
    const setup = fastPushService(docker, target, true);
    const { id } = setup.service.push(reference);
    await waitUntil(
      () =>
        setup.service.get(id)?.rows.some((row) => row.status === 'Writing' && row.current > 4 * MiB) ?? false,
      60_000,
      'a layer to stream',
    );
    await target.kill9();
    const final = await setup.service.waitFor(id);
    expect(final.state).toBe('failed');
    expect(final.error).toMatchObject({ code: 'REGISTRY_NOT_RUNNING', fix: { kind: 'startRegistry' } });
    // Docker is fine, and says nothing went wrong on its side.
    expect((await docker.version()).Version).toBeTruthy();
  });
});

describe('the export read off the socket', () => {
  it('an answer whose end arrives in one big read is read whole (http-parser-js counts that read as header bytes)', async () => {
    const payload = Buffer.alloc(150 * 1024, 7);
    // Headers, the whole body as one chunk and the end, in one write: one read on the other side.
    const stand = await standInSocket((socket) =>
      socket.end(
        Buffer.concat([
          Buffer.from(
            `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${payload.length.toString(16)}\r\n`,
          ),
          payload,
          Buffer.from('\r\n0\r\n\r\n'),
        ]),
      ),
    );
    try {
      const body = await openSocketExport({
        socketPath: stand.socketPath,
        path: '/images/a/get',
        signal: new AbortController().signal,
      });
      const chunks: Buffer[] = [];
      for await (const chunk of body) chunks.push(chunk as Buffer);
      expect(Buffer.concat(chunks).equals(payload)).toBe(true);
    } finally {
      await stand.close();
    }
  });

  it('a daemon that goes away before the body is read leaves the failure in the stream, not thrown', async () => {
    const stand = await standInSocket((socket) => {
      socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n');
      setTimeout(() => socket.destroy(), 20);
    });
    try {
      const body = await openSocketExport({
        socketPath: stand.socketPath,
        path: '/images/a/get',
        signal: new AbortController().signal,
      });
      // Nobody reads or listens for a while (as when the fast push first asks the registry what it holds).
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(body.errored).toMatchObject({ code: 'ECONNRESET' });
      expect(String(body.errored?.message)).toMatch(/closed the connection before the end/);
    } finally {
      await stand.close();
    }
  });
});

describe('an export cut short', () => {
  it('an answer that ends cleanly in the middle of a layer is the export’s failure, and no session is left', async () => {
    // A 2 MiB layer entry of which only 100 KiB come before the answer's clean end (Docker failing
    // mid-save can end its answer so): the registry is writing that layer when the archive stops.
    const tar = pack();
    tar.entry({ name: `${'ab'.repeat(32)}/layer.tar`, size: 2 * MiB }, Buffer.alloc(2 * MiB, 1));
    tar.finalize();
    const pieces: Buffer[] = [];
    for await (const piece of tar as AsyncIterable<Buffer>) pieces.push(piece);
    const whole = Buffer.concat(pieces);
    const cut = whole.subarray(0, 512 + 100 * 1024);
    const stand = await standInSocket((socket) =>
      socket.end(
        Buffer.concat([
          Buffer.from(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${cut.length.toString(16)}\r\n`),
          cut,
          Buffer.from('\r\n0\r\n\r\n'),
        ]),
      ),
    );
    const target = await registry();
    try {
      const response = await fetch(`${target.url}${DOCKER_EXPORT_PATH}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${target.dockerExportToken}` },
        body: JSON.stringify({
          socketPath: stand.socketPath,
          path: '/v1.41/images/cut%3A1/get',
          repository: 'cut/short',
          diffIds: [],
          skip: [],
        }),
      });
      const events = (await response.text())
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(events[0]).toMatchObject({ t: 'begin', size: 2 * MiB });
      // Reported as Docker's side (the host then says the export broke), not as the registry failing.
      expect(events.at(-1)).toMatchObject({
        t: 'error',
        where: 'export',
        message: expect.stringMatching(/ended in the middle of the archive/),
      });
      await waitUntil(
        async () => (await storageLeftovers(target.dataDir)).uploads.length === 0,
        10_000,
        'the upload session to be deleted',
      );
    } finally {
      await stand.close();
    }
  });
});

describe('the export endpoint only answers the host', () => {
  let stand: Awaited<ReturnType<typeof standInSocket>>;
  let folder = '';
  let socketPath = '';
  /** Requests that reached the stand-in socket (what the registry would have sent Docker). */
  let seen: string[] = [];

  beforeAll(async () => {
    // Answers as Docker does for an image it doesn't have.
    stand = await standInSocket((socket) => {
      const body = JSON.stringify({ message: 'No such image: guard:1' });
      socket.end(
        `HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
      );
    });
    ({ folder, socketPath, seen } = stand);
  });

  afterAll(() => stand.close());

  const body = (path = '/v1.41/images/guard%3A1/get') =>
    JSON.stringify({ socketPath, path, repository: 'guard/one', diffIds: [], skip: [] });

  async function post(target: RunningRegistry, authorization: string | undefined, payload = body()) {
    const response = await fetch(`${target.url}${DOCKER_EXPORT_PATH}`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        ...(authorization ? { Authorization: authorization } : {}),
      },
      body: payload,
    });
    return { status: response.status, text: await response.text() };
  }

  it("with the token, it reads the export the request names and reports Docker's answer", async () => {
    const target = await registry();
    seen.length = 0;
    const answer = await post(target, `Bearer ${target.dockerExportToken}`);
    expect(answer.status).toBe(200);
    expect(seen).toEqual(['GET /v1.41/images/guard%3A1/get HTTP/1.1']);
    const events = answer.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events).toEqual([
      expect.objectContaining({
        t: 'error',
        where: 'export',
        statusCode: 404,
        message: expect.stringContaining('No such image'),
      }),
    ]);
  });

  it('a socket that is not there: Docker is said unreachable, and the registry serves on', async () => {
    const target = await registry();
    const missing = JSON.stringify({
      socketPath: join(folder, 'no-such.sock'),
      path: '/images/a/get',
      repository: 'guard/missing',
      diffIds: [],
      skip: [],
    });
    const answer = await post(target, `Bearer ${target.dockerExportToken}`, missing);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text.trim())).toMatchObject({ t: 'error', where: 'export', code: 'ENOENT' });
    // Its failure is the request's alone: the process still answers (it once threw out of it here).
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await fetch(`${target.url}/v2/`)).status).toBe(200);
    expect(target.child.exitCode).toBeNull();
  });

  it('without the token, or with another one, the path does not exist and no socket is opened', async () => {
    const target = await registry();
    seen.length = 0;
    const wrong = `Bearer ${'0'.repeat(target.dockerExportToken?.length ?? 32)}`;
    for (const authorization of [undefined, wrong, `Basic ${target.dockerExportToken}`]) {
      const answer = await post(target, authorization);
      expect(answer.status).toBe(404);
      expect(answer.text).not.toContain('guard');
    }
    expect(seen).toEqual([]);
  });

  it('a registry started without a token has no such endpoint at all', async () => {
    const target = await registry({ dockerExportToken: null });
    seen.length = 0;
    expect((await post(target, 'Bearer ')).status).toBe(404);
    expect(seen).toEqual([]);
  });

  it('with the token, anything but an image export is refused (400) before any socket is opened', async () => {
    const target = await registry();
    seen.length = 0;
    const token = `Bearer ${target.dockerExportToken}`;
    for (const path of [
      '/v1.41/containers/x/json',
      '/images/a/get?x=1',
      '/images/../get',
      '/images/a\r\nX-Y: z/get',
    ]) {
      const answer = await post(target, token, body(path));
      expect(answer.status).toBe(400);
      expect(answer.text).toContain('image export path');
    }
    const badRepository = JSON.stringify({
      socketPath,
      path: '/images/a/get',
      repository: 'UP',
      diffIds: [],
      skip: [],
    });
    expect((await post(target, token, badRepository)).status).toBe(400);
    expect((await post(target, token, '{not json')).status).toBe(400);
    expect(seen).toEqual([]);
  });
});
