/**
 * A minimal HTTP/1.1 client for the benchmarks: `node:http` with a keep-alive agent sized to the
 * workload's concurrency, so connection set-up and the client's own overhead don't become the
 * bottleneck being measured. Bodies are drained and counted unless the caller asks to keep them.
 */
import { Agent, request as httpRequest, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';

export interface HttpResult {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body, when `keepBody`; otherwise empty. */
  body: Buffer;
  /** Bytes of body received. */
  bytes: number;
}

export interface RequestOptions {
  headers?: OutgoingHttpHeaders;
  body?: Buffer;
  keepBody?: boolean;
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
          let bytes = 0;
          res.on('data', (chunk: Buffer) => {
            bytes += chunk.length;
            if (options.keepBody) chunks.push(chunk);
          });
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks),
              bytes,
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

/** Throws with the registry's own words when the status is not the expected one. */
export function expectStatus(result: HttpResult, expected: number, what: string): void {
  if (result.status !== expected) {
    throw new Error(
      `${what}: expected HTTP ${expected}, got ${result.status} ${result.body.toString('utf8').slice(0, 300)}`,
    );
  }
}
