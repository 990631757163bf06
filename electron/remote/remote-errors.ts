/**
 * What went wrong talking to a registry, in words a person can act on: a host that doesn't resolve,
 * nothing listening, a certificate Berth can't trust (with the same certs.d advice as pushes), no login
 * (→ log in), a login without access (403), Docker Hub's rate limit (429), a timeout. The registry's own
 * words (its error body, or the socket error) are kept as `raw`.
 */
import { AppError } from '../api/app-error';
import { certsDirFor } from '../docker/diagnose';

export interface FailureContext {
  /** `docker.io`, `ghcr.io`, `127.0.0.1:5000`. */
  host: string;
  /** What Berth was doing, for the message: "list the repositories of", "delete". */
  doing: string;
  /** The user name of the login used, when there was one. */
  username?: string | undefined;
  loggedIn: boolean;
  platform?: NodeJS.Platform;
}

const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_UNTRUSTED',
]);

/** The innermost `code` and message of a fetch failure (undici wraps the socket error in `cause`). */
export function networkCause(error: unknown): { code?: string; message: string } {
  let current: unknown = error;
  let found: { code?: string; message: string } = {
    message: error instanceof Error ? error.message : String(error),
  };
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth += 1) {
    const { code, message, cause } = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === 'string')
      found = { code, message: typeof message === 'string' ? message : found.message };
    else if (typeof message === 'string' && depth > 0) found = { ...found, message };
    current = cause;
  }
  return found;
}

/** A request that never got an HTTP answer. */
export function networkFailure(error: unknown, context: FailureContext): AppError {
  const { code, message } = networkCause(error);
  const raw = code ? `${code}: ${message}` : message;
  const { host } = context;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME')
    return new AppError('REGISTRY_UNREACHABLE', `Berth could not find ${host}: no such host name.`, {
      hint: 'Check the spelling of the registry address, and that this computer is online (and on the VPN, for a company registry).',
      raw,
      fix: { kind: 'retry' },
    });
  if (code !== undefined && (TLS_CODES.has(code) || code.startsWith('ERR_TLS') || code.startsWith('CERT_'))) {
    const certsDir = certsDirFor(host, context.platform);
    return new AppError(
      'TLS_UNKNOWN_AUTHORITY',
      `Berth does not trust the certificate of ${host}: ${message}.`,
      {
        hint: `If the registry uses its own certificate authority, Docker needs it at ${certsDir}/ca.crt; Berth, like other Node programs, reads extra authorities from NODE_EXTRA_CA_CERTS.`,
        raw,
        fix: { kind: 'showCertsHelp', host, certsDir },
      },
    );
  }
  if (code === 'EPROTO' || /wrong version number|packet length too long/i.test(message))
    return new AppError(
      'INSECURE_REGISTRY',
      `${host} speaks plain HTTP; Berth, like Docker, only uses HTTP for registries listed as insecure.`,
      {
        hint: `Add ${host} to Docker's insecure registries (Berth can do it for you), then try again.`,
        raw,
        fix: { kind: 'addInsecureRegistry', host },
      },
    );
  return new AppError(
    'REGISTRY_UNREACHABLE',
    `Berth could not reach ${host}: nothing answered at that address.`,
    {
      hint: 'Check that the registry is running and that the host name and port are right, then try again.',
      raw,
      fix: { kind: 'retry' },
    },
  );
}

export function timedOut(context: FailureContext, seconds: number): AppError {
  return new AppError('TIMEOUT', `${context.host} did not answer within ${seconds} seconds.`, {
    hint: 'The registry or the network is slow or down. Try again in a moment.',
    fix: { kind: 'retry' },
  });
}

export function cancelled(context: FailureContext): AppError {
  return new AppError('CANCELLED', `Stopped: Berth no longer waits to ${context.doing} ${context.host}.`);
}

/** The registry's error body (`{"errors":[{"code","message"}]}`), as words; '' when there is none. */
export function registryWords(body: string): { codes: string[]; text: string } {
  const words = (value: unknown) => (typeof value === 'string' ? value : '');
  try {
    const parsed = JSON.parse(body) as { errors?: Array<{ code?: unknown; message?: unknown }> };
    if (Array.isArray(parsed.errors)) {
      const codes = parsed.errors.map((entry) => words(entry.code));
      const text = parsed.errors.map((entry) => `${words(entry.code)}: ${words(entry.message)}`);
      return { codes, text: text.join('; ') };
    }
  } catch {
    // Not JSON: keep the text itself.
  }
  return { codes: [], text: body.slice(0, 500).trim() };
}

/** An HTTP answer that is not the one wanted. */
export function httpFailure(status: number, body: string, context: FailureContext): AppError {
  const { codes, text } = registryWords(body);
  const raw = `HTTP ${status}${text ? `: ${text}` : ''}`;
  const { host } = context;
  if (status === 401 && !context.loggedIn)
    return new AppError('UNAUTHORIZED', `${host} wants a login to ${context.doing} it.`, {
      hint: 'Log in to this registry; Berth uses the same login as docker in a terminal.',
      raw,
      fix: { kind: 'login', registry: host },
    });
  if (status === 401)
    return new AppError(
      'UNAUTHORIZED',
      `${host} refused the login${context.username ? ` of ${context.username}` : ''}: it may have expired or been revoked.`,
      {
        hint: 'Log in again with a current password or access token.',
        raw,
        fix: { kind: 'login', registry: host },
      },
    );
  if (status === 403 || codes.includes('DENIED'))
    return new AppError(
      'FORBIDDEN',
      context.loggedIn
        ? `${context.username ? `${context.username} is` : 'You are'} logged in to ${host}, but may not ${context.doing} it.`
        : `${host} does not let anonymous users ${context.doing} it.`,
      {
        hint: context.loggedIn
          ? 'Ask the registry’s owner for access, or log in as someone who has it.'
          : 'Log in with an account that has access.',
        raw,
        fix: { kind: 'login', registry: host },
      },
    );
  if (status === 429 || codes.includes('TOOMANYREQUESTS'))
    return new AppError('RATE_LIMITED', `${host} asks Berth to slow down: too many requests.`, {
      hint:
        host === 'docker.io'
          ? 'Docker Hub limits pulls per account (fewer for anonymous users). Log in, or wait a while.'
          : 'Wait a little, then try again.',
      raw,
      fix: { kind: 'retry' },
    });
  if (codes.includes('NAME_UNKNOWN'))
    return new AppError('REPOSITORY_NOT_FOUND', `${host} has no such repository.`, {
      hint: 'Check the spelling of the repository name (it may also be private: log in).',
      raw,
    });
  if (codes.includes('MANIFEST_UNKNOWN'))
    return new AppError('MANIFEST_UNKNOWN', `${host} has no image with that tag (any more).`, {
      hint: 'Someone may have deleted or moved it; refresh the tags.',
      raw,
    });
  if (status === 404) return new AppError('NOT_FOUND', `${host} answered "not found".`, { raw });
  if (status >= 500)
    return new AppError('REGISTRY_UNREACHABLE', `${host} had a problem of its own (HTTP ${status}).`, {
      hint: 'Try again in a moment; if it keeps happening, the registry’s operators need to look.',
      raw,
      fix: { kind: 'retry' },
    });
  return new AppError(
    'INTERNAL',
    `${host} answered HTTP ${status} when Berth tried to ${context.doing} it.`,
    {
      raw,
    },
  );
}
