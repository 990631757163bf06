/**
 * Copying an image registry to registry (electron/remote/copy/), against real registries only: Berth's
 * own (a child process on 127.0.0.1) and Debian's docker-registry on a test host in its own network
 * namespace with an htpasswd login, listed as insecure as Docker would have it. Every copy is checked
 * with `skopeo inspect --raw` on both sides; runnable copies are pulled and run by the test dockerd.
 */
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
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
  startTlsRegistryIn,
  type NetnsHost,
  type NetnsReferenceRegistry,
} from '../helpers/netns-host';
import { writeMultiArchLayout } from '../helpers/registry-oci-layout';
import { buildImage, dockerOk, run, runOk } from '../helpers/registry-clients';
import { startRegistry, type RunningRegistry } from '../helpers/registry-process';
import { pushBlobTo, putManifestTo } from '../helpers/registry-populate';
import { bcryptHtpasswdLine, startTestRegistry } from '../helpers/test-images';
import { startTokenIssuer } from '../helpers/token-issuer';

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

/** What skopeo says when it can't inspect a reference in the test host's registry. */
async function skopeoFailure(name: string): Promise<string> {
  const result = await run('skopeo', [
    'inspect',
    '--raw',
    '--tls-verify=false',
    '--creds',
    `${USER.user}:${USER.password}`,
    `docker://${name}`,
  ]);
  if (result.code === 0) throw new Error(`${name} exists in the target`);
  return result.stderr;
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

  it('copies a multi-arch index built with skopeo: all platforms (same digest), or one (a new index)', async () => {
    const layout = await mkdtemp(join(tmpdir(), 'berth-copy-layout-'));
    cleanups.push(() => rm(layout, { recursive: true, force: true }));
    const platforms = [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64', variant: 'v8' },
      { os: 'linux', architecture: 'arm', variant: 'v7' },
    ];
    const { indexDigest, manifests } = await writeMultiArchLayout(layout, 'multi', platforms, 64 * 1024);
    await runOk('skopeo', [
      'copy',
      '--all',
      '--dest-tls-verify=false',
      `oci:${layout}:multi`,
      `docker://${berth.address}/team/multi:1`,
    ]);
    expect((await skopeoRaw(`${berth.address}/team/multi:1`)).digest).toBe(indexDigest);

    const all = await copy(
      remote,
      { host: berth.address, repository: 'team/multi', reference: '1' },
      { host: reference.address, repository: 'mirror/multi', tag: 'all' },
    );
    expect(all.result).toMatchObject({ digest: indexDigest, digestChanged: false, manifests: 4 });
    expect((await skopeoRaw(`${reference.address}/mirror/multi:all`, USER)).digest).toBe(indexDigest);
    for (const child of manifests)
      expect((await skopeoRaw(`${reference.address}/mirror/multi@${child}`, USER)).digest).toBe(child);

    const one = await copy(
      remote,
      { host: berth.address, repository: 'team/multi', reference: '1' },
      { host: reference.address, repository: 'mirror/one', tag: 'arm64' },
      { platforms: ['linux/arm64/v8'] },
    );
    expect(one.result.digestChanged).toBe(true);
    expect(one.result.digest).not.toBe(indexDigest);
    expect(one.messages.join('\n')).toMatch(/digest differs/);
    const written = await skopeoRaw(`${reference.address}/mirror/one:arm64`, USER);
    expect(written.digest).toBe(one.result.digest);
    const index = JSON.parse(written.raw) as {
      manifests: Array<{ digest: string; platform: { architecture: string } }>;
    };
    expect(index.manifests.map((m) => [m.digest, m.platform.architecture])).toEqual([
      [manifests[1], 'arm64'],
    ]);
    expect((await skopeoRaw(`${reference.address}/mirror/one@${manifests[1]}`, USER)).digest).toBe(
      manifests[1],
    );
    // Only that platform's blobs moved: the amd64 image isn't in the target's repository.
    expect(await skopeoFailure(`${reference.address}/mirror/one@${manifests[0]}`)).toMatch(
      /manifest unknown/i,
    );
  });

  it('mounts blobs instead of uploading them when both repositories are on the same registry', async () => {
    const name = await pushToBerth('team/mounted', [200_000]);
    const before = berth.stderr().length;
    const same = await copy(
      remote,
      { host: berth.address, repository: 'team/mounted', reference: '1' },
      { host: berth.address, repository: 'other/mounted', tag: '1' },
    );
    expect(same.result.blobs).toEqual({ copied: 0, mounted: 3, existing: 0 });
    expect(same.result.bytesCopied).toBe(0);
    const log = berth.stderr().slice(before);
    // The access log: three mounts answered 201 at once, no upload session, no blob read.
    expect(log.match(/^POST \/v2\/other\/mounted\/blobs\/uploads\/ 201 /gm)?.length).toBe(3);
    expect(log).not.toMatch(/^(PUT|PATCH) \/v2\/other\/mounted\/blobs\/uploads\//m);
    expect(log).not.toMatch(/^GET \/v2\/team\/mounted\/blobs\//m);
    expect((await skopeoRaw(`${berth.address}/other/mounted:1`)).digest).toBe((await skopeoRaw(name)).digest);
    expect(await pullAndRun(`${berth.address}/other/mounted:1`)).toContain('copied and running');
  });

  it('skips the layers the target already has and copies only the rest', async () => {
    await pushToBerth('team/base', [150_000]);
    await copy(
      remote,
      { host: berth.address, repository: 'team/base', reference: '1' },
      { host: reference.address, repository: 'mirror/layered', tag: 'base' },
    );
    // The same busybox layer, and a new image over it: the busybox layer is already in the target.
    const name = await pushToBerth('team/layered', [80_000, 90_000]);
    const second = await copy(
      remote,
      { host: berth.address, repository: 'team/layered', reference: '1' },
      { host: reference.address, repository: 'mirror/layered', tag: '2' },
    );
    expect(second.result.blobs).toEqual({ copied: 3, mounted: 0, existing: 1 });
    expect([...second.rows.values()].filter((status) => status === 'Already exists')).toHaveLength(1);
    expect((await skopeoRaw(`${reference.address}/mirror/layered:2`, USER)).digest).toBe(
      (await skopeoRaw(name)).digest,
    );
    await copy(
      remote,
      { host: reference.address, repository: 'mirror/layered', reference: '2' },
      { host: berth.address, repository: 'returned/layered', tag: '2' },
    );
    expect(await pullAndRun(`${berth.address}/returned/layered:2`)).toContain('copied and running');
  });

  it('stops when cancelled mid-copy and leaves no manifest in the target', async () => {
    await pushToBerth('team/big', [24 * 1024 * 1024, 24 * 1024 * 1024]);
    const controller = new AbortController();
    const session = await remote.session(berth.address);
    const started = copyImage({
      source: { session, repository: 'team/big', reference: '1' },
      target: { session: await remote.session(reference.address), repository: 'mirror/big', tag: '1' },
      signal: controller.signal,
      concurrency: 1,
      report: {
        message: () => undefined,
        expectBlobs: () => undefined,
        // Cancel once a big layer has started to move.
        blob: (_id, status, current) => {
          if (status === 'Copying' && (current ?? 0) > 1024 * 1024) controller.abort();
        },
      },
    });
    const error = await failureOf(started);
    expect(error.code).toBe('CANCELLED');
    expect(await skopeoFailure(`${reference.address}/mirror/big:1`)).toMatch(/manifest unknown/i);
  });

  it("fails on a source blob that doesn't match its digest, before the target keeps any of it", async () => {
    await pushToBerth('team/corrupt', [400_000]);
    const manifest = JSON.parse((await skopeoRaw(`${berth.address}/team/corrupt:1`)).raw) as {
      layers: Array<{ digest: string; size: number }>;
    };
    const layer = manifest.layers[1]!;
    const hex = layer.digest.slice('sha256:'.length);
    const file = join(berth.dataDir, 'blobs', 'sha256', hex.slice(0, 2), hex);
    const bytes = await readFile(file);
    bytes[bytes.length - 100] = (bytes[bytes.length - 100]! + 1) % 256; // same size, other bytes
    await writeFile(file, bytes);
    const error = await failureOf(
      copy(
        remote,
        { host: berth.address, repository: 'team/corrupt', reference: '1' },
        { host: reference.address, repository: 'mirror/corrupt', tag: '1' },
      ),
    );
    expect(error.code).toBe('DIGEST_MISMATCH');
    expect(error.message).toMatch(/^The source registry/);
    expect(await skopeoFailure(`${reference.address}/mirror/corrupt:1`)).toMatch(/manifest unknown/i);
    const head = await fetch(`http://${reference.address}/v2/mirror/corrupt/blobs/${layer.digest}`, {
      method: 'HEAD',
      headers: { Authorization: `Basic ${Buffer.from(`${USER.user}:${USER.password}`).toString('base64')}` },
    });
    expect(head.status).toBe(404);
    // Nothing of the bad layer was kept anywhere in the target's storage either.
    expect(await blobFileExists(hex)).toBe(false);
  });

  it("says when the target speaks plain HTTP but isn't an insecure registry, and offers to add it", async () => {
    await pushToBerth('team/plain', [10_000]);
    const config = await dockerConfigWith({ [reference.address]: USER });
    cleanups.push(() => rm(config, { recursive: true, force: true }));
    const error = await failureOf(
      copy(
        copyClient(config, []),
        { host: berth.address, repository: 'team/plain', reference: '1' },
        { host: reference.address, repository: 'mirror/plain', tag: '1' },
      ),
    );
    expect(error.code).toBe('INSECURE_REGISTRY');
    expect(error.message).toMatch(/^The target registry \(/);
    expect(error.fix).toEqual({ kind: 'addInsecureRegistry', host: reference.address });
  });

  it("says when the target's certificate isn't trusted, and where Docker looks for its authority", async () => {
    const tls = await startTlsRegistryIn(lan);
    cleanups.push(() => tls.stop());
    await pushToBerth('team/tls', [10_000]);
    const error = await failureOf(
      copy(
        copyClient(undefined, []),
        { host: berth.address, repository: 'team/tls', reference: '1' },
        { host: tls.address, repository: 'mirror/tls', tag: '1' },
      ),
    );
    expect(error.code).toBe('TLS_UNKNOWN_AUTHORITY');
    expect(error.message).toMatch(/^The target registry \(/);
    expect(error.fix).toMatchObject({ kind: 'showCertsHelp', host: tls.address });
  });

  it('says the target refused the push when the login may only read there', async () => {
    const issuer = await startTokenIssuer({
      users: { bob: 'reader' },
      grant: (user) => (user === 'bob' ? ['pull'] : []),
    });
    const readOnly = await startTestRegistry({ token: issuer.registryConfig });
    cleanups.push(
      () => readOnly.stop(),
      () => issuer.stop(),
    );
    const config = await dockerConfigWith({ [readOnly.host]: { user: 'bob', password: 'reader' } });
    cleanups.push(() => rm(config, { recursive: true, force: true }));
    await pushToBerth('team/refused', [10_000]);
    const error = await failureOf(
      copy(
        copyClient(config),
        { host: berth.address, repository: 'team/refused', reference: '1' },
        { host: readOnly.host, repository: 'team/refused', tag: '1' },
      ),
    );
    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).toBe(
      `The target registry (${readOnly.host}): bob is logged in to ${readOnly.host}, but may not copy team/refused into it.`,
    );
    expect(error.fix).toEqual({ kind: 'login', registry: readOnly.host });
  });

  it('copies signatures and SBOMs (referrers) when asked: to a registry without the referrers API by the tag schema, and back', async () => {
    const name = await pushToBerth('team/signed', [20_000]);
    const image = await skopeoRaw(name);
    const base = berth.url;
    const empty = await pushBlobTo(
      base,
      'team/signed',
      Buffer.from('{}'),
      'application/vnd.oci.empty.v1+json',
    );
    const signature = await pushBlobTo(
      base,
      'team/signed',
      Buffer.from('a signature'),
      'application/vnd.example.signature',
    );
    const referrer = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        artifactType: 'application/vnd.example.signature',
        config: empty,
        layers: [signature],
        subject: {
          mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
          digest: image.digest,
          size: Buffer.byteLength(image.raw),
        },
      }),
    );
    const referrerDigest = await putManifestTo(
      base,
      'team/signed',
      'unused',
      referrer,
      'application/vnd.oci.image.manifest.v1+json',
    );

    const without = await copy(
      remote,
      { host: berth.address, repository: 'team/signed', reference: '1' },
      { host: reference.address, repository: 'mirror/unsigned', tag: '1' },
    );
    expect(without.result.referrers).toBe(0);
    expect(await skopeoFailure(`${reference.address}/mirror/unsigned@${referrerDigest}`)).toMatch(
      /manifest unknown/i,
    );

    const there = await copy(
      remote,
      { host: berth.address, repository: 'team/signed', reference: '1' },
      { host: reference.address, repository: 'mirror/signed', tag: '1' },
      { referrers: true },
    );
    expect(there.result.referrers).toBe(1);
    expect((await skopeoRaw(`${reference.address}/mirror/signed@${referrerDigest}`, USER)).digest).toBe(
      referrerDigest,
    );
    // docker-registry 2.8 has no referrers API: the tag schema's index lists it.
    const tagged = JSON.parse(
      (await skopeoRaw(`${reference.address}/mirror/signed:${image.digest.replace(':', '-')}`, USER)).raw,
    ) as {
      manifests: Array<{ digest: string; artifactType?: string }>;
    };
    expect(tagged.manifests).toEqual([
      expect.objectContaining({ digest: referrerDigest, artifactType: 'application/vnd.example.signature' }),
    ]);

    // And back into Berth's registry, found this time through the tag schema, indexed by its referrers API.
    await copy(
      remote,
      { host: reference.address, repository: 'mirror/signed', reference: '1' },
      { host: berth.address, repository: 'returned/signed', tag: '1' },
      { referrers: true },
    );
    const listed = (await (
      await fetch(`${berth.url}/v2/returned/signed/referrers/${image.digest}`)
    ).json()) as {
      manifests: Array<{ digest: string }>;
    };
    expect(listed.manifests.map((m) => m.digest)).toEqual([referrerDigest]);
  });
});

/** Whether the reference registry in the test host keeps a blob with this hex digest on disk. */
async function blobFileExists(hex: string): Promise<boolean> {
  return stat(
    join(
      reference.dataDir,
      'data',
      'docker',
      'registry',
      'v2',
      'blobs',
      'sha256',
      hex.slice(0, 2),
      hex,
      'data',
    ),
  ).then(
    () => true,
    () => false,
  );
}
