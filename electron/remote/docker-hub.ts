/**
 * Docker Hub has no `_catalog`: its repositories are listed through Hub's own API
 * (https://docs.docker.com/reference/api/hub/latest/), for a namespace — the logged-in user's, or one
 * typed (`library`). The shapes read here are the documented ones:
 *
 * - `POST /v2/auth/token` `{"identifier","secret"}` → `{"access_token"}` (a password or a personal
 *   access token); the older `POST /v2/users/login` `{"username","password"}` → `{"token"}` is read too.
 * - `GET /v2/namespaces/{namespace}/repositories?page=&page_size=` → `{"count","next","previous",
 *   "results":[{"name","namespace","repository_type","is_private","description","star_count",
 *   "pull_count","last_updated",…}]}`; `next` is the URL of the next page or null.
 *
 * This can't be reached from the tests (no internet): tests/unit/remote-docker-hub.test.ts answers these
 * shapes from a fake fetch.
 */
import type { DockerAuthConfig } from '../docker/registry-auth';
import { AppError } from '../api/app-error';
import { httpFailure, networkFailure, timedOut, cancelled, type FailureContext } from './remote-errors';

export const DOCKER_HUB_API = 'https://hub.docker.com';
export const DOCKER_HUB_REGISTRY = 'https://registry-1.docker.io';

export interface HubRepository {
  name: string;
  namespace: string;
  private?: boolean;
  description?: string;
  pullCount?: number;
  starCount?: number;
  lastUpdated?: string;
}

export interface HubPage {
  repositories: HubRepository[];
  /** The next page's number, when there is one. */
  nextPage?: number;
  count?: number;
}

/** Reads one page of Hub's repository list. Throws for anything that isn't that shape. */
export function parseHubRepositories(text: string): HubPage {
  const value = JSON.parse(text) as Record<string, unknown>;
  if (typeof value !== 'object' || value === null || !Array.isArray(value.results))
    throw new AppError('INTERNAL', 'Docker Hub answered the repository list in a shape Berth does not know.');
  const repositories: HubRepository[] = [];
  for (const entry of value.results as Array<Record<string, unknown>>) {
    if (typeof entry !== 'object' || entry === null || typeof entry.name !== 'string') continue;
    const repository: HubRepository = {
      name: entry.name,
      namespace: typeof entry.namespace === 'string' ? entry.namespace : '',
    };
    if (typeof entry.is_private === 'boolean') repository.private = entry.is_private;
    if (typeof entry.description === 'string' && entry.description !== '')
      repository.description = entry.description;
    if (typeof entry.pull_count === 'number') repository.pullCount = entry.pull_count;
    if (typeof entry.star_count === 'number') repository.starCount = entry.star_count;
    if (typeof entry.last_updated === 'string') repository.lastUpdated = entry.last_updated;
    repositories.push(repository);
  }
  const page: HubPage = { repositories };
  if (typeof value.count === 'number') page.count = value.count;
  if (typeof value.next === 'string' && value.next !== '') {
    const next = Number(new URL(value.next, DOCKER_HUB_API).searchParams.get('page'));
    if (Number.isInteger(next) && next > 0) page.nextPage = next;
  }
  return page;
}

/** The token of `/v2/auth/token` (`access_token`) or `/v2/users/login` (`token`). */
export function parseHubLogin(text: string): string | undefined {
  try {
    const value = JSON.parse(text) as Record<string, unknown>;
    if (typeof value.access_token === 'string' && value.access_token !== '') return value.access_token;
    if (typeof value.token === 'string' && value.token !== '') return value.token;
  } catch {
    // Not JSON.
  }
  return undefined;
}

export interface HubClientOptions {
  apiBase?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
  now?: () => number;
}

/** Hub's API for one app: a JWT per login, kept for a while, and the repository pages. */
export class DockerHubApi {
  readonly apiBase: string;
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;
  readonly #now: () => number;
  #token: { user: string; token: string; until: number } | undefined;

  constructor(options: HubClientOptions = {}) {
    this.apiBase = options.apiBase ?? DOCKER_HUB_API;
    this.#fetch = options.fetch ?? fetch;
    this.#timeoutMs = options.timeoutMs ?? 20_000;
    this.#now = options.now ?? Date.now;
  }

  async repositories(
    namespace: string,
    page: number,
    pageSize: number,
    login: DockerAuthConfig | undefined,
    signal?: AbortSignal,
  ): Promise<HubPage> {
    const context: FailureContext = {
      host: 'docker.io',
      doing: `list the repositories of ${namespace} on`,
      username: login?.username,
      loggedIn: login?.password !== undefined,
    };
    const headers: Record<string, string> = { Accept: 'application/json' };
    const token = await this.tokenFor(login, context, signal);
    if (token) headers.Authorization = `Bearer ${token}`;
    const url = `${this.apiBase}/v2/namespaces/${encodeURIComponent(namespace)}/repositories?page=${page}&page_size=${pageSize}`;
    const response = await this.send(url, { headers }, context, signal);
    if (response.status === 404)
      throw new AppError('REPOSITORY_NOT_FOUND', `Docker Hub has no namespace called ${namespace}.`, {
        hint: 'A namespace is a user or organisation name, such as library for the official images.',
      });
    if (response.status !== 200) throw httpFailure(response.status, response.text, context);
    return parseHubRepositories(response.text);
  }

  /** A Hub JWT for a password or personal-access-token login; undefined for none (public only). */
  private async tokenFor(
    login: DockerAuthConfig | undefined,
    context: FailureContext,
    signal?: AbortSignal,
  ): Promise<string | undefined> {
    if (login?.username === undefined || login.password === undefined) return undefined;
    if (this.#token && this.#token.user === login.username && this.#token.until > this.#now())
      return this.#token.token;
    const response = await this.send(
      `${this.apiBase}/v2/auth/token`,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ identifier: login.username, secret: login.password }),
      },
      context,
      signal,
    );
    if (response.status !== 200)
      throw httpFailure(response.status === 400 ? 401 : response.status, response.text, context);
    const token = parseHubLogin(response.text);
    if (!token) throw new AppError('INTERNAL', 'Docker Hub answered the login without a token.');
    // Hub's tokens last minutes; keep one for four.
    this.#token = { user: login.username, token, until: this.#now() + 4 * 60_000 };
    return token;
  }

  private async send(
    url: string,
    init: RequestInit,
    context: FailureContext,
    signal?: AbortSignal,
  ): Promise<{ status: number; text: string }> {
    if (signal?.aborted) throw cancelled(context);
    const timeout = AbortSignal.timeout(this.#timeoutMs);
    try {
      const response = await this.#fetch(url, {
        ...init,
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      return { status: response.status, text: await response.text() };
    } catch (error) {
      if (signal?.aborted) throw cancelled(context);
      if (timeout.aborted) throw timedOut(context, Math.round(this.#timeoutMs / 1000));
      throw networkFailure(error, context);
    }
  }
}
