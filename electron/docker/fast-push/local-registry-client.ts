/**
 * The fast local push's way into Berth's own registry: its Distribution API over HTTP on loopback.
 * Going through HTTP rather than new IPC requests keeps the registry process the only writer of its
 * storage, and reuses its upload path as every client uses it: bytes land in an upload session,
 * are hashed as they stream, and become a blob (temp file, fsync, rename) only when the digest the
 * client names matches. An aborted or failed upload leaves at most an upload session, which is
 * deleted here and swept by the registry when stale; nothing half-written is visible as a blob.
 */
import { Agent, request, type IncomingMessage } from 'node:http';
import { DOCKER_EXPORT_PATH, type DockerExportRequest } from '../../registry/docker-export-protocol';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';

/** The media types the fast push reads and writes. */
export const MEDIA = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
} as const;

const MANIFEST_ACCEPT = [
  MEDIA.ociManifest,
  MEDIA.ociIndex,
  MEDIA.dockerManifest,
  MEDIA.dockerManifestList,
].join(', ');

/** A registry answer the fast push did not expect; `status` and the registry's own words. */
export class RegistryHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    what: string,
  ) {
    super(`${what}: HTTP ${status} ${body.slice(0, 300)}`);
    this.name = 'RegistryHttpError';
  }
}

/** The registry could not be reached (stopped, or restarting); the socket's own words kept. */
export class RegistryConnectionError extends Error {
  constructor(readonly socketError: Error) {
    super(`the local registry did not answer: ${socketError.message}`);
    this.name = 'RegistryConnectionError';
  }
}

