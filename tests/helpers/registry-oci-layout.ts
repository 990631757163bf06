/**
 * Writes OCI image layouts by hand for registry tests, so a multi-arch index exists without any
 * network: per platform, a gzipped tar layer of random bytes, a config and an image manifest, all
 * under one index tagged in index.json.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

function digestOf(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** A minimal ustar archive holding one file. */
function tarOf(fileName: string, content: Buffer): Buffer {
  const header = Buffer.alloc(512);
  header.write(fileName, 0, 100, 'utf8');
  header.write('0000644\0', 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write(`${content.length.toString(8).padStart(11, '0')}\0`, 124);
  header.write(
    `${Math.floor(Date.now() / 1000)
      .toString(8)
      .padStart(11, '0')}\0`,
    136,
  );
  header.write('        ', 148);
  header.write('0', 156);
  header.write('ustar\0', 257);
  header.write('00', 263);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  const padding = Buffer.alloc((512 - (content.length % 512)) % 512);
  return Buffer.concat([header, content, padding, Buffer.alloc(1024)]);
}

async function writeBlob(layout: string, bytes: Buffer): Promise<string> {
  const digest = digestOf(bytes);
  await writeFile(join(layout, 'blobs', 'sha256', digest.slice(7)), bytes);
  return digest;
}

/**
 * Creates an OCI layout at `layout` with one index (tag `tag`) over one image per platform.
 * Returns the index digest and the per-platform manifest digests.
 */
export async function writeMultiArchLayout(
  layout: string,
  tag: string,
  platforms: Array<{ os: string; architecture: string; variant?: string }>,
  layerSize = 256 * 1024,
): Promise<{ indexDigest: string; manifests: string[] }> {
  await mkdir(join(layout, 'blobs', 'sha256'), { recursive: true });
  await writeFile(join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const children = [];
  for (const platform of platforms) {
    const tar = tarOf(`data-${platform.architecture}.bin`, randomBytes(layerSize));
    const layer = gzipSync(tar);
    const layerDigest = await writeBlob(layout, layer);
    const config = Buffer.from(
      JSON.stringify({ ...platform, rootfs: { type: 'layers', diff_ids: [digestOf(tar)] }, config: {} }),
    );
    const configDigest = await writeBlob(layout, config);
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: {
          mediaType: 'application/vnd.oci.image.config.v1+json',
          digest: configDigest,
          size: config.length,
        },
        layers: [
          {
            mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
            digest: layerDigest,
            size: layer.length,
          },
        ],
      }),
    );
    const manifestDigest = await writeBlob(layout, manifest);
    children.push({
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: manifestDigest,
      size: manifest.length,
      platform,
    });
  }
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: children,
    }),
  );
  const indexDigest = await writeBlob(layout, index);
  await writeFile(
    join(layout, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.index.v1+json',
          digest: indexDigest,
          size: index.length,
          annotations: { 'org.opencontainers.image.ref.name': tag },
        },
      ],
    }),
  );
  return { indexDigest, manifests: children.map((child) => child.digest) };
}

/** The digest index.json of a layout gives for `tag`. */
export async function layoutDigest(layout: string, tag: string): Promise<string | undefined> {
  const index = JSON.parse(await readFile(join(layout, 'index.json'), 'utf8')) as {
    manifests: Array<{ digest: string; annotations?: Record<string, string> }>;
  };
  return index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag)?.digest;
}
