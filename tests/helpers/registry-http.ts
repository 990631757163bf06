/**
 * Protocol-level helpers for registry tests: push blobs and manifests with fetch, build small
 * image manifests, and read error codes.
 */
import { createHash, randomBytes } from 'node:crypto';

/** `sha256:<hex>` of the bytes. */
export function sha256(bytes: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** Random bytes of the given length. */
export function randomBlob(size: number): Buffer {
  return randomBytes(size);
}

/** Uploads a blob in one POST `?digest=`; returns its digest. */
export async function pushBlob(base: string, name: string, bytes: Uint8Array): Promise<string> {
  const digest = sha256(bytes);
  const response = await fetch(`${base}/v2/${name}/blobs/uploads/?digest=${digest}`, {
    method: 'POST',
    body: bytes,
    headers: { 'Content-Type': 'application/octet-stream' },
  });
  if (response.status !== 201)
    throw new Error(`blob push failed: ${response.status} ${await response.text()}`);
  return digest;
}

/** A descriptor for JSON manifests. */
export interface TestDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os: string; architecture: string; variant?: string };
  artifactType?: string;
  annotations?: Record<string, string>;
}

/** Pushes a config and one layer, returns an OCI image manifest (not yet pushed) referencing them. */
export async function makeImage(
  base: string,
  name: string,
  options: {
    layerSize?: number;
    platform?: { os: string; architecture: string };
    extra?: Record<string, unknown>;
  } = {},
): Promise<{ manifest: Buffer; digest: string; config: TestDescriptor; layer: TestDescriptor }> {
  const configBytes = Buffer.from(
    JSON.stringify({
      architecture: options.platform?.architecture ?? 'amd64',
      os: options.platform?.os ?? 'linux',
      rootfs: { type: 'layers', diff_ids: [] },
      nonce: randomBytes(8).toString('hex'),
    }),
  );
  const layerBytes = randomBlob(options.layerSize ?? 1024);
  const config = {
    mediaType: 'application/vnd.oci.image.config.v1+json',
    digest: await pushBlob(base, name, configBytes),
    size: configBytes.length,
  };
  const layer = {
    mediaType: 'application/vnd.oci.image.layer.v1.tar',
    digest: await pushBlob(base, name, layerBytes),
    size: layerBytes.length,
  };
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config,
      layers: [layer],
      ...options.extra,
    }),
  );
  return { manifest, digest: sha256(manifest), config, layer };
}

/** PUTs a manifest; returns the response. */
export function putManifest(
  base: string,
  name: string,
  reference: string,
  body: Uint8Array,
  mediaType = 'application/vnd.oci.image.manifest.v1+json',
): Promise<Response> {
  return fetch(`${base}/v2/${name}/manifests/${reference}`, {
    method: 'PUT',
    body,
    headers: { 'Content-Type': mediaType },
  });
}

/** The first error code of a registry error response. */
export async function errorCode(response: Response): Promise<string | undefined> {
  const body = (await response.json()) as { errors?: Array<{ code: string }> };
  return body.errors?.[0]?.code;
}
