/**
 * docker push / pull through the test dockerd against the real registry process: a multi-layer
 * image round trip (same manifest digest and image id), "Layer already exists" on a second push,
 * "Mounted from" when pushing to another repository of the same registry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningRegistry, startRegistry } from '../helpers/registry-process';
import { buildImage, dockerOk, pushedDigest, requireDockerHost } from '../helpers/registry-clients';

let registry: RunningRegistry;
let image: { reference: string; id: string };
const cleanup: string[] = [];

beforeAll(async () => {
  requireDockerHost();
  [registry, image] = await Promise.all([
    startRegistry(),
    buildImage('docker', [1024 * 1024, 2 * 1024 * 1024, 512 * 1024]),
  ]);
  cleanup.push(image.reference);
});

afterAll(async () => {
  await dockerOk(['rmi', '--force', ...cleanup]).catch(() => undefined);
  await registry?.stop();
});

describe('docker against the registry', () => {
  it('pushes, re-pushes (layers already exist), mounts into another repository, and pulls back the same image', async () => {
    const target = `${registry.address}/team/app:1`;
    const other = `${registry.address}/other/app:1`;
    cleanup.push(target, other);
    await dockerOk(['tag', image.reference, target]);
    const first = await dockerOk(['push', target]);
    const digest = pushedDigest(first);
    expect(digest).toMatch(/^sha256:/);
    expect(first).toMatch(/Pushed/);

    const head = await fetch(`${registry.url}/v2/team/app/manifests/1`, {
      method: 'HEAD',
      headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json' },
    });
    expect(head.headers.get('docker-content-digest')).toBe(digest);
    // What docker pushed is a Docker schema 2 manifest, stored and served as one.
    expect(head.headers.get('content-type')).toBe('application/vnd.docker.distribution.manifest.v2+json');

    const again = await dockerOk(['push', target]);
    expect(again).toMatch(/Layer already exists/);
    expect(again).not.toMatch(/Pushed/);
    expect(pushedDigest(again)).toBe(digest);

    await dockerOk(['tag', image.reference, other]);
    const mounted = await dockerOk(['push', other]);
    expect(mounted).toMatch(/Mounted from team\/app/);
    expect(pushedDigest(mounted)).toBe(digest);

    // Remove every local name of the image so the pull really downloads it.
    await dockerOk(['rmi', target, other, image.reference]);
    const pulled = await dockerOk(['pull', target]);
    expect(pulled).toContain(`Digest: ${digest}`);
    const id = (await dockerOk(['image', 'inspect', '--format', '{{.Id}}', target])).trim();
    expect(id).toBe(image.id);
    const repoDigests = await dockerOk(['image', 'inspect', '--format', '{{json .RepoDigests}}', target]);
    expect(repoDigests).toContain(`${registry.address}/team/app@${digest}`);
  });
});
