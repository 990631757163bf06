/**
 * One registry, spoken to over the OCI Distribution API with Node's fetch: where it is (HTTPS, or HTTP
 * for a registry Docker treats as insecure), and who Berth is there (Docker's login for it, through
 * Basic or Bearer token auth, as the registry's `WWW-Authenticate` asks).
 *
 * Bearer tokens are kept per scope (`repository:team/app:pull`, `registry:catalog:*`) until they
 * expire (`expires_in`, 60 s when unsaid, less a margin); a token the registry turns down is dropped and
 * asked for again once. A login with an identity token gets its tokens with the OAuth2 refresh-token
 * grant (as the Docker CLI does), a password login with Basic credentials on the realm, no login
 * anonymously (public repositories). Every request has a timeout and follows the caller's AbortSignal.
 */
import { createHash } from 'node:crypto';
import type { DockerAuthConfig } from '../docker/registry-auth';
import { AppError } from '../api/app-error';
import { cancelled, httpFailure, networkFailure, timedOut, type FailureContext } from './remote-errors';
import { parseWwwAuthenticate, type Challenge } from './www-authenticate';

/** Why a registry is spoken to over plain HTTP. */
export type InsecureReason = 'loopback' | 'insecure-registries';

export interface SessionOptions {
  /** As Berth names it: `docker.io`, `ghcr.io`, `127.0.0.1:5000`. */
  host: string;
  /** `https://registry-1.docker.io` for Docker Hub; else `https://<host>` (or http, see `insecure`). */
  baseUrl?: string;
  /** Set when Docker would use HTTP for this host; undefined: HTTPS only. */
  insecure?: InsecureReason;
  login: () => Promise<DockerAuthConfig | undefined>;
  fetch?: typeof fetch;
  now?: () => number;
  timeoutMs?: number;
}

export interface RequestOptions {
  method?: 'GET' | 'HEAD' | 'DELETE';
  headers?: Record<string, string>;
  /** The token scope this request needs: `repository:<name>:pull`, `registry:catalog:*`. */
  scope: string;
  signal?: AbortSignal | undefined;
  /** What Berth is doing, for error messages ("list the repositories of"). */
  doing: string;
  /** HTTP statuses to hand back instead of throwing (e.g. 404 for "no catalog"). */
  accept?: number[];
}

export interface SessionResponse {
  status: number;
  headers: Headers;
  body: Buffer;
  url: string;
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

/** Tokens are renewed this long before they say they expire. */
const EXPIRY_MARGIN_MS = 5_000;
const DEFAULT_TIMEOUT_MS = 20_000;
const MAX_BODY_BYTES = 16 * 1024 * 1024;

export class RegistrySession {
  readonly host: string;
  readonly insecure: InsecureReason | undefined;
  #base: string | undefined;
  #challenge: Challenge | undefined;
  readonly #tokens = new Map<string, CachedToken>();
  #who = '';
  readonly #fetch: typeof fetch;
  readonly #now: () => number;
  readonly #timeoutMs: number;
  /** How many tokens were fetched from the realm (the tests count them). */
  tokenRequests = 0;

  constructor(private readonly options: SessionOptions) {
    this.host = options.host;
    this.insecure = options.insecure;
    this.#fetch = options.fetch ?? fetch;
    this.#now = options.now ?? Date.now;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (options.baseUrl !== undefined) this.#base = options.baseUrl;
  }

  /** `https://…` or `http://…`, once known. */
  get baseUrl(): string | undefined {
    return this.#base;
  }

