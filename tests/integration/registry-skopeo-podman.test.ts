/**
 * skopeo and podman against the real registry process: docker-archive → registry → OCI layout →
 * registry with digests compared at every step, a hand-assembled multi-arch OCI index copied in and
 * out with `--all`, and a podman pull/push round trip (skipped with a printed reason if podman can't
 * run in this environment).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningRegistry, startRegistry } from '../helpers/registry-process';
import { buildImage, dockerOk, requireDockerHost, run, runOk } from '../helpers/registry-clients';
import { layoutDigest, writeMultiArchLayout } from '../helpers/registry-oci-layout';

const SKOPEO = '/usr/bin/skopeo';
const PODMAN = '/usr/bin/podman';
let registry: RunningRegistry;
let work: string;

async function registryDigest(name: string, reference: string): Promise<string | null> {
  const response = await fetch(`${registry.url}/v2/${name}/manifests/${reference}`, {
    method: 'HEAD',
    headers: {
      Accept: [
        'application/vnd.oci.image.index.v1+json',
        'application/vnd.oci.image.manifest.v1+json',
        'application/vnd.docker.distribution.manifest.list.v2+json',
        'application/vnd.docker.distribution.manifest.v2+json',
      ].join(', '),
    },
  });
  return response.headers.get('docker-content-digest');
}

beforeAll(async () => {
  requireDockerHost();
  registry = await startRegistry();
  work = await mkdtemp(join(tmpdir(), 'berth-registry-skopeo-'));
});

afterAll(async () => {
  await registry?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('skopeo', () => {
  it('copies docker-archive → registry → OCI layout → registry with matching digests', async () => {
    const image = await buildImage('skopeo', [512 * 1024, 256 * 1024]);
    const archive = join(work, 'image.tar');
    try {
      await dockerOk(['save', '-o', archive, image.reference]);
    } finally {
      await dockerOk(['rmi', image.reference]);
    }
    const digestFile = join(work, 'pushed.digest');
    await runOk(SKOPEO, [
      'copy',
      '--dest-tls-verify=false',
      '--digestfile',
      digestFile,
      `docker-archive:${archive}`,
      `docker://${registry.address}/skopeo/archive:1`,
    ]);
    const pushed = (await readFile(digestFile, 'utf8')).trim();
    expect(await registryDigest('skopeo/archive', '1')).toBe(pushed);

    const layout = join(work, 'layout');
    await runOk(SKOPEO, [
      'copy',
      '--src-tls-verify=false',
      `docker://${registry.address}/skopeo/archive:1`,
      `oci:${layout}:out`,
    ]);
    const outDigest = await layoutDigest(layout, 'out');
    expect(outDigest).toMatch(/^sha256:/);
    await runOk(SKOPEO, [
      'copy',
      '--dest-tls-verify=false',
      '--preserve-digests',
      `oci:${layout}:out`,
      `docker://${registry.address}/skopeo/layout:1`,
    ]);
    expect(await registryDigest('skopeo/layout', '1')).toBe(outDigest);

    // Registry to registry (same registry, another repository): byte-for-byte, digests preserved.
    await runOk(SKOPEO, [
      'copy',
      '--src-tls-verify=false',
      '--dest-tls-verify=false',
      '--preserve-digests',
      `docker://${registry.address}/skopeo/archive:1`,
      `docker://${registry.address}/skopeo/copy:1`,
    ]);
    expect(await registryDigest('skopeo/copy', '1')).toBe(pushed);
  });

  it('copies a multi-arch OCI index in and out with --all', async () => {
    const layout = join(work, 'multi');
    const { indexDigest, manifests } = await writeMultiArchLayout(layout, 'multi', [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64', variant: 'v8' },
      { os: 'linux', architecture: 'arm', variant: 'v7' },
    ]);
    await runOk(SKOPEO, [
      'copy',
      '--all',
      '--preserve-digests',
      '--dest-tls-verify=false',
      `oci:${layout}:multi`,
      `docker://${registry.address}/skopeo/multi:1`,
    ]);
    expect(await registryDigest('skopeo/multi', '1')).toBe(indexDigest);
    for (const child of manifests) expect(await registryDigest('skopeo/multi', child)).toBe(child);

    const inspect = await runOk(SKOPEO, [
      'inspect',
      '--raw',
      '--tls-verify=false',
      `docker://${registry.address}/skopeo/multi:1`,
    ]);
    expect((JSON.parse(inspect.stdout) as { manifests: unknown[] }).manifests).toHaveLength(3);

    const back = join(work, 'multi-back');
    await runOk(SKOPEO, [
      'copy',
      '--all',
      '--preserve-digests',
      '--src-tls-verify=false',
      `docker://${registry.address}/skopeo/multi:1`,
      `oci:${back}:multi`,
    ]);
    expect(await layoutDigest(back, 'multi')).toBe(indexDigest);
  });
});

describe('podman', () => {
  it('pushes and pulls through the registry (vfs storage)', async (context) => {
    const root = join(work, 'podman');
    const podman = (args: string[]) =>
      run(PODMAN, [
        '--storage-driver',
        'vfs',
        '--root',
        join(root, 'root'),
        '--runroot',
        join(root, 'run'),
        ...args,
      ]);
    const probe = await podman(['info', '--format', '{{.Store.GraphDriverName}}']);
    if (probe.code !== 0) {
      console.log(`skipping podman: it cannot run here (${probe.stderr.trim().split('\n').at(-1)})`);
      context.skip();
    }
    const image = await buildImage('podman', [256 * 1024]);
    const source = `${registry.address}/podman/source:1`;
    try {
      await dockerOk(['tag', image.reference, source]);
      await dockerOk(['push', source]);
    } finally {
      await dockerOk(['rmi', image.reference, source]);
    }
    const expected = await registryDigest('podman/source', '1');
    const pulled = await podman(['pull', '--tls-verify=false', source]);
    expect(pulled.code, pulled.stderr).toBe(0);
    const pushed = await podman([
      'push',
      '--tls-verify=false',
      '--digestfile',
      join(root, 'digest'),
      source,
      `docker://${registry.address}/podman/copy:1`,
    ]);
    expect(pushed.code, pushed.stderr).toBe(0);
    const copyDigest = await registryDigest('podman/copy', '1');
    expect(copyDigest).toMatch(/^sha256:/);
    // podman may re-encode the manifest; the config (image id) must survive unchanged.
    const config = async (name: string, digest: string) =>
      (
        (await (
          await fetch(`${registry.url}/v2/${name}/manifests/${digest}`, {
            headers: {
              Accept:
                'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json',
            },
          })
        ).json()) as { config: { digest: string } }
      ).config.digest;
    expect(await config('podman/copy', copyDigest as string)).toBe(
      await config('podman/source', expected as string),
    );
    await run('chmod', ['-R', 'u+w', root]);
  });
});
