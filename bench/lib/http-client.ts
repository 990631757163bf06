/**
 * A minimal HTTP/1.1 client for the benchmarks: `node:http` with a keep-alive agent sized to the
 * workload's concurrency, so connection set-up and the client's own overhead don't become the
 * bottleneck being measured. Bodies are drained and counted (only the start of an error's body is
 * kept, for the message); they can be hashed as they arrive (`sha256`, what docker and containerd do
 * with what they pull), never held whole.
 */
import { createHash } from 'node:crypto';
import { Agent, request as httpRequest, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';

/** How much of an error's body is kept for the message. */
const ERROR_BODY_BYTES = 4096;

export interface HttpResult {
  status: number;
  headers: IncomingHttpHeaders;
  /** The first `ERROR_BODY_BYTES` of an error's body (status 300 or more); otherwise empty. */
  body: Buffer;
  /** Bytes of body received. */
  bytes: number;
  /** `sha256:<hex>` of the body, when `sha256`. */
  digest?: string;
}

export interface RequestOptions {
  headers?: OutgoingHttpHeaders;
  body?: Buffer;
  /** Hash the body while reading it (see `HttpResult.digest`). */
  sha256?: boolean;
}

export class HttpClient {
  private readonly agent: Agent;
  private readonly base: URL;

  constructor(baseUrl: string, maxSockets: number) {
    this.base = new URL(baseUrl);
    this.agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  /** `pathOrUrl` is a path on the registry or an absolute URL (an upload's Location). */
  request(method: string, pathOrUrl: string, options: RequestOptions = {}): Promise<HttpResult> {
    const url = new URL(pathOrUrl, this.base);
    const headers: OutgoingHttpHeaders = { ...options.headers };
    if (options.body) headers['content-length'] = options.body.length;
    else if (method === 'PUT' || method === 'POST' || method === 'PATCH') headers['content-length'] = 0;
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        {
          agent: this.agent,
          host: url.hostname,
          port: url.port,
          path: `${url.pathname}${url.search}`,
          method,
          headers,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let kept = (res.statusCode ?? 0) >= 300 ? ERROR_BODY_BYTES : 0;
          const hash = options.sha256 ? createHash('sha256') : undefined;
          let bytes = 0;
          res.on('data', (chunk: Buffer) => {
            bytes += chunk.length;
            hash?.update(chunk);
            if (kept > 0) {
              chunks.push(chunk.subarray(0, kept));
              kept -= chunk.length;
            }
          });
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks),
              bytes,
              ...(hash ? { digest: `sha256:${hash.digest('hex')}` } : {}),
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(options.body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/**
 * Throws when a downloaded body (fetched with `sha256`) is not the content asked for: a registry
 * answering the right number of wrong bytes must fail the run, not be measured as fast.
 */
export function expectDigest(result: HttpResult, expected: string, what: string): void {
  if (result.digest !== expected)
    throw new Error(`${what}: the body's digest is ${result.digest ?? 'not computed'}, expected ${expected}`);
}

/** Throws with the registry's own words when the status is not the expected one. */
export function expectStatus(result: HttpResult, expected: number, what: string): void {
  if (result.status !== expected) {
    throw new Error(
      `${what}: expected HTTP ${expected}, got ${result.status} ${result.body.toString('utf8').slice(0, 300)}`,
    );
  }
}