  /** `basic`, `bearer`, or `none`, once the registry said. */
  get authScheme(): 'basic' | 'bearer' | 'none' | undefined {
    if (this.#base === undefined) return undefined;
    return (this.#challenge?.scheme as 'basic' | 'bearer' | undefined) ?? 'none';
  }

  /** A request to `path` (`/v2/…`, or an absolute URL on the same registry from a Link header). */
  async request(path: string, options: RequestOptions): Promise<SessionResponse> {
    const login = await this.options.login();
    const context: FailureContext = {
      host: this.host,
      doing: options.doing,
      username: login?.username,
      loggedIn: login !== undefined && (login.password !== undefined || login.identitytoken !== undefined),
    };
    // Another login than the tokens were got with (docker login as someone else): start afresh.
    const who = loginIdentity(login);
    if (who !== this.#who) {
      this.#tokens.clear();
      this.#who = who;
    }
    const base = await this.resolveBase(options.signal, context);
    const url = /^https?:\/\//.test(path) ? path : `${base}${path}`;
    let authorization = await this.authorizationFor(options.scope, login, options.signal, context);
    let response = await this.send(url, options, authorization, context);
    // A 401 names the challenge (the first request to a registry goes without one), or turns down a
    // token (expired early, revoked, too narrow): get a new one, for the scope the registry named, and
    // try again — twice at most, so a registry that refuses every token can't loop.
    for (let attempt = 0; attempt < 2 && response.status === 401; attempt += 1) {
      const challenges = parseWwwAuthenticate(response.headers.get('www-authenticate'));
      const challenge =
        challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic');
      if (!challenge) break;
      this.#challenge = challenge;
      const scope = challenge.params.scope ?? options.scope;
      this.#tokens.delete(this.tokenKey(options.scope));
      this.#tokens.delete(this.tokenKey(scope));
      authorization = await this.authorizationFor(scope, login, options.signal, context);
      if (authorization === undefined) break;
      if (scope !== options.scope) {
        const fresh = this.#tokens.get(this.tokenKey(scope));
        if (fresh) this.#tokens.set(this.tokenKey(options.scope), fresh);
      }
      response = await this.send(url, options, authorization, context);
      // Basic credentials turned down once are turned down again.
      if (challenge.scheme === 'basic') break;
    }
    if (response.status >= 200 && response.status < 300) return response;
    if (options.accept?.includes(response.status)) return response;
    if (response.status === 401 && context.loggedIn) {
      // Token auth says "logged in, but not allowed" with a 401 and error="insufficient_scope".
      const again = parseWwwAuthenticate(response.headers.get('www-authenticate'));
      if (again.some((c) => c.params.error === 'insufficient_scope'))
        throw httpFailure(403, response.body.toString('utf8'), context);
    }
    throw httpFailure(response.status, response.body.toString('utf8'), context);
  }

  /** HTTPS, else (only where Docker would) plain HTTP; decided by a `/v2/` ping, once. */
  private async resolveBase(signal: AbortSignal | undefined, context: FailureContext): Promise<string> {
    if (this.#base !== undefined) return this.#base;
    // Docker's order for an insecure registry is HTTPS, then HTTP. On a loopback address Berth asks
    // HTTP first: that is what registries on this computer speak (its own among them), and a TLS one
    // still gets HTTPS next.
    const https = `https://${this.host}`;
    const http = `http://${this.host}`;
    const order = this.insecure === 'loopback' ? [http, https] : this.insecure ? [https, http] : [https];
    let failure: unknown;
    for (const base of order) {
      try {
        await this.ping(base, signal, context);
        this.#base = base;
        return base;
      } catch (error) {
        if (error instanceof AppError && error.code === 'CANCELLED') throw error;
        // The HTTPS failure says more (a certificate) than HTTP's after it.
        failure ??= error;
        if (base === https && order[0] === http) failure = error;
      }
    }
    throw failure;
  }

  private async ping(base: string, signal: AbortSignal | undefined, context: FailureContext): Promise<void> {
    const response = await this.send(
      `${base}/v2/`,
      { signal, scope: '', doing: context.doing },
      undefined,
      context,
    );
    // A TLS server answering plain HTTP (Go's words; others close the connection).
    if (response.status === 400 && /HTTP request to an HTTPS server/i.test(response.body.toString('utf8')))
      throw new AppError('REGISTRY_UNREACHABLE', `${this.host} speaks HTTPS, not HTTP.`);
    const challenges = parseWwwAuthenticate(response.headers.get('www-authenticate'));
    this.#challenge =
      challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic');
  }

  private tokenKey(scope: string): string {
    return `${this.#challenge?.params.realm ?? ''}|${this.#challenge?.params.service ?? ''}|${scope}`;
  }

  /** The Authorization header for a scope: Basic, a cached token, or a new token (when `fetchNew`). */
  private async authorizationFor(
    scope: string,
    login: DockerAuthConfig | undefined,
    signal: AbortSignal | undefined,
    context: FailureContext,
  ): Promise<string | undefined> {
    const challenge = this.#challenge;
    if (challenge === undefined) return undefined;
    if (challenge.scheme === 'basic') {
      if (login?.username === undefined || login.password === undefined) return undefined;
      return `Basic ${Buffer.from(`${login.username}:${login.password}`).toString('base64')}`;
    }
    const cached = this.#tokens.get(this.tokenKey(scope));
    if (cached && cached.expiresAt > this.#now()) return `Bearer ${cached.token}`;
    if (cached) this.#tokens.delete(this.tokenKey(scope));
    const token = await this.fetchToken(challenge, scope, login, signal, context);
    return `Bearer ${token}`;
  }

  private async fetchToken(
    challenge: Challenge,
    scope: string,
    login: DockerAuthConfig | undefined,
    signal: AbortSignal | undefined,
    context: FailureContext,
  ): Promise<string> {
    const realm = challenge.params.realm;
    if (!realm)
      throw new AppError('INTERNAL', `${this.host} asked for a token without saying where to get one.`);
    const service = challenge.params.service;
    this.tokenRequests += 1;
    let response: SessionResponse;
    if (login?.identitytoken !== undefined) {
      // OAuth2 refresh-token grant, as the Docker CLI uses identity tokens.
      const form = new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: login.identitytoken,
        client_id: 'berth',
      });
      if (service) form.set('service', service);
      if (scope) form.set('scope', scope);
      response = await this.send(realm, { scope, signal, doing: context.doing }, undefined, context, form);
    } else {
      const url = new URL(realm);
      if (service) url.searchParams.set('service', service);
      if (scope) for (const part of scope.split(' ')) url.searchParams.append('scope', part);
      let authorization: string | undefined;
      if (login?.username !== undefined && login.password !== undefined) {
        url.searchParams.set('account', login.username);
        authorization = `Basic ${Buffer.from(`${login.username}:${login.password}`).toString('base64')}`;
      }
      response = await this.send(
        url.toString(),
        { scope, signal, doing: context.doing },
        authorization,
        context,
      );
    }
    if (response.status < 200 || response.status >= 300)
      throw httpFailure(response.status, response.body.toString('utf8'), context);
    const answer = parseTokenAnswer(response.body.toString('utf8'));
    if (!answer) throw new AppError('INTERNAL', `${this.host}'s token service answered without a token.`);
    const issuedAt = answer.issuedAt ?? this.#now();
    const lifetimeMs = (answer.expiresIn ?? 60) * 1000;
    this.#tokens.set(this.tokenKey(scope), {
      token: answer.token,
      expiresAt: Math.min(issuedAt, this.#now()) + lifetimeMs - EXPIRY_MARGIN_MS,
    });
    return answer.token;
  }

  /** One HTTP exchange with the timeout and the caller's signal; never throws for an HTTP status. */
  private async send(
    url: string,
    options: RequestOptions,
    authorization: string | undefined,
    context: FailureContext,
    form?: URLSearchParams,
  ): Promise<SessionResponse> {
    if (options.signal?.aborted) throw cancelled(context);
    const timeout = AbortSignal.timeout(this.#timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    const headers: Record<string, string> = { ...options.headers, 'User-Agent': 'Berth' };
    if (authorization) headers.Authorization = authorization;
    if (form) headers['Content-Type'] = 'application/x-www-form-urlencoded';
    try {
      const response = await this.#fetch(url, {
        method: form ? 'POST' : (options.method ?? 'GET'),
        headers,
        redirect: 'follow',
        signal,
        ...(form ? { body: form.toString() } : {}),
      });
      const body = await readLimited(response);
      return { status: response.status, headers: response.headers, body, url: response.url || url };
    } catch (error) {
      if (options.signal?.aborted) throw cancelled(context);
      if (timeout.aborted) throw timedOut(context, Math.round(this.#timeoutMs / 1000));
      if (error instanceof AppError) throw error;
      throw networkFailure(error, context);
    }
  }
}

/** Who a login is, without keeping its secret: the user and a hash of the secret. */
function loginIdentity(login: DockerAuthConfig | undefined): string {
  if (!login) return '';
  const secret = login.identitytoken ?? login.password ?? '';
  return `${login.username ?? ''}:${createHash('sha256').update(secret).digest('hex')}`;
}

async function readLimited(response: Response): Promise<Buffer> {
  if (!response.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    total += chunk.length;
    if (total > MAX_BODY_BYTES)
      throw new AppError('INTERNAL', 'The registry sent an answer too large to show.');
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

/** A token endpoint's answer: `token` or `access_token`, `expires_in` seconds, `issued_at` RFC 3339. */
export function parseTokenAnswer(
  text: string,
): { token: string; expiresIn?: number; issuedAt?: number } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const {
    token,
    access_token: accessToken,
    expires_in: expiresIn,
    issued_at: issuedAt,
  } = value as Record<string, unknown>;
  const chosen =
    typeof token === 'string' && token !== '' ? token : typeof accessToken === 'string' ? accessToken : '';
  if (chosen === '') return undefined;
  const answer: { token: string; expiresIn?: number; issuedAt?: number } = { token: chosen };
  if (typeof expiresIn === 'number' && expiresIn > 0) answer.expiresIn = expiresIn;
  if (typeof issuedAt === 'string' && !Number.isNaN(Date.parse(issuedAt)))
    answer.issuedAt = Date.parse(issuedAt);
  return answer;
}
