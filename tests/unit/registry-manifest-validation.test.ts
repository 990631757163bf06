/**
 * The checks a pushed manifest passes (manifest-validation.ts), and the defences behind them for
 * manifests stored before those checks existed: the existence check's exemptions and the referrers
 * list over a stored manifest whose annotations aren't strings.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseManifest, requiredBlobs } from '../../electron/registry/server/manifest-format';
import {
  checkJsonShape,
  JsonShapeScanner,
  pushedMediaType,
  validatePushedManifest,
} from '../../electron/registry/server/manifest-validation';
import { digestOf, TempStorages } from '../helpers/registry-storage';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const config = {
  mediaType: 'application/vnd.oci.image.config.v1+json',
  digest: `sha256:${'a'.repeat(64)}`,
  size: 2,
};

const storages = new TempStorages();
afterEach(() => storages.removeAll());

describe('checkJsonShape', () => {
  const text = (value: string) => Buffer.from(value);

  it('counts nesting outside strings only, escaped quotes included', () => {
    expect(() => checkJsonShape(text('[[[]]]'), 3, 10)).not.toThrow();
    expect(() => checkJsonShape(text('[[[[]]]]'), 3, 10)).toThrow(/deeper than 3/);
    expect(() => checkJsonShape(text('["[[[[[[", "\\"[[[[[["]'), 2, 10)).not.toThrow();
    expect(() => checkJsonShape(text('["\\\\", [[[]]]]'), 3, 10)).toThrow(/deeper than 3/);
  });

  it('gives the same verdict fed in pieces, cut anywhere (inside strings and escapes too)', () => {
    const samples = [
      '["\\\\", [[[]]]]',
      '["a\\"[[[[", [[]]]',
      '{"k":"\\\\\\"[[[[["}',
      '[[[[]]]]',
      '[{},{},{},{}]',
    ];
    const verdict = (run: () => void) => {
      try {
        run();
        return 'ok';
      } catch (error) {
        return (error as Error).message;
      }
    };
    for (const sample of samples) {
      const bytes = text(sample);
      const whole = verdict(() => checkJsonShape(bytes, 3, 3));
      for (let cut = 0; cut <= bytes.length; cut += 1) {
        for (let second = cut; second <= bytes.length; second += 1) {
          const scanner = new JsonShapeScanner(3, 3);
          const pieces = verdict(() => {
            scanner.feed(bytes.subarray(0, cut));
            scanner.feed(bytes.subarray(cut, second));
            scanner.feed(bytes.subarray(second));
          });
          expect(pieces, `${sample} cut at ${cut} and ${second}`).toBe(whole);
        }
      }
    }
  });

  it('counts objects at any depth', () => {
    expect(() => checkJsonShape(text('[{},{},{}]'), 5, 3)).not.toThrow();
    expect(() => checkJsonShape(text('[{},{},{},{}]'), 5, 3)).toThrow(/more than 3 objects/);
    expect(() => checkJsonShape(text('["{}{}{}{}"]'), 5, 3)).not.toThrow();
  });
});

describe('pushedMediaType', () => {
  it('names the manifest type, parameters and case dropped', () => {
    expect(pushedMediaType(`${OCI_MANIFEST}; charset=utf-8`)).toBe(OCI_MANIFEST);
    expect(pushedMediaType('Application/VND.OCI.Image.Index.v1+JSON')).toBe(
      'application/vnd.oci.image.index.v1+json',
    );
  });

  it('refuses what says nothing (400), and a type that is not a manifest (415)', () => {
    for (const header of [undefined, '', 'application/json', 'garbage', 'a/b c'])
      expect(() => pushedMediaType(header)).toThrow(
        expect.objectContaining({ code: 'MANIFEST_INVALID', status: 400 }) as Error,
      );
    expect(() => pushedMediaType('application/vnd.example.thing+json')).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED', status: 415 }) as Error,
    );
  });
});

describe('validatePushedManifest', () => {
  const manifest = (extra: Record<string, unknown>) =>
    Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [], ...extra }));

  it('takes a manifest typed as the spec types it', () => {
    const info = validatePushedManifest(
      manifest({
        artifactType: 'application/vnd.example.sbom+json',
        annotations: { 'org.opencontainers.image.created': '2026-12-07T00:00:00Z' },
        layers: [
          {
            ...config,
            mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
            platform: {
              os: 'windows',
              architecture: 'amd64',
              'os.version': '10.0',
              'os.features': ['win32k'],
            },
            data: 'e30=',
          },
        ],
      }),
      OCI_MANIFEST,
    );
    expect(info.kind).toBe('image');
    expect(info.artifactType).toBe('application/vnd.example.sbom+json');
  });

  it('refuses a body whose mediaType disagrees with the Content-Type', () => {
    expect(() => validatePushedManifest(manifest({}), 'application/vnd.oci.image.index.v1+json')).toThrow(
      /does not match/,
    );
  });
});

describe('defences for manifests stored before the checks', () => {
  it('still requires a config that carries urls (only foreign layers are exempt)', () => {
    const lenient = parseManifest(
      Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: OCI_MANIFEST,
          config: { ...config, urls: ['https://example.invalid/c'] },
          layers: [
            { ...config, digest: `sha256:${'b'.repeat(64)}`, urls: ['https://example.invalid/l'] },
            {
              mediaType: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
              digest: `sha256:${'c'.repeat(64)}`,
              size: 1,
              urls: ['https://example.invalid/f'],
            },
          ],
        }),
      ),
      undefined,
    );
    expect(requiredBlobs(lenient).map((digest) => digest.value)).toEqual([
      config.digest,
      `sha256:${'b'.repeat(64)}`,
    ]);
  });

  it('lists a stored referrer whose annotations are not all strings, with its string annotations only', async () => {
    const storage = await storages.create();
    const subject = digestOf(Buffer.from('subject'));
    const referrer = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config,
        layers: [],
        subject: { mediaType: OCI_MANIFEST, digest: subject.value, size: 7 },
        annotations: { kept: 'yes', nested: { a: { b: 'c' } } },
      }),
    );
    // Stored the way an older registry stored it: no validation on the way in.
    const digest = digestOf(referrer);
    await storage.blobs.put(digest, referrer);
    await storage.repositories.linkRevision('old/referrers', digest);
    const found = await storage.manifests.referrers('old/referrers', subject, undefined);
    expect(found).toHaveLength(1);
    expect(found[0]?.annotations).toEqual({ kept: 'yes' });
  });
});
