/**
 * The registry supervisor against the real registry process (dist/node/registry-process.cjs, forked
 * with child_process): start and stop, requests, the activity feed, a `kill -9` followed by an
 * automatic restart, and a taken port answered with PORT_IN_USE and a port that works.
 * Ephemeral ports and temporary folders only.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../electron/api/app-error';
import type { EventName } from '../../electron/api/contract';
import { registryCommands, type RegistryStatus } from '../../electron/api/contract/registry';
import { EventBus } from '../../electron/api/event-bus';
import { createRegistryHandlers } from '../../electron/registry/host/handlers';
import { anyFreePort, isPortFree } from '../../electron/registry/host/port-finder';
import {
  RegistrySupervisor,
  type RegistrySettings,
  type SupervisorTimings,
} from '../../electron/registry/host/supervisor';
import type { RegistryChild } from '../../electron/registry/host/supervisor-child';
import { createNodeRegistrySpawner } from '../../electron/registry/host/supervisor-node-spawner';

const root = resolve(import.meta.dirname, '../..');
const entry = join(root, 'dist/node/registry-process.cjs');
const HOST = '127.0.0.1';

const tempDirs: string[] = [];
const supervisors: RegistrySupervisor[] = [];

beforeAll(() => {
  execFileSync(process.execPath, ['scripts/build-node.mjs'], { cwd: root, stdio: 'inherit' });
});

afterEach(async () => {
  await Promise.all(supervisors.splice(0).map((supervisor) => supervisor.stop()));
});

afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

interface Harness {
  supervisor: RegistrySupervisor;
  bus: EventBus;
  settings: RegistrySettings;
  children: RegistryChild[];
  /** Every `registry.status` event, in order. */
  statuses: RegistryStatus[];
  logs: string[];
}

/**
 * A registry process that misbehaves on purpose: it says `ready` (or, with neverReady, never does)
 * and then ignores both the `shutdown` message and SIGTERM, so only SIGKILL ends it.
 */
function stubbornRegistry(options: { neverReady: boolean }): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-stubborn-'));
  tempDirs.push(dir);
  const script = join(dir, 'stubborn-registry.cjs');
  writeFileSync(
    script,
    `process.on('SIGTERM', () => console.log('ignoring SIGTERM'));
process.on('message', (message) => console.log('ignoring', message.type));
${options.neverReady ? '' : "process.send({ type: 'ready', url: 'http://127.0.0.1:1', port: 1, host: '127.0.0.1', dataDir: '', startedInMs: 1 });"}
setInterval(() => undefined, 1000);
`,
  );
  return script;
}

async function harness(entryPath = entry, timings: Partial<SupervisorTimings> = {}): Promise<Harness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'berth-supervisor-'));
  tempDirs.push(dataDir);
  const settings: RegistrySettings = { port: await anyFreePort(HOST), dataDir, exposeOnNetwork: false };
  const bus = new EventBus();
  const statuses: RegistryStatus[] = [];
  bus.subscribe((event, payload) => {
    if (event === 'registry.status') statuses.push(payload as RegistryStatus);
  });
  const logs: string[] = [];
  const children: RegistryChild[] = [];
  const spawnNode = createNodeRegistrySpawner(entryPath, (line, stream) => logs.push(`[${stream}] ${line}`));
  const supervisor = new RegistrySupervisor({
    spawnRegistry: (launch) => {
      const child = spawnNode(launch);
      children.push(child);
      return child;
    },
    readSettings: () => settings,
    events: bus,
    logger: { info: (m) => logs.push(m), warn: (m) => logs.push(m), error: (m) => logs.push(m) },
    timings: {
      shutdownGraceMs: 3_000,
      backoff: { initialMs: 200, maxMs: 2_000, stableAfterMs: 60_000 },
      ...timings,
    },
  });
  supervisors.push(supervisor);
  return { supervisor, bus, settings, children, statuses, logs };
}

/** Resolves with the first event of `name` whose payload passes `predicate`. */
function nextEvent<T>(
  bus: EventBus,
  name: EventName,
  predicate: (payload: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`no ${name} event matched within ${timeoutMs} ms`));
    }, timeoutMs);
    const unsubscribe = bus.subscribe((event, payload) => {
      if (event !== name || !predicate(payload as T)) return;
      clearTimeout(timer);
      unsubscribe();
      resolvePromise(payload as T);
    });
  });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function apiVersion(url: string): Promise<string | null> {
  const response = await fetch(`${url}/v2/`);
  await response.arrayBuffer();
  return response.headers.get('docker-distribution-api-version');
}

