/**
 * The registry client the app uses for every registry but its own push/pull path: one RegistrySession
 * per host (HTTPS, or HTTP where Docker would use it), Docker's logins, Docker Hub's API for Hub's
 * repository lists, and a cache of tag details by digest (a manifest and its config never change).
 *
 * Over the ~400 lines a file should keep to: it is the one facade the `remote.*` handlers call, and its
 * operations share the per-host sessions, the logins and the daemon's insecure list it caches. What
 * stands alone already has its own file: the session and its auth (registry-session.ts), Docker Hub's
 * API (docker-hub.ts), manifests (manifests.ts), errors (remote-errors.ts).
 */
import { createHash } from 'node:crypto';
import { AppError } from '../api/app-error';
import type { RemoteConnection, RemoteRepositories, TagDetails } from '../api/contract/remote';
import type { RegistryConfigReport } from '../api/contract/daemon-config';
import { DOCKER_HUB_DOMAIN } from '../common/reference';
import { isInsecure } from '../daemon-config/verify';
import type { DockerAuthConfig } from '../docker/registry-auth';
import { DOCKER_HUB_REGISTRY, DockerHubApi } from './docker-hub';
import {
  ACCEPT_MANIFESTS,
  imageSize,
  isAttestation,
  nextLast,
  parseImageConfig,
  parseManifest,
  parseRateLimit,
  platformText,
  type ParsedManifest,
} from './manifests';
import { httpFailure, registryWords } from './remote-errors';
import { RegistrySession, type InsecureReason } from './registry-session';

export interface RemoteRegistriesOptions {
  /** Docker's login for a registry host (DockerCredentials.authFor). */
  authFor(host: string): Promise<DockerAuthConfig | undefined>;
  /** What Docker's /info says about insecure registries; undefined when Docker can't be asked. */
  daemonRegistryConfig(): Promise<RegistryConfigReport | undefined>;
  fetch?: typeof fetch;
  now?: () => number;
  timeoutMs?: number;
  /** Docker Hub's registry and API (tests and the stub app point them at a local server). */
  hubRegistry?: string;
  hubApi?: string;
}

type Details = Omit<TagDetails, 'tag' | 'pullCommand' | 'rateLimit'>;

const LOGIN_TTL_MS = 5_000;
const DAEMON_CONFIG_TTL_MS = 30_000;
const MAX_INDEX_CHILDREN = 32;

/** Docker's rule: loopback addresses (and localhost) are always insecure registries. */
export function insecureReasonFor(
  host: string,
  report: RegistryConfigReport | undefined,
): InsecureReason | undefined {
  const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d+$/, '');
  if (name === 'localhost' || name === '::1' || /^127\.\d+\.\d+\.\d+$/.test(name)) return 'loopback';
  if (report && isInsecure(report, host)) return 'insecure-registries';
  return undefined;
}

/** `docker pull …` as a person would type it: Hub's names short (`nginx:1`, `ada/app:2`). */
export function pullCommand(host: string, repository: string, tag: string): string {
  if (host === DOCKER_HUB_DOMAIN) {
    const short = repository.startsWith('library/') ? repository.slice('library/'.length) : repository;
    return `docker pull ${short}:${tag}`;
  }
  return `docker pull ${host}/${repository}:${tag}`;
}

export class RemoteRegistries {
  readonly #sessions = new Map<string, { session: RegistrySession; insecure: InsecureReason | undefined }>();
  readonly #logins = new Map<string, { at: number; login: Promise<DockerAuthConfig | undefined> }>();
  readonly #details = new Map<string, Details>();
  #daemonConfig: { at: number; report: Promise<RegistryConfigReport | undefined> } | undefined;
  readonly #hub: DockerHubApi;
  readonly #now: () => number;

