/**
 * Manifest references that are neither a valid tag nor a digest, against the real registry process:
 * GET, HEAD and DELETE answer as for a missing manifest (404 MANIFEST_UNKNOWN, what the OCI
 * conformance suite and clients expect); a PUT to one is refused as invalid (400). A stored image in
 * the same repository shows the answers are about the reference, not an empty repository.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningRegistry, startRegistry } from '../helpers/registry-process';
import { errorCode, makeImage, putManifest } from '../helpers/registry-http';

let registry: RunningRegistry;
let image: Awaited<ReturnType<typeof makeImage>>;

beforeAll(async () => {
  registry = await startRegistry({ args: ['--quiet'] });
  image = await makeImage(registry.url, 'refs/app');
  expect((await putManifest(registry.url, 'refs/app', 'v1', image.manifest)).status).toBe(201);
});
afterAll(async () => {
  await registry?.stop();
});

/** Neither a tag (grammar: [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}) nor a supported digest. */
const NOT_A_REFERENCE = [
  ['a leading dot', '.INVALID'],
  ['a leading dash', '-v1'],
  ['a 129-character tag', 'a'.repeat(129)],
  ['a colon that is no digest', 'a:b'],
  ['an unknown digest algorithm', `md5:${'0'.repeat(32)}`],
  ['a short sha256', 'sha256:abc'],
  ['uppercase hex', `sha256:${'A'.repeat(64)}`],
];

describe('a reference that is neither a tag nor a digest', () => {
  it.each(NOT_A_REFERENCE)('GET of %s is 404 MANIFEST_UNKNOWN', async (_label, reference) => {
    const response = await fetch(`${registry.url}/v2/refs/app/manifests/${reference}`);
    expect([response.status, await errorCode(response)]).toEqual([404, 'MANIFEST_UNKNOWN']);
  });

  it.each(NOT_A_REFERENCE)('HEAD of %s is 404 with no body', async (_label, reference) => {
    const response = await fetch(`${registry.url}/v2/refs/app/manifests/${reference}`, { method: 'HEAD' });
    expect(response.status).toBe(404);
    expect(await response.text()).toBe('');
  });

  it.each(NOT_A_REFERENCE)('DELETE of %s is 404 MANIFEST_UNKNOWN', async (_label, reference) => {
    const response = await fetch(`${registry.url}/v2/refs/app/manifests/${reference}`, { method: 'DELETE' });
    expect([response.status, await errorCode(response)]).toEqual([404, 'MANIFEST_UNKNOWN']);
  });

  it('PUT to one is refused as invalid (400), and nothing is stored', async () => {
    const badTag = await putManifest(registry.url, 'refs/app', '.INVALID', image.manifest);
    expect([badTag.status, await errorCode(badTag)]).toEqual([400, 'MANIFEST_INVALID']);
    const badDigest = await putManifest(registry.url, 'refs/app', 'a:b', image.manifest);
    expect([badDigest.status, await errorCode(badDigest)]).toEqual([400, 'DIGEST_INVALID']);
    const tags = (await (await fetch(`${registry.url}/v2/refs/app/tags/list`)).json()) as { tags: string[] };
    expect(tags.tags).toEqual(['v1']);
  });

  it('leaves valid references answered as before: by tag, by digest, and a missing tag', async () => {
    const byTag = await fetch(`${registry.url}/v2/refs/app/manifests/v1`, { method: 'HEAD' });
    expect([byTag.status, byTag.headers.get('docker-content-digest')]).toEqual([200, image.digest]);
    const byDigest = await fetch(`${registry.url}/v2/refs/app/manifests/${image.digest}`);
    expect(byDigest.status).toBe(200);
    expect(Buffer.from(await byDigest.arrayBuffer())).toEqual(image.manifest);
    const missing = await fetch(`${registry.url}/v2/refs/app/manifests/v2`);
    expect([missing.status, await errorCode(missing)]).toEqual([404, 'MANIFEST_UNKNOWN']);
  });
});
