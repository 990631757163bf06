/**
 * Image references, parsed the way Docker parses them (github.com/distribution/reference, grammar.go
 * and normalize.go), but failing with a reason a person can act on instead of "invalid reference
 * format". Pure TypeScript: the renderer's Tag dialog imports it as well as the host's services.
 *
 *   reference  := name [ ":" tag ] [ "@" digest ]
 *   name       := [ domain "/" ] path-component { "/" path-component }     (≤ 255 characters)
 *   domain     := host [ ":" port ]      host: DNS labels separated by ".", or "[" IPv6 "]"
 *   path-comp. := [a-z0-9]+ ( ( "." | "_" | "__" | "-"+ ) [a-z0-9]+ )*
 *   tag        := [A-Za-z0-9_] [A-Za-z0-9_.-]{0,127}
 *   digest     := algorithm ":" hex
 *
 * The first component is a domain only if it contains "." or ":" or is "localhost"; otherwise the name
 * is on Docker Hub (`docker.io`), and a single-component name is in its `library/` namespace.
 *
 * One departure: Docker's newest client also treats an uppercase first component ("MyOrg/app") as a
 * registry host, but daemons (20.10 checked) reject it as "repository name must be lowercase". A
 * beginner who typed MyOrg meant a namespace, so we follow the daemon and say "use lowercase".
 */

import { isValidTag, NAME_MAX_LENGTH, PATH_COMPONENT_PATTERN, TAG_MAX_LENGTH } from './oci-grammar';

/** Docker Hub's canonical domain; `index.docker.io` is the legacy spelling of the same registry. */
export const DOCKER_HUB_DOMAIN = 'docker.io';
const LEGACY_DOCKER_HUB_DOMAIN = 'index.docker.io';
const OFFICIAL_NAMESPACE = 'library';
export const DEFAULT_TAG = 'latest';
export { NAME_MAX_LENGTH, TAG_MAX_LENGTH };

/** A reference split into its parts and written both ways Docker writes it. */
export interface ImageReference {
  /** Registry host with optional port, e.g. `docker.io`, `localhost:5000`, `[::1]:5000`. */
  domain: string;
  /** Repository path inside the registry, e.g. `library/nginx`, `team/app`. */
  path: string;
  /** `domain/path`. */
  name: string;
  /** As written; absent when the reference had none (Docker then means `latest`, unless a digest is given). */
  tag?: string;
  digest?: string;
  /** The short form `docker images` shows: `nginx:latest`, `user/app:1`, `localhost:5000/app:1`. */
  familiar: string;
  /** The full form: `docker.io/library/nginx:latest`; `:latest` is added only when there is neither tag nor digest. */
  normalized: string;
}

/** Which part of the reference a failure is about, so a form can put the message under the right field. */
export type ReferencePart = 'name' | 'domain' | 'path' | 'tag' | 'digest';

export type ParseResult =
  { ok: true; ref: ImageReference } | { ok: false; reason: string; part: ReferencePart };

