/** Pure parts of the registry: name/tag/digest grammar, the error table, manifest parsing, ranges, pagination. */
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, RegistryError, toRegistryError } from '../../electron/registry/server/errors';
import { parseRange } from '../../electron/registry/server/http/blob-handlers';
import { paginate } from '../../electron/registry/server/http/context';
import {
  accepts,
  negotiateIndexChild,
  parseManifest,
  referencedDigests,
} from '../../electron/registry/server/manifest-format';
import {
  isValidName,
  isValidTag,
  parseDigest,
  parseReference,
  tryParseDigest,
} from '../../electron/registry/server/names';

const HEX = 'a'.repeat(64);

describe('names', () => {
  it.each(['a', 'library/busybox', 'a.b_c__d-e---f/g0', 'x/y/z/w', 'a'.repeat(255)])('accepts %s', (name) =>
    expect(isValidName(name)).toBe(true),
  );
  it.each([
    '',
    'A',
    'a/../b',
    '..',
    'a..b',
    '/a',
    'a/',
    'a//b',
    '-a',
    'a-',
    'a___b',
    'a b',
    'a%2fb',
    'a:b',
    'a'.repeat(256),
    '_a',
    'a/_layers',
  ])('refuses %j', (name) => expect(isValidName(name)).toBe(false));
  it('checks tags', () => {
    expect(isValidTag('v1.0_rc-1')).toBe(true);
    expect(isValidTag('.hidden')).toBe(false);
    expect(isValidTag('-x')).toBe(false);
    expect(isValidTag('a'.repeat(129))).toBe(false);
  });
});

describe('digests and references', () => {
  it('parses sha256 and sha512, nothing else', () => {
    expect(tryParseDigest(`sha256:${HEX}`)).toEqual({
      algorithm: 'sha256',
      hex: HEX,
      value: `sha256:${HEX}`,
    });
    expect(tryParseDigest(`sha512:${'b'.repeat(128)}`)?.algorithm).toBe('sha512');
    expect(tryParseDigest(`sha256:${'A'.repeat(64)}`)).toBeUndefined();
    expect(tryParseDigest(`sha256:${HEX}0`)).toBeUndefined();
    expect(tryParseDigest(`md5:${HEX}`)).toBeUndefined();
    expect(() => parseDigest('sha256:../../etc')).toThrow(RegistryError);
  });
  it('tells tags from digests', () => {
    expect(parseReference('latest')).toEqual({ kind: 'tag', tag: 'latest' });
    expect(parseReference(`sha256:${HEX}`).kind).toBe('digest');
    expect(() => parseReference('../x')).toThrow(RegistryError);
  });
});

describe('error table', () => {
  it('declares each code once with its status', () => {
    expect(ERROR_CODES.BLOB_UNKNOWN.status).toBe(404);
    expect(ERROR_CODES.MANIFEST_BLOB_UNKNOWN.status).toBe(400);
    expect(ERROR_CODES.DENIED.status).toBe(403);
    expect(ERROR_CODES.UNAUTHORIZED.status).toBe(401);
    expect(ERROR_CODES.TOOMANYREQUESTS.status).toBe(429);
  });
  it("answers only the spec's codes (and distribution's UNKNOWN for its own failures)", () => {
    const spec = [
      'BLOB_UNKNOWN',
      'BLOB_UPLOAD_INVALID',
      'BLOB_UPLOAD_UNKNOWN',
      'DIGEST_INVALID',
      'MANIFEST_BLOB_UNKNOWN',
      'MANIFEST_INVALID',
      'MANIFEST_UNKNOWN',
      'NAME_INVALID',
      'NAME_UNKNOWN',
      'SIZE_INVALID',
      'UNAUTHORIZED',
      'DENIED',
      'UNSUPPORTED',
      'TOOMANYREQUESTS',
    ];
    expect(Object.keys(ERROR_CODES).filter((code) => !spec.includes(code))).toEqual(['UNKNOWN']);
  });
  it('renders the spec body', () => {
    const error = new RegistryError('DENIED', undefined, { detail: { why: 'x' } });
    expect(JSON.parse(error.toBody())).toEqual({
      errors: [{ code: 'DENIED', message: ERROR_CODES.DENIED.message, detail: { why: 'x' } }],
    });
  });
  it('turns disk full and permission denied into clean 5xx with a log line', () => {
    const full = toRegistryError(Object.assign(new Error('no space'), { code: 'ENOSPC' }));
    expect(full.error.status).toBe(507);
    expect(full.logLine).toMatch(/disk is full/);
    const denied = toRegistryError(Object.assign(new Error('nope'), { code: 'EACCES' }));
    expect([denied.error.status, denied.error.code]).toEqual([500, 'UNKNOWN']);
  });
});