function sha256(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** Pushes a blob the way docker does: POST for a session, then PUT with the digest. */
async function pushBlob(url: string, repository: string, data: Buffer): Promise<string> {
  const digest = sha256(data);
  const started = await fetch(`${url}/v2/${repository}/blobs/uploads/`, { method: 'POST' });
  expect(started.status).toBe(202);
  await started.arrayBuffer();
  const location = new URL(started.headers.get('location')!, url);
  location.searchParams.set('digest', digest);
  const finished = await fetch(location, {
    method: 'PUT',
    body: data,
    headers: { 'content-type': 'application/octet-stream' },
  });
  await finished.arrayBuffer();
  expect(finished.status).toBe(201);
  return digest;
}

/** A one-layer OCI image, tagged. Answers the manifest's digest and the bytes of its blobs. */
async function pushImage(
  url: string,
  repository: string,
  tag: string,
): Promise<{ digest: string; blobBytes: number }> {
  const config = Buffer.from(
    JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }),
  );
  const layer = Buffer.from(`layer of ${repository}:${tag} ${Date.now()} ${Math.random()}`);
  const configDigest = await pushBlob(url, repository, config);
  const layerDigest = await pushBlob(url, repository, layer);
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: {
      mediaType: 'application/vnd.oci.image.config.v1+json',
      digest: configDigest,
      size: config.length,
    },
    layers: [
      { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layerDigest, size: layer.length },
    ],
  });
  const response = await fetch(`${url}/v2/${repository}/manifests/${tag}`, {
    method: 'PUT',
    body: manifest,
    headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
  });
  await response.arrayBuffer();
  expect(response.status).toBe(201);
  return { digest: sha256(manifest), blobBytes: config.length + layer.length };
}

