/**
 * Copying an image registry to registry (electron/remote/copy/), against real registries only: Berth's
 * own (a child process on 127.0.0.1) and Debian's docker-registry on a test host in its own network
 * namespace with an htpasswd login, listed as insecure as Docker would have it. Every copy is checked
 * with `skopeo inspect --raw` on both sides; runnable copies are pulled and run by the test dockerd.
 */
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../electron/api/app-error';
import { copyImage, type CopyRequest } from '../../electron/remote/copy/image-copy';
import type { RemoteRegistries } from '../../electron/remote/remote-registries';
import { copyClient, dockerConfigWith, skopeoRaw } from '../helpers/copy-setup';
import {
  createNetnsHost,
  startReferenceRegistryIn,
  type NetnsHost,
  type NetnsReferenceRegistry,
} from '../helpers/netns-host';
import { writeMultiArchLayout } from '../helpers/registry-oci-layout';
import { buildImage, dockerOk, runOk } from '../helpers/registry-clients';
import { startRegistry, type RunningRegistry } from '../helpers/registry-process';
import { bcryptHtpasswdLine } from '../helpers/test-images';

const USER = { user: 'ada', password: 'copy-secret' };

let berth: RunningRegistry;
let lan: NetnsHost;
let reference: NetnsReferenceRegistry;
let remote: RemoteRegistries;
let anonymous: RemoteRegistries;
const cleanups: Array<() => Promise<unknown>> = [];

/** A runnable image (busybox + random layers) pushed to Berth's registry as `repository:tag`. */
async function pushToBerth(repository: string, layerSizes: number[], tag = '1'): Promise<string> {
  const built = await buildImage('copy', layerSizes);
  const name = `${berth.address}/${repository}:${tag}`;
  await dockerOk(['tag', built.reference, name]);
  await dockerOk(['push', '-q', name]);
  cleanups.push(() => dockerOk(['rmi', '-f', built.reference, name]).catch(() => undefined));
  return name;
}

async function copy(
  client: RemoteRegistries,
  from: { host: string; repository: string; reference: string },
  to: { host: string; repository: string; tag: string },
  extra: Partial<CopyRequest> = {},
) {
  const rows = new Map<string, string>();
  const messages: string[] = [];
  const result = await copyImage({
    source: {
      session: await client.session(from.host),
      repository: from.repository,
      reference: from.reference,
    },
    target: { session: await client.session(to.host), repository: to.repository, tag: to.tag },
    signal: extra.signal ?? new AbortController().signal,
    report: {
      message: (text) => messages.push(text),
      expectBlobs: () => undefined,
      blob: (id, status) => rows.set(id, status),
    },
    ...extra,
  });
  return { result, rows, messages };
}

async function failureOf(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    return AppError.from(error);
  }
  throw new Error('expected the copy to fail');
}

/** Runs the image with the test dockerd: it prints what busybox echoes. */
async function pullAndRun(name: string): Promise<string> {
  await dockerOk(['rmi', '-f', name]).catch(() => undefined);
  await dockerOk(['pull', '-q', name]);
  const out = await dockerOk(['run', '--rm', name, '/bin/busybox', 'echo', 'copied and running']);
  await dockerOk(['rmi', '-f', name]).catch(() => undefined);
  return out;
}

beforeAll(async () => {
  const htpasswd = bcryptHtpasswdLine(USER.user, USER.password);
  if (!htpasswd) throw new Error('python3 could not make a bcrypt htpasswd line');
  berth = await startRegistry();
  lan = createNetnsHost();
  reference = await startReferenceRegistryIn(lan, { htpasswd });
  const config = await dockerConfigWith({ [reference.address]: USER });
  cleanups.push(() => rm(config, { recursive: true, force: true }));
  remote = copyClient(config, [reference.address]);
  anonymous = copyClient(undefined, [reference.address]);
}, 120_000);

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await reference?.stop();
  lan?.destroy();
  await berth?.stop();
});

describe('copy between registries', () => {
  it("copies Berth's registry → docker-registry on another host with a login, and back, byte for byte", async () => {
    const name = await pushToBerth('team/app', [300_000, 700_000]);
    const sourceDigest = (await skopeoRaw(name)).digest;

    const there = await copy(
      remote,
      { host: berth.address, repository: 'team/app', reference: '1' },
      { host: reference.address, repository: 'mirror/app', tag: '1.0' },
    );
    expect(there.result).toMatchObject({ sourceDigest, digest: sourceDigest, digestChanged: false });
    expect(there.result.blobs.copied).toBe(4); // config + busybox + two layers
    expect([...there.rows.values()].every((status) => status === 'Copied')).toBe(true);
    expect((await skopeoRaw(`${reference.address}/mirror/app:1.0`, USER)).digest).toBe(sourceDigest);

    const back = await copy(
      remote,
      { host: reference.address, repository: 'mirror/app', reference: '1.0' },
      { host: berth.address, repository: 'returned/app', tag: 'v1' },
    );
    expect(back.result.digest).toBe(sourceDigest);
    expect((await skopeoRaw(`${berth.address}/returned/app:v1`)).digest).toBe(sourceDigest);
    expect(await pullAndRun(`${berth.address}/returned/app:v1`)).toContain('copied and running');
  });

  it('says which end refused and offers its login when the target wants one', async () => {
    await pushToBerth('team/needs-login', [10_000]);
    const error = await failureOf(
      copy(
        anonymous,
        { host: berth.address, repository: 'team/needs-login', reference: '1' },
        { host: reference.address, repository: 'mirror/needs-login', tag: '1' },
      ),
    );
    expect(error.code).toBe('UNAUTHORIZED');
    expect(error.message).toMatch(
      new RegExp(`^The target registry \\(${reference.address.replace(/\./g, '\\.')}\\)`),
    );
    expect(error.fix).toEqual({ kind: 'login', registry: reference.address });
  });
});
