/**
 * A small token issuer for distribution's `auth: token`, as Docker Hub's auth.docker.io works: the
 * registry answers 401 with `WWW-Authenticate: Bearer realm=…,service=…,scope=…`; the client asks the
 * realm for a token for that scope (Basic credentials, an OAuth2 refresh token, or nothing for
 * anonymous), and sends it back as `Authorization: Bearer <JWT>`. The JWT is RS256, signed with a test
 * key whose self-signed certificate is the registry's `rootcertbundle`; its header carries the
 * certificate in `x5c`, which distribution 2.8 verifies against that bundle, then checks `iss`, `aud`,
 * `exp`/`nbf` and the granted `access`.
 *
 *   const issuer = await startTokenIssuer({ users: { ada: 'secret' }, grant: (user, scope) => … });
 *   startTestRegistry({ token: issuer.registryConfig });
 */
import { execFileSync } from 'node:child_process';
import { createPrivateKey, randomBytes, sign, type KeyObject } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Access {
  type: string;
  name: string;
  actions: string[];
}

export interface TokenIssuerOptions {
  /** user → password, checked on Basic credentials. */
  users: Record<string, string>;
  /** refresh token → user, for the OAuth2 refresh-token grant (identity tokens). */
  refreshTokens?: Record<string, string>;
  /** The actions granted to `user` ('' for anonymous) for one requested scope. */
  grant(user: string, access: Access): string[];
  /** Token lifetime in seconds (default 300). */
  expiresIn?: number;
}

export interface TokenRequest {
  user: string;
  scopes: string[];
  method: string;
}

export interface TokenIssuer {
  realm: string;
  service: string;
  issuer: string;
  /** What startTestRegistry's `token` option wants. */
  registryConfig: { realm: string; service: string; issuer: string; rootCertBundle: string };
  /** Every token request so far. */
  requests: TokenRequest[];
  /** The next tokens say `expires_in` as usual but already expired in their `exp` (a clock skew, a revoked token). */
  issueExpired: number;
  stop(): Promise<void>;
}

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

function parseScope(scope: string): Access | undefined {
  // repository:team/app:pull,push — the name may hold a port-less registry path, never a colon.
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first < 0 || last === first) return undefined;
  return {
    type: scope.slice(0, first),
    name: scope.slice(first + 1, last),
    actions: scope
      .slice(last + 1)
      .split(',')
      .filter(Boolean),
  };
}

function jwt(key: KeyObject, certificateDer: Buffer, claims: Record<string, unknown>): string {
  const header = { alg: 'RS256', typ: 'JWT', x5c: [certificateDer.toString('base64')] };
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  return `${signingInput}.${base64url(sign('sha256', Buffer.from(signingInput), key))}`;
}

async function body(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startTokenIssuer(options: TokenIssuerOptions): Promise<TokenIssuer> {
  const folder = await mkdtemp(join(tmpdir(), 'berth-token-issuer-'));
  const keyPath = join(folder, 'key.pem');
  const certPath = join(folder, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      keyPath,
      '-out',
      certPath,
      '-days',
      '2',
      '-subj',
      '/CN=berth-test-token-issuer',
    ],
    { stdio: 'ignore' },
  );
  const key = createPrivateKey(await readFile(keyPath));
  const pem = await readFile(certPath, 'utf8');
  const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  const service = 'berth-test-registry';
  const issuerName = 'berth-test-issuer';
  const requests: TokenRequest[] = [];

  const state = { issueExpired: 0 };
  const server: Server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://issuer.invalid');
      let user: string | undefined = '';
      let scopes = url.searchParams.getAll('scope');
      let requestedService = url.searchParams.get('service');
      if (request.method === 'POST') {
        const form = new URLSearchParams(await body(request));
        scopes = (form.get('scope') ?? '').split(' ').filter(Boolean);
        requestedService = form.get('service');
        if (form.get('grant_type') === 'refresh_token')
          user = options.refreshTokens?.[form.get('refresh_token') ?? ''];
        else if (form.get('grant_type') === 'password') {
          const name = form.get('username') ?? '';
          user =
            options.users[name] !== undefined && options.users[name] === form.get('password')
              ? name
              : undefined;
        } else user = undefined;
      } else {
        const authorization = request.headers.authorization;
        if (authorization?.startsWith('Basic ')) {
          const decoded = Buffer.from(authorization.slice(6), 'base64').toString('utf8');
          const colon = decoded.indexOf(':');
          const name = decoded.slice(0, colon);
          user =
            options.users[name] !== undefined && options.users[name] === decoded.slice(colon + 1)
              ? name
              : undefined;
        }
      }
      if (user === undefined || requestedService !== service) {
        response.writeHead(401, { 'Content-Type': 'application/json' });
        response.end(JSON.stringify({ details: 'wrong login' }));
        return;
      }
      requests.push({ user, scopes, method: request.method ?? 'GET' });
      const access: Access[] = [];
      for (const scope of scopes.flatMap((s) => s.split(' '))) {
        const wanted = parseScope(scope);
        if (!wanted) continue;
        const actions = options
          .grant(user, wanted)
          .filter((action) => wanted.actions.includes(action) || wanted.actions.includes('*'));
        if (actions.length > 0) access.push({ ...wanted, actions });
      }
      const now = Math.floor(Date.now() / 1000);
      const expiresIn = options.expiresIn ?? 300;
      const expired = state.issueExpired > 0;
      if (expired) state.issueExpired -= 1;
      const token = jwt(key, der, {
        iss: issuerName,
        sub: user,
        aud: service,
        exp: expired ? now - 120 : now + expiresIn,
        nbf: now - 10,
        iat: expired ? now - 400 : now,
        jti: randomBytes(8).toString('hex'),
        access,
      });
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end(
        JSON.stringify({
          token,
          access_token: token,
          expires_in: expiresIn,
          issued_at: new Date(now * 1000).toISOString(),
        }),
      );
    })().catch((error: unknown) => {
      response.writeHead(500);
      response.end(String(error));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  const realm = `http://127.0.0.1:${address.port}/token`;
  return {
    realm,
    service,
    issuer: issuerName,
    registryConfig: { realm, service, issuer: issuerName, rootCertBundle: certPath },
    requests,
    get issueExpired() {
      return state.issueExpired;
    },
    set issueExpired(count: number) {
      state.issueExpired = count;
    },
    async stop() {
      server.close();
      server.closeAllConnections();
      await rm(folder, { recursive: true, force: true });
    },
  };
}