  constructor(private readonly options: RemoteRegistriesOptions) {
    this.#now = options.now ?? Date.now;
    this.#hub = new DockerHubApi({
      ...(options.hubApi ? { apiBase: options.hubApi } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      now: this.#now,
    });
  }

  /** Forget cached logins (after a login or logout). Tokens of a changed login are dropped with them. */
  loginsChanged(): void {
    this.#logins.clear();
    this.#sessions.clear();
  }

  /** The session for a host; made anew when Docker's insecure-registries changed for it. */
  async session(host: string): Promise<RegistrySession> {
    const report = await this.daemonConfig();
    const insecure = insecureReasonFor(host, report);
    const existing = this.#sessions.get(host);
    if (existing && existing.insecure === insecure) return existing.session;
    const session = new RegistrySession({
      host,
      ...(host === DOCKER_HUB_DOMAIN ? { baseUrl: this.options.hubRegistry ?? DOCKER_HUB_REGISTRY } : {}),
      ...(insecure ? { insecure } : {}),
      login: () => this.login(host),
      ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
      now: this.#now,
      ...(this.options.timeoutMs ? { timeoutMs: this.options.timeoutMs } : {}),
    });
    this.#sessions.set(host, { session, insecure });
    return session;
  }

  async connection(host: string): Promise<RemoteConnection> {
    const session = await this.session(host);
    const login = await this.login(host);
    const base = session.baseUrl ?? 'https://';
    const connection: RemoteConnection = {
      scheme: base.startsWith('http://') ? 'http' : 'https',
      auth: session.authScheme ?? 'none',
    };
    if (session.insecure && connection.scheme === 'http') connection.insecure = session.insecure;
    if (login) connection.loggedInAs = login.username ?? '';
    return connection;
  }

  async repositories(
    host: string,
    input: { cursor?: string | undefined; n: number; namespace?: string | undefined },
    signal?: AbortSignal,
  ): Promise<RemoteRepositories> {
    if (host === DOCKER_HUB_DOMAIN) return this.hubRepositories(input, signal);
    const session = await this.session(host);
    const query = new URLSearchParams({ n: String(input.n) });
    if (input.cursor) query.set('last', input.cursor);
    const login = await this.login(host);
    let response;
    try {
      response = await session.request(`/v2/_catalog?${query.toString()}`, {
        scope: 'registry:catalog:*',
        signal,
        doing: 'list the repositories of',
        accept: [404, 405],
      });
    } catch (error) {
      const failure = AppError.from(error);
      // Logged in, yet the catalog is refused: the registry keeps it to admins (GHCR, Harbor for users).
      // (A wrong password stays UNAUTHORIZED, and is said as such.)
      if (login && failure.code === 'FORBIDDEN')
        return {
          source: 'none',
          repositories: [],
          reason: `${host} does not let ${login.username || 'this login'} list its repositories.`,
          connection: await this.connection(host),
        };
      throw failure;
    }
    if (response.status !== 200)
      return {
        source: 'none',
        repositories: [],
        reason: `${host} does not offer a list of its repositories (${registryWords(response.body.toString('utf8')).text || `HTTP ${response.status}`}).`,
        connection: await this.connection(host),
      };
    const body = JSON.parse(response.body.toString('utf8')) as { repositories?: unknown };
    const names = Array.isArray(body.repositories)
      ? body.repositories.filter((name): name is string => typeof name === 'string')
      : [];
    const answer: RemoteRepositories = {
      source: 'catalog',
      repositories: names.map((name) => ({ name })),
      connection: await this.connection(host),
    };
    const next = nextLast(response.headers.get('link'));
    if (next !== undefined && names.length > 0) answer.next = next;
    return answer;
  }

  private async hubRepositories(
    input: { cursor?: string | undefined; n: number; namespace?: string | undefined },
    signal?: AbortSignal,
  ): Promise<RemoteRepositories> {
    const login = await this.login(DOCKER_HUB_DOMAIN);
    const namespace = input.namespace ?? login?.username?.toLowerCase();
    const connection: RemoteConnection = { scheme: 'https', auth: 'bearer' };
    if (login) connection.loggedInAs = login.username ?? '';
    if (!namespace) return { source: 'hub', repositories: [], connection };
    const page = input.cursor ? Number(input.cursor) : 1;
    const result = await this.#hub.repositories(
      namespace,
      Number.isInteger(page) && page > 0 ? page : 1,
      Math.min(input.n, 100),
      login,
      signal,
    );
    const answer: RemoteRepositories = {
      source: 'hub',
      namespace,
      repositories: result.repositories.map((repository) => {
        const entry: RemoteRepositories['repositories'][number] = {
          name: `${repository.namespace || namespace}/${repository.name}`,
        };
        if (repository.private !== undefined) entry.private = repository.private;
        if (repository.description !== undefined) entry.description = repository.description;
        if (repository.pullCount !== undefined) entry.pullCount = repository.pullCount;
        if (repository.lastUpdated !== undefined) entry.lastUpdated = repository.lastUpdated;
        return entry;
      }),
      connection,
    };
    if (result.nextPage !== undefined) answer.next = String(result.nextPage);
    if (result.count !== undefined) answer.total = result.count;
    return answer;
  }

  async tags(
    host: string,
    repository: string,
    input: { cursor?: string | undefined; n: number },
    signal?: AbortSignal,
  ): Promise<{ tags: string[]; next?: string }> {
    const session = await this.session(host);
    const query = new URLSearchParams({ n: String(input.n) });
    if (input.cursor) query.set('last', input.cursor);
    const response = await session.request(`/v2/${repository}/tags/list?${query.toString()}`, {
      scope: `repository:${repository}:pull`,
      signal,
      doing: `list the tags of ${repository} on`,
    });
    const body = JSON.parse(response.body.toString('utf8')) as { tags?: unknown };
    const tags = Array.isArray(body.tags)
      ? body.tags.filter((tag): tag is string => typeof tag === 'string')
      : [];
    const next = nextLast(response.headers.get('link'));
    return next !== undefined && tags.length > 0 ? { tags, next } : { tags };
  }

  async tagDetails(host: string, repository: string, tag: string, signal?: AbortSignal): Promise<TagDetails> {
    const session = await this.session(host);
    const scope = `repository:${repository}:pull`;
    const doing = `read ${repository}:${tag} on`;
    // A HEAD first: it names the digest, and on Docker Hub carries the rate limit without counting.
    const head = await session.request(`/v2/${repository}/manifests/${tag}`, {
      method: 'HEAD',
      headers: { Accept: ACCEPT_MANIFESTS },
      scope,
      signal,
      doing,
    });
    const rateLimit = parseRateLimit(head.headers);
    let digest = head.headers.get('docker-content-digest') ?? undefined;
    const cacheKey = (d: string) => `${host}|${repository}|${d}`;
    let details = digest ? this.#details.get(cacheKey(digest)) : undefined;
    if (!details) {
      const got = await session.request(`/v2/${repository}/manifests/${digest ?? tag}`, {
        headers: { Accept: ACCEPT_MANIFESTS },
        scope,
        signal,
        doing,
      });
      digest ??=
        got.headers.get('docker-content-digest') ??
        `sha256:${createHash('sha256').update(got.body).digest('hex')}`;
      const manifest = parseManifest(got.body.toString('utf8'), got.headers.get('content-type'));
      if (!manifest)
        throw new AppError('INTERNAL', `${repository}:${tag} on ${host} is not an image Berth can read.`, {
          raw: got.headers.get('content-type') ?? undefined,
        });
      details = await this.describe(session, repository, digest, manifest, scope, doing, signal);
      this.#details.set(cacheKey(digest), details);
    }
    const answer: TagDetails = { ...details, tag, pullCommand: pullCommand(host, repository, tag) };
    if (rateLimit) answer.rateLimit = rateLimit;
    return answer;
  }

  private async describe(
    session: RegistrySession,
    repository: string,
    digest: string,
    manifest: ParsedManifest,
    scope: string,
    doing: string,
    signal?: AbortSignal,
  ): Promise<Details> {
    const configOf = async (configDigest: string) => {
      const blob = await session.request(`/v2/${repository}/blobs/${configDigest}`, { scope, signal, doing });
      return parseImageConfig(blob.body.toString('utf8'));
    };
    if (manifest.kind === 'image') {
      const config = await configOf(manifest.config.digest);
      const platform = [config.os, config.architecture, config.variant].filter(Boolean).join('/');
      const details: Details = {
        repository,
        digest,
        mediaType: manifest.mediaType,
        kind: 'image',
        size: imageSize(manifest),
        platforms: platform ? [{ platform, digest, size: imageSize(manifest) }] : [],
      };
      if (config.created) details.created = config.created;
      if (config.os) details.os = config.os;
      if (config.architecture) details.architecture = config.architecture;
      return details;
    }
    const images = manifest.manifests.filter((child) => !isAttestation(child)).slice(0, MAX_INDEX_CHILDREN);
    const children: Array<{ platform: string; digest: string; size?: number; manifest?: ParsedManifest }> =
      [];
    // A few at a time: each child is a small manifest.
    for (let start = 0; start < images.length; start += 4) {
      const batch = images.slice(start, start + 4);
      const read = await Promise.all(
        batch.map(async (child) => {
          const got = await session.request(`/v2/${repository}/manifests/${child.digest}`, {
            headers: { Accept: ACCEPT_MANIFESTS },
            scope,
            signal,
            doing,
            accept: [404],
          });
          const parsed =
            got.status === 200
              ? parseManifest(got.body.toString('utf8'), got.headers.get('content-type'))
              : undefined;
          const entry: { platform: string; digest: string; size?: number; manifest?: ParsedManifest } = {
            platform: platformText(child.platform),
            digest: child.digest,
          };
          if (parsed?.kind === 'image') {
            entry.size = imageSize(parsed);
            entry.manifest = parsed;
          }
          return entry;
        }),
      );
      children.push(...read);
    }
    const details: Details = {
      repository,
      digest,
      mediaType: manifest.mediaType,
      kind: 'index',
      size: Math.max(0, ...children.map((child) => child.size ?? 0)),
      platforms: children.map(({ platform, digest: childDigest, size }) =>
        size === undefined ? { platform, digest: childDigest } : { platform, digest: childDigest, size },
      ),
    };
    const first = children.find((child) => child.manifest?.kind === 'image')?.manifest;
    if (first?.kind === 'image') {
      const config = await configOf(first.config.digest);
      if (config.created) details.created = config.created;
      if (config.os) details.os = config.os;
      if (config.architecture) details.architecture = config.architecture;
    }
    return details;
  }

  /**
   * Deletes a tag: `DELETE /v2/<name>/manifests/<tag>` (OCI 1.1). Where the registry can't, and no
   * digest was given, answers `none` with the digest, so the UI can warn that deleting the manifest
   * removes every tag on it; given the digest, deletes by digest if the tag still points there.
   */
  async deleteTag(
    host: string,
    repository: string,
    tag: string,
    digest: string | undefined,
    signal?: AbortSignal,
  ): Promise<
    | { deleted: 'tag' }
    | { deleted: 'digest'; digest: string }
    | { deleted: 'none'; digest: string; raw?: string }
  > {
    const session = await this.session(host);
    const scope = `repository:${repository}:delete`;
    const doing = `delete ${repository}:${tag} from`;
    const login = await this.login(host);
    const context = { host, doing, username: login?.username, loggedIn: login !== undefined };
    const current = await session.request(`/v2/${repository}/manifests/${tag}`, {
      method: 'HEAD',
      headers: { Accept: ACCEPT_MANIFESTS },
      scope: `repository:${repository}:pull`,
      signal,
      doing,
    });
    const currentDigest = current.headers.get('docker-content-digest') ?? '';
    if (digest === undefined) {
      const byTag = await session.request(`/v2/${repository}/manifests/${tag}`, {
        method: 'DELETE',
        scope,
        signal,
        doing,
        accept: [400, 404, 405],
      });
      if (byTag.status >= 200 && byTag.status < 300) return { deleted: 'tag' };
      const words = registryWords(byTag.body.toString('utf8'));
      if (
        byTag.status === 404 &&
        !words.codes.includes('UNSUPPORTED') &&
        words.codes.includes('MANIFEST_UNKNOWN')
      )
        throw httpFailure(404, byTag.body.toString('utf8'), context);
      return {
        deleted: 'none',
        digest: currentDigest,
        raw: `HTTP ${byTag.status}${words.text ? `: ${words.text}` : ''}`,
      };
    }
    if (currentDigest !== '' && currentDigest !== digest)
      throw new AppError(
        'CONFLICT',
        `${repository}:${tag} changed since Berth showed it: it points at another image now.`,
        {
          hint: 'Look at the tag again, then decide.',
        },
      );
    const byDigest = await session.request(`/v2/${repository}/manifests/${digest}`, {
      method: 'DELETE',
      scope,
      signal,
      doing,
      accept: [400, 405],
    });
    if (byDigest.status >= 200 && byDigest.status < 300) {
      this.#details.delete(`${host}|${repository}|${digest}`);
      return { deleted: 'digest', digest };
    }
    const words = registryWords(byDigest.body.toString('utf8'));
    throw new AppError('DELETE_NOT_ALLOWED', `${host} does not allow deleting images.`, {
      hint: 'Deleting is switched off on this registry (for distribution: storage.delete.enabled). Its operators can turn it on.',
      raw: `HTTP ${byDigest.status}${words.text ? `: ${words.text}` : ''}`,
    });
  }

  private login(host: string): Promise<DockerAuthConfig | undefined> {
    const cached = this.#logins.get(host);
    if (cached && this.#now() - cached.at < LOGIN_TTL_MS) return cached.login;
    const login = this.options
      .authFor(host)
      .then((auth) =>
        auth && (auth.password !== undefined || auth.identitytoken !== undefined) ? auth : undefined,
      );
    this.#logins.set(host, { at: this.#now(), login });
    return login;
  }

  private daemonConfig(): Promise<RegistryConfigReport | undefined> {
    if (this.#daemonConfig && this.#now() - this.#daemonConfig.at < DAEMON_CONFIG_TTL_MS)
      return this.#daemonConfig.report;
    const report = this.options.daemonRegistryConfig().catch(() => undefined);
    this.#daemonConfig = { at: this.#now(), report };
    return report;
  }
}