describe('manifests', () => {
  const config = { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${HEX}`, size: 2 };
  const image = (extra: object = {}) =>
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config,
        layers: [],
        ...extra,
      }),
    );

  it('parses an image with subject and artifactType', () => {
    const info = parseManifest(
      image({
        artifactType: 'x/y',
        subject: { ...config, mediaType: 'application/vnd.oci.image.manifest.v1+json' },
      }),
      undefined,
    );
    expect(info.kind).toBe('image');
    expect(info.artifactType).toBe('x/y');
    expect(referencedDigests(info)).toEqual([config.digest, config.digest]);
  });
  it('refuses schema 1, bad descriptors, and a Content-Type that disagrees', () => {
    expect(() => parseManifest(Buffer.from('{"schemaVersion":1}'), undefined)).toThrow(/schemaVersion/);
    expect(() => parseManifest(image({ config: { ...config, digest: 'sha256:zz' } }), undefined)).toThrow(
      /digest/,
    );
    expect(() => parseManifest(image(), 'application/vnd.docker.distribution.manifest.v2+json')).toThrow(
      /does not match/,
    );
    expect(() =>
      parseManifest(image({ mediaType: 'application/vnd.example.thing+json' }), undefined),
    ).toThrow(expect.objectContaining({ code: 'UNSUPPORTED', status: 415 }) as Error);
  });
  it('negotiates an index down to linux/amd64 for clients that cannot take one', () => {
    const child = (architecture: string) => ({
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: `sha256:${architecture === 'amd64' ? 'b'.repeat(64) : 'c'.repeat(64)}`,
      size: 1,
      platform: { os: 'linux', architecture },
    });
    const index = parseManifest(
      Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.index.v1+json',
          manifests: [child('arm64'), child('amd64')],
        }),
      ),
      undefined,
    );
    expect(
      negotiateIndexChild(index, 'application/vnd.oci.image.manifest.v1+json')?.platform?.architecture,
    ).toBe('amd64');
    expect(negotiateIndexChild(index, 'application/vnd.oci.image.index.v1+json')).toBeUndefined();
    expect(negotiateIndexChild(index, undefined)).toBeUndefined();
    expect(accepts('text/plain, */*;q=0.1', 'anything')).toBe(true);
  });
});

describe('ranges and pagination', () => {
  it('parses single byte ranges', () => {
    expect(parseRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=50-500', 100)).toEqual({ start: 50, end: 99 });
    expect(parseRange('bytes=100-', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=1-2,5-6', 100)).toBeUndefined();
    expect(parseRange(undefined, 100)).toBeUndefined();
  });
  it('pages with n and last and a Link to the next page', () => {
    const items = ['a', 'b', 'c', 'd'];
    expect(paginate(items, new URLSearchParams('n=2'), '/v2/_catalog')).toEqual({
      page: ['a', 'b'],
      link: '</v2/_catalog?last=b&n=2>; rel="next"',
    });
    expect(paginate(items, new URLSearchParams('n=2&last=b'), '/v2/_catalog')).toEqual({ page: ['c', 'd'] });
    expect(paginate(items, new URLSearchParams('last=c'), '/x')).toEqual({ page: ['d'] });
  });
});