interface Answer {
  status: number;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/** A client for one registry at `baseUrl` (`http://127.0.0.1:PORT`). */
export class LocalRegistryClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 8 });

  /** `dockerExportToken`: the registry's token for `/_berth/docker-export` (Berth's own registry only). */
  constructor(
    readonly baseUrl: string,
    private readonly options: { dockerExportToken?: string } = {},
  ) {}

  /** True when the registry can read a Docker export itself (see `dockerExport`). */
  get readsDockerExports(): boolean {
    return this.options.dockerExportToken !== undefined;
  }

  /**
   * Asks the registry to read `docker save`'s export off the daemon's socket and write its layers into
   * upload sessions (registry/server/http/docker-export-handler.ts); resolves to its answer, NDJSON
   * events, once it has accepted. The signal (or destroying the answer) stops the export there.
   */
  dockerExport(asked: DockerExportRequest, signal: AbortSignal): Promise<Readable> {
    const body = Buffer.from(JSON.stringify(asked));
    return new Promise<Readable>((resolve, reject) => {
      const req = request(
        new URL(DOCKER_EXPORT_PATH, this.baseUrl),
        {
          method: 'POST',
          // Its own connection: the answer lasts the whole export.
          agent: false,
          signal,
          headers: {
            Authorization: `Bearer ${this.options.dockerExportToken ?? ''}`,
            'Content-Type': 'application/json',
            'Content-Length': String(body.length),
          },
        },
        (res) => {
          if (res.statusCode === 200) return resolve(res);
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            reject(new RegistryHttpError(res.statusCode ?? 0, Buffer.concat(chunks).toString(), 'export')),
          );
          res.on('error', reject);
        },
      );
      req.on('error', (error: Error & { code?: string }) =>
        reject(
          error.name !== 'AbortError' && error.code !== undefined && /^E[A-Z]+$/.test(error.code)
            ? new RegistryConnectionError(error)
            : error,
        ),
      );
      req.end(body);
    });
  }

  /** True when `repository` holds blob `digest`. */
  async hasBlob(repository: string, digest: string, signal?: AbortSignal): Promise<boolean> {
    const answer = await this.send('HEAD', `/v2/${repository}/blobs/${digest}`, { signal });
    if (answer.status === 200) return true;
    if (answer.status === 404) return false;
    throw new RegistryHttpError(answer.status, answer.body.toString(), `HEAD blob ${digest}`);
  }

  /** Links blob `digest` of repository `from` into `repository`; false if the registry would not. */
  async mountBlob(repository: string, digest: string, from: string, signal?: AbortSignal): Promise<boolean> {
    const query = `mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`;
    const answer = await this.send('POST', `/v2/${repository}/blobs/uploads/?${query}`, { signal });
    if (answer.status === 201) return true;
    // It opened an upload session instead (allowed by the spec): close it, nothing to upload here.
    const location = answer.headers.location;
    if (answer.status === 202 && typeof location === 'string') await this.cancelSession(location);
    return false;
  }

  /** Uploads a blob whose digest is known up front, in one request; the registry checks it. */
  async putBlob(
    repository: string,
    digest: string,
    body: Readable | Buffer,
    signal?: AbortSignal,
  ): Promise<void> {
    const path = `/v2/${repository}/blobs/uploads/?digest=${encodeURIComponent(digest)}`;
    const answer = await this.send('POST', path, { body, signal });
    if (answer.status !== 201)
      throw new RegistryHttpError(answer.status, answer.body.toString(), `upload ${digest}`);
  }

  /**
   * Starts an upload session and streams `body` into it (one PATCH); answers the session's location,
   * for `finishSession` or `cancelSession`. The registry hashes the bytes as they arrive; nothing is a
   * blob until the session is finished with the right digest. Deletes the session on failure.
   */
  async streamToSession(repository: string, body: Readable, signal?: AbortSignal): Promise<string> {
    const started = await this.send('POST', `/v2/${repository}/blobs/uploads/`, { signal });
    const location = started.headers.location;
    if (started.status !== 202 || typeof location !== 'string')
      throw new RegistryHttpError(started.status, started.body.toString(), 'start upload');
    try {
      const patched = await this.send('PATCH', location, {
        body,
        signal,
        headers: { 'Content-Type': 'application/octet-stream' },
      });
      const next = patched.headers.location;
      if (patched.status !== 202 || typeof next !== 'string')
        throw new RegistryHttpError(patched.status, patched.body.toString(), 'upload');
      return next;
    } catch (error) {
      await this.cancelSession(location);
      throw error;
    }
  }

  /** Finishes a session as blob `digest`; the registry refuses it (DIGEST_INVALID) if the bytes differ. */
  async finishSession(location: string, digest: string, signal?: AbortSignal): Promise<void> {
    const separator = location.includes('?') ? '&' : '?';
    const done = await this.send('PUT', `${location}${separator}digest=${encodeURIComponent(digest)}`, {
      signal,
    });
    if (done.status !== 201) {
      await this.cancelSession(location);
      throw new RegistryHttpError(done.status, done.body.toString(), `finish ${digest}`);
    }
  }

  /** Deletes an upload session (best effort: the registry sweeps stale ones anyway). */
  async cancelSession(location: string): Promise<void> {
    await this.send('DELETE', location.replace(/\?.*$/, '')).catch(() => undefined);
  }

  /**
   * Uploads a blob whose digest is known only once the bytes have passed: `finish` is asked for it
   * (computed by the caller as the bytes went by) and the registry checks it. Returns false when
   * `finish` answers undefined: the session is deleted instead (the blob was there already).
   */
  async uploadStreamed(
    repository: string,
    body: Readable,
    finish: () => string | undefined,
    signal?: AbortSignal,
  ): Promise<boolean> {
    const location = await this.streamToSession(repository, body, signal);
    const digest = finish();
    if (digest === undefined) {
      await this.cancelSession(location);
      return false;
    }
    await this.finishSession(location, digest, signal);
    return true;
  }

  /** Stores a manifest (or index) under `reference` (a tag or its digest); answers its digest. */
  async putManifest(
    repository: string,
    reference: string,
    mediaType: string,
    body: Buffer,
    signal?: AbortSignal,
  ): Promise<string> {
    const answer = await this.send('PUT', `/v2/${repository}/manifests/${reference}`, {
      body,
      signal,
      headers: { 'Content-Type': mediaType },
    });
    if (answer.status !== 201)
      throw new RegistryHttpError(answer.status, answer.body.toString(), `store manifest ${reference}`);
    return String(answer.headers['docker-content-digest'] ?? '');
  }

  /** Every repository name (the catalog, all pages). */
  async repositories(signal?: AbortSignal): Promise<string[]> {
    const names: string[] = [];
    let path: string | undefined = '/v2/_catalog?n=1000';
    while (path !== undefined) {
      const answer = await this.send('GET', path, { signal });
      if (answer.status !== 200)
        throw new RegistryHttpError(answer.status, answer.body.toString(), 'catalog');
      names.push(...((JSON.parse(answer.body.toString()) as { repositories?: string[] }).repositories ?? []));
      path = nextPage(answer.headers.link);
    }
    return names;
  }

  /** The tags of a repository (none when it has gone). */
  async tags(repository: string, signal?: AbortSignal): Promise<string[]> {
    const answer = await this.send('GET', `/v2/${repository}/tags/list?n=10000`, { signal });
    if (answer.status === 404) return [];
    if (answer.status !== 200) throw new RegistryHttpError(answer.status, answer.body.toString(), 'tags');
    return (JSON.parse(answer.body.toString()) as { tags?: string[] | null }).tags ?? [];
  }

  /** A manifest's digest (HEAD), or undefined when there is none. */
  async manifestDigest(
    repository: string,
    reference: string,
    signal?: AbortSignal,
  ): Promise<string | undefined> {
    const answer = await this.send('HEAD', `/v2/${repository}/manifests/${reference}`, {
      signal,
      headers: { Accept: MANIFEST_ACCEPT },
    });
    const digest = answer.headers['docker-content-digest'];
    return answer.status === 200 && typeof digest === 'string' ? digest : undefined;
  }

  /** A manifest's bytes and media type, or undefined when there is none. */
  async manifest(
    repository: string,
    reference: string,
    signal?: AbortSignal,
  ): Promise<{ mediaType: string; body: Buffer } | undefined> {
    const answer = await this.send('GET', `/v2/${repository}/manifests/${reference}`, {
      signal,
      headers: { Accept: MANIFEST_ACCEPT },
    });
    if (answer.status !== 200) return undefined;
    return { mediaType: String(answer.headers['content-type'] ?? ''), body: answer.body };
  }

  /** A small blob's bytes (an image config), or undefined when there is none. */
  async smallBlob(repository: string, digest: string, signal?: AbortSignal): Promise<Buffer | undefined> {
    const answer = await this.send('GET', `/v2/${repository}/blobs/${digest}`, { signal });
    return answer.status === 200 ? answer.body : undefined;
  }

  /** Closes idle keep-alive connections. */
  close(): void {
    this.agent.destroy();
  }

  private send(
    method: string,
    pathOrUrl: string,
    options: { body?: Readable | Buffer; signal?: AbortSignal; headers?: Record<string, string> } = {},
  ): Promise<Answer> {
    const url = new URL(pathOrUrl, this.baseUrl);
    return new Promise<Answer>((resolve, reject) => {
      const headers: Record<string, string> = { ...options.headers };
      if (Buffer.isBuffer(options.body)) headers['Content-Length'] = String(options.body.length);
      else if (options.body === undefined && method !== 'GET' && method !== 'HEAD')
        headers['Content-Length'] = '0';
      const req = request(url, { method, agent: this.agent, headers, signal: options.signal }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      });
      // The body's own failure (the export broke) is reported as it is, not as the registry's.
      let bodyError: Error | undefined;
      req.on('error', (error: Error & { code?: string }) => {
        if (bodyError) return reject(bodyError);
        const aborted = error.name === 'AbortError' || options.signal?.aborted === true;
        const socketLevel = error.code !== undefined && /^E[A-Z]+$/.test(error.code);
        reject(
          !aborted && socketLevel && error.code !== 'ERR_STREAM_PREMATURE_CLOSE'
            ? new RegistryConnectionError(error)
            : error,
        );
      });
      const body = options.body;
      if (body === undefined) req.end();
      else if (Buffer.isBuffer(body)) req.end(body);
      else
        pipeline(body, req).catch((error: unknown) => {
          bodyError = error instanceof Error ? error : new Error(String(error));
          req.destroy(bodyError);
          reject(bodyError);
        });
    });
  }
}

/** The next page of a paginated list, from its `Link: <…>; rel="next"` header. */
function nextPage(link: string | string[] | undefined): string | undefined {
  const value = Array.isArray(link) ? link[0] : link;
  return value === undefined ? undefined : /<([^>]+)>;\s*rel="?next"?/.exec(value)?.[1];
}
