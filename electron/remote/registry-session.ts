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
 *
 * `request` reads an answer whole (manifests, lists); `access` gives what a request Berth makes itself
 * needs (a blob streamed between registries, issue 21: ./copy/blob-http.ts). Credentials go only to
 * the registry's own origin.
 */
import type { DockerAuthConfig } from '../docker/registry-auth';
import { AppError } from '../api/app-error';
import { cancelled, httpFailure, networkFailure, timedOut, type FailureContext } from './remote-errors';
import { parseWwwAuthenticate, type Challenge } from './www-authenticate';
import { isTimeout, loginIdentity, parseTokenAnswer, readLimited, TimeoutMarker } from './session-parts';

export { parseTokenAnswer } from './session-parts';

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
  method?: 'GET' | 'HEAD' | 'DELETE' | 'POST' | 'PUT' | 'PATCH';
  headers?: Record<string, string>;
  /** A small body sent whole (a manifest); it can be sent again after a 401. */
  body?: Buffer;
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

/** See `RegistrySession.access`. */
export interface RawAccess {
  /** `https://host` or `http://host`. */
  base: string;
  authorization: string | undefined;
  /** The error for an HTTP answer that is not the one wanted. */
  failure(status: number, headers: Headers, body: Buffer): AppError;
  /** The error for a request that never got an answer. */
  network(error: unknown): AppError;
  cancelled(): AppError;
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

/** Tokens are renewed this long before they say they expire. */
const EXPIRY_MARGIN_MS = 5_000;
const DEFAULT_TIMEOUT_MS = 20_000;

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
  /** The timeout of an exchange whose body is still being read, by its response. */
  readonly #pendingTimeouts = new WeakMap<Response, NodeJS.Timeout>();
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
    const { response, context } = await this.perform(path, options, options.body);
    const body = await this.readBody(response, options, context);
    const answer = { status: response.status, headers: response.headers, body, url: response.url || path };
    if (response.status >= 200 && response.status < 300) return answer;
    if (options.accept?.includes(response.status)) return answer;
    throw this.failure(response.status, response.headers, body, context);
  }

  /**
   * What a request Berth makes itself needs (a blob streamed from one registry into another, with
   * node:http, which costs half the CPU of fetch's streams): the registry's base URL, the
   * Authorization header for `scope` (got now if needed), and how its failures are worded.
   */
  async access(scope: string, doing: string, signal?: AbortSignal): Promise<RawAccess> {
    const login = await this.options.login();
    const context = this.contextFor(doing, login);
    this.noteLogin(login);
    const base = await this.resolveBase(signal, context);
    const authorization = await this.authorizationFor(scope, login, signal, context);
    return {
      base,
      authorization,
      failure: (status, headers, body) => this.failure(status, headers, body, context),
      network: (error) => networkFailure(error, context),
      cancelled: () => cancelled(context),
    };
  }

  /** A token the registry turned down mid-way (expired, revoked): the next `access` gets a new one. */
  forget(scope: string): void {
    this.#tokens.delete(this.tokenKey(scope));
  }

  /**
   * Gets the token a scope needs before a request whose body can only be sent once (an upload), by
   * asking for what the registry would ask for; a no-op when it has one or wants none.
   */
  async prepare(scope: string, doing: string, signal?: AbortSignal): Promise<void> {
    const login = await this.options.login();
    const context = this.contextFor(doing, login);
    this.noteLogin(login);
    await this.resolveBase(signal, context);
    await this.authorizationFor(scope, login, signal, context);
  }

  private contextFor(doing: string, login: DockerAuthConfig | undefined): FailureContext {
    return {
      host: this.host,
      doing,
      username: login?.username,
      loggedIn: login !== undefined && (login.password !== undefined || login.identitytoken !== undefined),
    };
  }

  /** Another login than the tokens were got with (docker login as someone else): start afresh. */
  private noteLogin(login: DockerAuthConfig | undefined): void {
    const who = loginIdentity(login);
    if (who !== this.#who) {
      this.#tokens.clear();
      this.#who = who;
    }
  }

  private failure(status: number, headers: Headers, body: Buffer, context: FailureContext): AppError {
    if (status === 401 && context.loggedIn) {
      // Token auth says "logged in, but not allowed" with a 401 and error="insufficient_scope".
      const again = parseWwwAuthenticate(headers.get('www-authenticate'));
      if (again.some((c) => c.params.error === 'insufficient_scope'))
        return httpFailure(403, body.toString('utf8'), context);
    }
    return httpFailure(status, body.toString('utf8'), context);
  }

  private async perform(
    path: string,
    options: RequestOptions,
    body: Buffer | undefined,
  ): Promise<{ response: Response; context: FailureContext }> {
    const login = await this.options.login();
    const context = this.contextFor(options.doing, login);
    this.noteLogin(login);
    const base = await this.resolveBase(options.signal, context);
    const url = /^https?:\/\//.test(path) ? path : `${base}${path}`;
    // Credentials go only to the registry itself, never to another host a Location points at.
    const sameOrigin = new URL(url).origin === new URL(base).origin;
    let authorization = sameOrigin
      ? await this.authorizationFor(options.scope, login, options.signal, context)
      : undefined;
    let response = await this.exchange(url, options, authorization, context, body);
    // A 401 names the challenge (the first request to a registry goes without one), or turns down a
    // token (expired early, revoked, too narrow): get a new one, for the scope the registry named, and
    // try again — twice at most, so a registry that refuses every token can't loop.
    for (let attempt = 0; sameOrigin && attempt < 2 && response.status === 401; attempt += 1) {
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
      await response.body?.cancel().catch(() => undefined);
      response = await this.exchange(url, options, authorization, context, body);
      // Basic credentials turned down once are turned down again.
      if (challenge.scheme === 'basic') break;
    }
    return { response, context };
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

  /** One HTTP exchange, answered with its body buffered; never throws for an HTTP status. */
  private async send(
    url: string,
    options: RequestOptions,
    authorization: string | undefined,
    context: FailureContext,
    form?: URLSearchParams,
  ): Promise<SessionResponse> {
    const response = await this.exchange(url, options, authorization, context, form ?? options.body);
    const body = await this.readBody(response, options, context);
    return { status: response.status, headers: response.headers, body, url: response.url || url };
  }

  /**
   * One HTTP exchange up to the answer's headers, under the caller's signal and a timeout that also
   * bounds reading the answer's body (`readBody`).
   */
  private async exchange(
    url: string,
    options: RequestOptions,
    authorization: string | undefined,
    context: FailureContext,
    body: URLSearchParams | Buffer | undefined,
  ): Promise<Response> {
    if (options.signal?.aborted) throw cancelled(context);
    const timer = new AbortController();
    const form = body instanceof URLSearchParams;
    const timeout = setTimeout(() => timer.abort(new TimeoutMarker()), this.#timeoutMs);
    timeout.unref?.();
    const signal = options.signal ? AbortSignal.any([options.signal, timer.signal]) : timer.signal;
    const headers: Record<string, string> = { ...options.headers, 'User-Agent': 'Berth' };
    if (authorization) headers.Authorization = authorization;
    if (form) headers['Content-Type'] = 'application/x-www-form-urlencoded';
    const init: RequestInit = {
      method: form ? 'POST' : (options.method ?? 'GET'),
      headers,
      redirect: 'follow',
      signal,
    };
    if (form) init.body = body.toString();
    else if (body !== undefined) init.body = body;
    try {
      const response = await this.#fetch(url, init);
      this.#pendingTimeouts.set(response, timeout);
      return response;
    } catch (error) {
      clearTimeout(timeout);
      if (options.signal?.aborted) throw cancelled(context);
      if (timer.signal.aborted) throw timedOut(context, Math.round(this.#timeoutMs / 1000));
      if (error instanceof AppError) throw error;
      throw networkFailure(error, context);
    }
  }

  /** A whole (small) answer, under the exchange's timeout when it had one, and the caller's signal. */
  private async readBody(
    response: Response,
    options: { signal?: AbortSignal | undefined },
    context: FailureContext,
  ): Promise<Buffer> {
    try {
      return await readLimited(response);
    } catch (error) {
      if (options.signal?.aborted) throw cancelled(context);
      if (error instanceof AppError) throw error;
      if (isTimeout(error)) throw timedOut(context, Math.round(this.#timeoutMs / 1000));
      throw networkFailure(error, context);
    } finally {
      clearTimeout(this.#pendingTimeouts.get(response));
      this.#pendingTimeouts.delete(response);
    }
  }
}