const DOMAIN_LABEL = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const IPV6_HOST = /^\[[a-fA-F0-9:]+\]$/;
const PORT = /^[0-9]+$/;
const DIGEST = /^([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*):([0-9a-fA-F]{32,})$/;
const IMAGE_ID = /^[a-f0-9]{64}$/;
/** Hex lengths of the algorithms the daemon accepts (opencontainers/go-digest). */
const DIGEST_HEX_LENGTH: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

type Failure = { ok: false; reason: string; part: ReferencePart };
const fail = (part: ReferencePart, reason: string): Failure => ({ ok: false, reason, part });

/** An image ID as Docker prints it, short (12+ hex) or full, with or without `sha256:`. */
const LOCAL_IMAGE_ID = /^(?:sha256:)?[a-f0-9]{12,64}$/;

/**
 * True for what may name a local image in a call to the daemon: an image ID, or a name in Docker's
 * grammar. Nothing else, so a value like `../containers/<id>` or `x?force=1` can't reach the
 * Engine API's URL paths (dockerode puts it there as is).
 */
export function isLocalImageReference(text: string): boolean {
  return LOCAL_IMAGE_ID.test(text) || parseReference(text).ok;
}

/** Parse and normalise a reference as `docker tag` / `docker push` would. Never throws. */
export function parseReference(text: string): ParseResult {
  if (text.length === 0) return fail('name', 'the image name is empty');
  if (/\s/.test(text)) return fail('name', 'spaces are not allowed in an image name');
  if (IMAGE_ID.test(text)) {
    return fail(
      'name',
      'a 64-character hexadecimal string is an image ID, not a name; choose a name such as myapp',
    );
  }

  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    const digestFailure = checkDigest(digest);
    if (digestFailure) return digestFailure;
  }

  let tag: string | undefined;
  const lastColon = rest.lastIndexOf(':');
  if (lastColon > rest.lastIndexOf('/')) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
    const tagFailure = checkTag(tag);
    if (tagFailure) return tagFailure;
  }
  if (rest.length === 0) return fail('name', 'the repository name is missing before the tag or digest');

  let domain = DOCKER_HUB_DOMAIN;
  let path = rest;
  const slash = rest.indexOf('/');
  if (slash !== -1) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost') {
      domain = first;
      path = rest.slice(slash + 1);
      const domainFailure = checkDomain(domain);
      if (domainFailure) return domainFailure;
    }
  }
  if (domain === LEGACY_DOCKER_HUB_DOMAIN) domain = DOCKER_HUB_DOMAIN;
  if (domain === DOCKER_HUB_DOMAIN && !path.includes('/')) path = `${OFFICIAL_NAMESPACE}/${path}`;

  const pathFailure = checkPath(path, domain === DOCKER_HUB_DOMAIN ? path.replace(/^library\//, '') : path);
  if (pathFailure) return pathFailure;

  const name = `${domain}/${path}`;
  if (name.length > NAME_MAX_LENGTH) {
    return fail(
      'name',
      `the full name is ${name.length} characters long; Docker allows at most ${NAME_MAX_LENGTH}`,
    );
  }

  const suffix = (tag !== undefined ? `:${tag}` : '') + (digest !== undefined ? `@${digest}` : '');
  const ref: ImageReference = {
    domain,
    path,
    name,
    familiar: familiarName(domain, path) + suffix,
    normalized: name + (tag === undefined && digest === undefined ? `:${DEFAULT_TAG}` : suffix),
  };
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  return { ok: true, ref };
}

/** The parts the Tag dialog collects. Empty registry means Docker Hub. */
export interface ReferenceParts {
  registry?: string;
  namespace?: string;
  repository: string;
  tag?: string;
}

/**
 * Join the Tag dialog's parts and parse the result. The registry is always written out, so a
 * namespace with a dot (`my.team`) is never mistaken for a registry host.
 */
export function buildReference(parts: ReferenceParts): ParseResult {
  const registry = (parts.registry ?? '').trim() || DOCKER_HUB_DOMAIN;
  const namespace = (parts.namespace ?? '').trim().replace(/^\/+|\/+$/g, '');
  const repository = parts.repository.trim();
  if (repository.length === 0) return fail('path', 'the repository name is empty; choose one such as myapp');
  const tag = (parts.tag ?? '').trim();
  const text =
    [registry, namespace, repository].filter((part) => part.length > 0).join('/') + (tag ? `:${tag}` : '');
  return parseReference(text);
}

/**
 * The registry host a reference points at (`docker.io` for Docker Hub), or undefined if it does not
 * parse. Accepts text or an already parsed reference.
 */
export function registryHostOf(reference: string | ImageReference): string | undefined {
  if (typeof reference !== 'string') return reference.domain;
  const parsed = parseReference(reference);
  return parsed.ok ? parsed.ref.domain : undefined;
}

/** A registry host as the user typed it, read the way Docker needs it. */
export interface TypedRegistryHost {
  /** The host with its port: no scheme, no path, no trailing slash (what goes before the first `/`). */
  host: string;
  /** True when it was written `http://…`: Docker will only talk to it as an insecure registry. */
  plainHttp: boolean;
}

/**
 * People paste registries as URLs (`http://198.18.7.2:5000/`, `https://ghcr.io`). An image name has
 * no scheme, so drop it and any path or trailing slash; remember `http://`, which means no TLS.
 */
export function readTypedRegistryHost(text: string): TypedRegistryHost {
  const trimmed = text.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(trimmed);
  const withoutScheme = scheme ? trimmed.slice(scheme[0].length) : trimmed;
  const host = withoutScheme.replace(/\/.*$/, '');
  return { host, plainHttp: scheme?.[1]?.toLowerCase() === 'http' };
}

/** Why `tag` (what follows the `:`) is not a tag Docker accepts, or undefined when it is one. */
export function tagProblem(tag: string): string | undefined {
  if (tag.includes(':'))
    return "a tag can't contain ':'; the one ':' goes between the repository and the tag";
  if (/\s/.test(tag)) return "spaces are not allowed in a tag; use '-' or '_' instead";
  return checkTag(tag)?.reason;
}

/** `index.docker.io`, `docker.io` and `registry-1.docker.io` are one registry; other hosts lowercased. */
export function normalizeRegistryHost(host: string): string {
  const trimmed = host
    .trim()
    .replace(/^https?:\/\//, '')
    .replace(/\/.*$/, '')
    .toLowerCase();
  if (trimmed === '' || trimmed === LEGACY_DOCKER_HUB_DOMAIN || trimmed === 'registry-1.docker.io')
    return DOCKER_HUB_DOMAIN;
  return trimmed;
}

function familiarName(domain: string, path: string): string {
  if (domain !== DOCKER_HUB_DOMAIN) return `${domain}/${path}`;
  return path.startsWith(`${OFFICIAL_NAMESPACE}/`) ? path.slice(OFFICIAL_NAMESPACE.length + 1) : path;
}

function checkDigest(digest: string): Failure | undefined {
  const match = DIGEST.exec(digest);
  if (!match)
    return fail('digest', `'${digest}' is not a digest; a digest looks like sha256:<64 hexadecimal digits>`);
  const [, algorithm = '', hex = ''] = match;
  const expected = DIGEST_HEX_LENGTH[algorithm];
  if (expected === undefined)
    return fail('digest', `the digest algorithm '${algorithm}' is not supported; use sha256`);
  if (hex.length !== expected) {
    return fail(
      'digest',
      `a ${algorithm} digest has ${expected} hexadecimal digits, this one has ${hex.length}`,
    );
  }
  if (hex !== hex.toLowerCase()) return fail('digest', 'the digest must be written in lowercase hexadecimal');
  return undefined;
}

function checkTag(tag: string): Failure | undefined {
  if (isValidTag(tag)) return undefined;
  if (tag.length === 0) return fail('tag', 'the tag after ":" is empty; write one such as latest or 1.0');
  if (tag.length > TAG_MAX_LENGTH)
    return fail('tag', `the tag is ${tag.length} characters long; Docker allows at most ${TAG_MAX_LENGTH}`);
  if (!/^\w/.test(tag)) return fail('tag', `a tag must start with a letter, a digit or '_', not '${tag[0]}'`);
  const bad = [...tag].find((char) => !/[\w.-]/.test(char)) ?? '';
  return fail('tag', `'${bad}' is not allowed in a tag; use letters, digits, '_', '.' and '-'`);
}

function checkDomain(domain: string): Failure | undefined {
  const bracketEnd = domain.startsWith('[') ? domain.indexOf(']') : -1;
  const portColon = domain.indexOf(':', bracketEnd + 1);
  const host = portColon === -1 ? domain : domain.slice(0, portColon);
  const port = portColon === -1 ? undefined : domain.slice(portColon + 1);
  if (port !== undefined && !PORT.test(port)) {
    return fail('domain', `the port in '${domain}' must be a number, such as ${host}:5000`);
  }
  if (host.startsWith('[')) {
    return IPV6_HOST.test(host)
      ? undefined
      : fail('domain', `'${host}' is not a valid IPv6 address in brackets`);
  }
  for (const label of host.split('.')) {
    if (label.length === 0)
      return fail('domain', `the registry host '${host}' has an empty part between dots`);
    if (!DOMAIN_LABEL.test(label)) {
      return fail(
        'domain',
        `the registry host '${host}' may only contain letters, digits, '-' and '.', and each part must start and end with a letter or digit`,
      );
    }
  }
  return undefined;
}

/** `shown` is the path as the user wrote it (without the implied `library/`), for messages. */
function checkPath(path: string, shown: string): Failure | undefined {
  const components = path.split('/');
  for (const component of components) {
    if (PATH_COMPONENT_PATTERN.test(component)) continue;
    if (component.length === 0)
      return fail('path', `the repository name '${shown}' has an empty part (two slashes, or one at an end)`);
    if (component !== component.toLowerCase()) {
      const fixed = shown.toLowerCase();
      return fail(
        'path',
        `uppercase letters are not allowed in the repository name (use '${fixed}' instead of '${shown}')`,
      );
    }
    const bad = [...component].find((char) => !/[a-z0-9._-]/.test(char));
    if (bad !== undefined) {
      return fail(
        'path',
        `'${bad}' is not allowed in the repository name; use lowercase letters, digits and the separators '.', '_' or '-'`,
      );
    }
    if (!/^[a-z0-9]/.test(component) || !/[a-z0-9]$/.test(component)) {
      return fail('path', `'${component}' must start and end with a lowercase letter or digit`);
    }
    return fail(
      'path',
      `'${component}' has separators Docker does not accept: between letters and digits use one '.', one or two '_', or any number of '-'`,
    );
  }
  return undefined;
}