describe('RegistrySupervisor with the real registry process', () => {
  it('starts, serves, answers requests and stops cleanly', async () => {
    const { supervisor, statuses, children } = await harness();

    const status = await supervisor.start();
    expect(status.state).toBe('running');
    expect(status.url).toBe(`http://${HOST}:${status.port}`);
    expect(status.host).toBe(HOST);
    expect(status.startedAt).toBeGreaterThan(0);
    expect(statuses.map((s) => s.state)).toEqual(['starting', 'running']);
    expect(await apiVersion(status.url!)).toBe('registry/2.0');
    // A second start while running changes nothing.
    expect((await supervisor.start()).startedAt).toBe(status.startedAt);
    expect(children).toHaveLength(1);

    expect(await supervisor.repositories()).toEqual([]);
    expect(await supervisor.garbageCollect(true)).toMatchObject({
      dryRun: true,
      blobsRemoved: 0,
      bytesFreed: 0,
    });

    const pid = children[0]!.pid!;
    const stopped = await supervisor.stop();
    expect(stopped.state).toBe('stopped');
    expect(stopped.url).toBeUndefined();
    expect(statuses.map((s) => s.state)).toEqual(['starting', 'running', 'stopping', 'stopped']);
    expect(processAlive(pid)).toBe(false);
    expect(await isPortFree(HOST, status.port)).toBe(true);
    await expect(supervisor.repositories()).rejects.toMatchObject({
      code: 'REGISTRY_NOT_RUNNING',
      fix: { kind: 'startRegistry' },
    });
  });

  it('relays pushes as activity, lists repositories, deletes tags and collects garbage', async () => {
    const { supervisor, bus } = await harness();
    const { url } = await supervisor.start();
    const pushed = nextEvent<{ kind: string; repository: string }>(
      bus,
      'registry.activity',
      (a) => a.kind === 'push',
    );
    const counted = nextEvent<{ tags: number; blobs: number }>(
      bus,
      'registry.stats',
      (stats) => stats.tags === 2,
    );

    const image = await pushImage(url!, 'team/app', '1.0');
    await pushImage(url!, 'team/app', '2.0');
    expect(await pushed).toMatchObject({ kind: 'push', repository: 'team/app' });
    // One shared config and two layers at least (manifests may be counted as blobs too).
    expect((await counted).blobs).toBeGreaterThanOrEqual(3);
    expect(supervisor.status().stats).toMatchObject({ repositories: 1, tags: 2 });

    const repositories = await supervisor.repositories();
    expect(repositories).toHaveLength(1);
    expect(repositories[0]!.name).toBe('team/app');
    expect(repositories[0]!.tags.map((t) => t.tag).sort()).toEqual(['1.0', '2.0']);
    expect(repositories[0]!.tags.find((t) => t.tag === '1.0')!.digest).toBe(image.digest);
    expect(supervisor.recentActivity().some((a) => a.kind === 'push' && a.reference === '1.0')).toBe(true);

    expect(await supervisor.deleteTag('team/app', '1.0')).toEqual({ digest: image.digest });
    const after = await supervisor.repositories();
    expect(after[0]!.tags.map((t) => t.tag)).toEqual(['2.0']);

    const dryRun = await supervisor.garbageCollect(true);
    expect(dryRun.dryRun).toBe(true);
    expect(dryRun.bytesFreed).toBeGreaterThan(0);
    const collected = await supervisor.garbageCollect(false);
    expect(collected.blobsRemoved).toBe(dryRun.blobsRemoved);
    expect((await supervisor.garbageCollect(true)).blobsRemoved).toBe(0);
    // The tag that is left still pulls.
    const response = await fetch(`${url}/v2/team/app/manifests/2.0`, {
      headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
    });
    await response.arrayBuffer();
    expect(response.status).toBe(200);

    await expect(supervisor.deleteTag('team/app', 'no-such-tag')).rejects.toMatchObject({
      code: 'MANIFEST_UNKNOWN',
    });
  });

  it('restarts the registry after kill -9 and goes back to running', async () => {
    const { supervisor, bus, statuses, children } = await harness();
    const first = await supervisor.start();
    const firstPid = children[0]!.pid!;

    const backRunning = nextEvent<RegistryStatus>(
      bus,
      'registry.status',
      (s) => s.state === 'running' && s.restarts === 1,
    );
    process.kill(firstPid, 'SIGKILL');
    const status = await backRunning;

    expect(children).toHaveLength(2);
    expect(children[1]!.pid).not.toBe(firstPid);
    expect(status.port).toBe(first.port);
    expect(status.lastError).toBeUndefined();
    expect(statuses.map((s) => s.state)).toEqual(['starting', 'running', 'crashed', 'starting', 'running']);
    expect(statuses[2]!.lastError?.raw).toBe('killed by SIGKILL');
    expect(await apiVersion(status.url!)).toBe('registry/2.0');
    expect(await supervisor.repositories()).toEqual([]);

    await supervisor.stop();
    expect(processAlive(children[1]!.pid!)).toBe(false);
  });

  it('stops instead of restarting when stopped while a restart is pending', async () => {
    const { supervisor, bus, children } = await harness();
    await supervisor.start();
    const crashed = nextEvent<RegistryStatus>(bus, 'registry.status', (s) => s.state === 'crashed');
    process.kill(children[0]!.pid!, 'SIGKILL');
    await crashed;

    const status = await supervisor.stop();
    expect(status.state).toBe('stopped');
    expect(supervisor.status().state).toBe('stopped');
    // A running start would have spawned a second child by now if the restart timer had survived.
    expect(children).toHaveLength(1);
  });

  it('moves a running registry when started on another port, and shares one start between double clicks', async () => {
    const { supervisor, children } = await harness();
    const [first, second] = await Promise.all([supervisor.start(), supervisor.start()]);
    expect(second.startedAt).toBe(first.startedAt);
    expect(children).toHaveLength(1);

    const otherPort = await anyFreePort(HOST);
    const moved = await supervisor.start({ port: otherPort });
    expect(moved).toMatchObject({ state: 'running', port: otherPort, url: `http://${HOST}:${otherPort}` });
    expect(children).toHaveLength(2);
    expect(processAlive(children[0]!.pid!)).toBe(false);
    expect(await apiVersion(moved.url!)).toBe('registry/2.0');
  });

  it('explains a storage folder it cannot use, without restarting', async () => {
    const { supervisor, settings, children } = await harness();
    const notAFolder = join(settings.dataDir, 'a-file');
    writeFileSync(notAFolder, 'not a folder');
    settings.dataDir = notAFolder;

    await expect(supervisor.start()).rejects.toMatchObject({
      code: 'INTERNAL',
      message: `The registry cannot use its storage folder ${notAFolder}.`,
      raw: expect.stringContaining(notAFolder),
    });
    expect(supervisor.status()).toMatchObject({ state: 'stopped', dataDir: notAFolder, restarts: 0 });
    expect(children).toHaveLength(1);
  });

  it('escalates to SIGTERM and then SIGKILL when the process ignores shutdown', async () => {
    const { supervisor, children, logs } = await harness(stubbornRegistry({ neverReady: false }), {
      shutdownGraceMs: 300,
      terminateGraceMs: 300,
    });
    expect((await supervisor.start()).state).toBe('running');
    const pid = children[0]!.pid!;

    expect((await supervisor.stop()).state).toBe('stopped');
    expect(processAlive(pid)).toBe(false);
    // The child's stdout may still be in the pipe when its exit is reported: wait for the lines.
    await expect
      .poll(() => logs)
      .toEqual(
        expect.arrayContaining([
          '[stdout] ignoring shutdown',
          'registry: did not shut down when asked; sending SIGTERM',
          '[stdout] ignoring SIGTERM',
          'registry: did not exit on SIGTERM; sending SIGKILL',
        ]),
      );
  });

  it('gives up on a process that never becomes ready, and leaves none behind', async () => {
    const { supervisor, children } = await harness(stubbornRegistry({ neverReady: true }), {
      readyTimeoutMs: 500,
      shutdownGraceMs: 200,
      terminateGraceMs: 200,
    });
    await expect(supervisor.start()).rejects.toMatchObject({
      code: 'INTERNAL',
      message: expect.stringContaining('did not start within'),
    });
    expect(supervisor.status()).toMatchObject({ state: 'stopped', lastError: { fix: { kind: 'retry' } } });
    expect(children).toHaveLength(1);
    expect(processAlive(children[0]!.pid!)).toBe(false);
  });

  describe('a port that is taken', () => {
    let blocker: Server | undefined;
    afterEach(async () => {
      await new Promise<void>((done) => (blocker ? blocker.close(() => done()) : done()));
      blocker = undefined;
    });

    it('answers PORT_IN_USE with a free port, starts there, and the handler saves the choice', async () => {
      const { supervisor, settings, statuses } = await harness();
      blocker = createServer();
      await new Promise<void>((done) => blocker!.listen({ host: HOST, port: settings.port }, done));

      const failure = await supervisor.start().catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(AppError);
      const error = failure as AppError;
      expect(error.code).toBe('PORT_IN_USE');
      expect(error.message).toContain(`Port ${settings.port} is in use`);
      expect(error.fix?.kind).toBe('useNextFreePort');
      const nextPort = (error.fix as { port: number }).port;
      expect(nextPort).not.toBe(settings.port);
      expect(await isPortFree(HOST, nextPort)).toBe(true);
      expect(supervisor.status()).toMatchObject({ state: 'stopped', lastError: { code: 'PORT_IN_USE' } });
      expect(statuses.map((s) => s.state)).toEqual(['starting', 'stopped']);

      // The UI's one click: registry.start with the suggested port, through the handler.
      const saved: number[] = [];
      const handlers = createRegistryHandlers({
        supervisor,
        settings: {
          saveRegistry: ({ port }) => {
            if (port === undefined) return;
            saved.push(port);
            settings.port = port;
          },
          autoStartChosen: () => true,
        },
      });
      const input = registryCommands['registry.start'].input.parse({ port: nextPort });
      const status = registryCommands['registry.start'].output.parse(
        await handlers['registry.start'](input, { clientId: 'test' }),
      );
      expect(status).toMatchObject({ state: 'running', port: nextPort, url: `http://${HOST}:${nextPort}` });
      expect(status.lastError).toBeUndefined();
      expect(saved).toEqual([nextPort]);
      expect(await apiVersion(status.url!)).toBe('registry/2.0');
    });
  });

  describe('network access', () => {
    it('saves the choice and moves a running registry to the new address in one command', async () => {
      const { supervisor, settings, statuses } = await harness();
      const handlers = createRegistryHandlers({
        supervisor,
        settings: {
          saveRegistry: ({ exposeOnNetwork }) => {
            if (exposeOnNetwork !== undefined) settings.exposeOnNetwork = exposeOnNetwork;
          },
          autoStartChosen: () => true,
        },
      });
      const context = { clientId: 'test' };
      const call = async (exposeOnNetwork: boolean) =>
        registryCommands['registry.setNetworkAccess'].output.parse(
          await handlers['registry.setNetworkAccess']({ exposeOnNetwork }, context),
        );
      // Stopped: the choice is saved and shown; nothing starts.
      expect(await call(true)).toMatchObject({ state: 'stopped', host: '0.0.0.0', exposeOnNetwork: true });
      await call(false);
      await supervisor.start();
      statuses.length = 0;
      // Running: it answers once the registry serves on the new address.
      const shared = await call(true);
      expect(shared).toMatchObject({ state: 'running', host: '0.0.0.0', exposeOnNetwork: true });
      expect(statuses.map((status) => status.state)).toEqual(['stopping', 'stopped', 'starting', 'running']);
      expect(await apiVersion(`http://127.0.0.1:${shared.port}`)).toBe('registry/2.0');
      const limited = await call(false);
      expect(limited).toMatchObject({ state: 'running', host: HOST, exposeOnNetwork: false });
    });
  });
});
