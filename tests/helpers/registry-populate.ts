/**
 * Fills a registry over HTTP for browse tests and the browse benchmark: small images (one config, one
 * layer), multi-arch indexes, many repositories sharing one config and layer (mounted, not uploaded
 * again). `auth(scope)` gives the headers for a push scope (Basic, or a Bearer token from the issuer),
 * so the same helper fills an open registry and one that wants a login.
 */
import { randomBytes } from 'node:crypto';
import { sha256 } from './registry-http';

export type AuthHeaders = (scope: string) => Promise<Record<string, string>> | Record<string, string>;
const anonymous: AuthHeaders = () => ({});

export interface PushedBlob {
  digest: string;
  size: number;
  mediaType: string;
}

async function check(response: Response, what: string, statuses: number[]): Promise<Response> {
  if (!statuses.includes(response.status))
    throw new Error(`${what}: HTTP ${response.status} ${await response.text()}`);
  return response;
}

/** Uploads a blob (POST then PUT ?digest=), or mounts it from `from` when given. */
export async function pushBlobTo(
  base: string,
  name: string,
  bytes: Buffer,
  mediaType: string,
  auth: AuthHeaders = anonymous,
  from?: string,
): Promise<PushedBlob> {
  const digest = sha256(bytes);
  const scope = from
    ? `repository:${name}:pull,push repository:${from}:pull`
    : `repository:${name}:pull,push`;
  const headers = await auth(scope);
  if (from) {
    const mounted = await fetch(`${base}/v2/${name}/blobs/uploads/?mount=${digest}&from=${from}`, {
      method: 'POST',
      headers,
    });
    await mounted.arrayBuffer();
    if (mounted.status === 201) return { digest, size: bytes.length, mediaType };
  }
  const start = await check(
    await fetch(`${base}/v2/${name}/blobs/uploads/`, { method: 'POST', headers }),
    `start upload to ${name}`,
    [202],
  );
  await start.arrayBuffer();
  const location = new URL(start.headers.get('location') ?? '', base);
  location.searchParams.set('digest', digest);
  const done = await check(
    await fetch(location, {
      method: 'PUT',
      body: bytes,
      headers: { ...headers, 'Content-Type': 'application/octet-stream' },
    }),
    `finish upload to ${name}`,
    [201],
  );
  await done.arrayBuffer();
  return { digest, size: bytes.length, mediaType };
}

export async function putManifestTo(
  base: string,
  name: string,
  reference: string,
  manifest: Buffer,
  mediaType: string,
  auth: AuthHeaders = anonymous,
): Promise<string> {
  const headers = await auth(`repository:${name}:pull,push`);
  const response = await check(
    await fetch(`${base}/v2/${name}/manifests/${reference}`, {
      method: 'PUT',
      body: manifest,
      headers: { ...headers, 'Content-Type': mediaType },
    }),
    `put manifest ${name}:${reference}`,
    [201],
  );
  await response.arrayBuffer();
  return sha256(manifest);
}

export interface SmallImage {
  manifest: Buffer;
  digest: string;
  config: PushedBlob;
  layer: PushedBlob;
  mediaType: string;
}

/** Pushes a config (with a created time and platform) and a layer; answers the manifest (not yet put). */
export async function pushSmallImage(
  base: string,
  name: string,
  options: {
    platform?: { os: string; architecture: string };
    layerSize?: number;
    auth?: AuthHeaders;
    created?: string;
  } = {},
): Promise<SmallImage> {
  const config = await pushBlobTo(
    base,
    name,
    Buffer.from(
      JSON.stringify({
        created: options.created ?? '2026-01-02T03:04:05Z',
        architecture: options.platform?.architecture ?? 'amd64',
        os: options.platform?.os ?? 'linux',
        rootfs: { type: 'layers', diff_ids: [] },
        config: {},
        nonce: randomBytes(6).toString('hex'),
      }),
    ),
    'application/vnd.oci.image.config.v1+json',
    options.auth,
  );
  const layer = await pushBlobTo(
    base,
    name,
    randomBytes(options.layerSize ?? 2048),
    'application/vnd.oci.image.layer.v1.tar+gzip',
    options.auth,
  );
  const mediaType = 'application/vnd.oci.image.manifest.v1+json';
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType, config, layers: [layer] }));
  return { manifest, digest: sha256(manifest), config, layer, mediaType };
}

/** An image under `tags` (each tag the same manifest). */
export async function pushTaggedImage(
  base: string,
  name: string,
  tags: string[],
  options: { auth?: AuthHeaders; layerSize?: number } = {},
): Promise<SmallImage> {
  const image = await pushSmallImage(base, name, options);
  for (const tag of tags) await putManifestTo(base, name, tag, image.manifest, image.mediaType, options.auth);
  return image;
}

/** A two-platform OCI index (linux/amd64, linux/arm64) under `tag`; answers its digest and children. */
export async function pushMultiArch(
  base: string,
  name: string,
  tag: string,
  auth: AuthHeaders = anonymous,
): Promise<{ digest: string; children: SmallImage[] }> {
  const platforms = [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64' },
  ];
  const children: SmallImage[] = [];
  for (const [index, platform] of platforms.entries()) {
    const child = await pushSmallImage(base, name, { platform, auth, layerSize: 1000 * (index + 1) });
    await putManifestTo(base, name, child.digest, child.manifest, child.mediaType, auth);
    children.push(child);
  }
  const mediaType = 'application/vnd.oci.image.index.v1+json';
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType,
      manifests: children.map((child, i) => ({
        mediaType: child.mediaType,
        digest: child.digest,
        size: child.manifest.length,
        platform: platforms[i],
      })),
    }),
  );
  return { digest: await putManifestTo(base, name, tag, index, mediaType, auth), children };
}

/** Basic credentials as headers. */
export function basicAuth(user: string, password: string): AuthHeaders {
  return () => ({ Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });
}

/** A Bearer token from the issuer's realm for each scope, with Basic credentials. */
export function bearerAuth(realm: string, service: string, user: string, password: string): AuthHeaders {
  return async (scope) => {
    const url = new URL(realm);
    url.searchParams.set('service', service);
    for (const part of scope.split(' ')) url.searchParams.append('scope', part);
    const response = await fetch(url, {
      headers: { Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` },
    });
    const { token } = (await response.json()) as { token: string };
    return { Authorization: `Bearer ${token}` };
  };
}
