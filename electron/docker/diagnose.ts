/**
 * Turns Docker's raw error text into typed AppErrors a beginner can act on: what happened in plain
 * words, what to do, and a fix the UI can offer as a button. Docker's own words are always kept as
 * `raw`, so the UI can show them under the explanation. Rules are tried in order, most specific
 * first: "pull access denied … repository does not exist or may require 'docker login'" mentions
 * "denied" but means the repository is missing (or private), so it must win over the login rule.
 */
import { AppError } from '../api/app-error';

/** What we know about the operation that failed, for the message and the fix. */
export interface DiagnoseContext {
  operation: 'push' | 'pull' | 'login';
  /** Registry host, e.g. `127.0.0.1:5000` or `docker.io`. */
  registry?: string;
  /** The reference as the user knows it, e.g. `127.0.0.1:5000/team/app:1`. */
  reference?: string;
  /** Where certs.d is depends on the platform; defaults to this process's. */
  platform?: NodeJS.Platform;
}

interface Rule {
  test: RegExp;
  /** Only for this operation (the words mean something else in another). */
  only?: DiagnoseContext['operation'];
  build(raw: string, context: DiagnoseContext): AppError;
}

const hostOf = (context: DiagnoseContext) => context.registry ?? 'the registry';
const nameOf = (context: DiagnoseContext) => (context.reference ? `'${context.reference}'` : 'the image');

/** Where Docker looks for a registry's CA certificate (`ca.crt`) on each platform. */
export function certsDirFor(host: string, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'darwin') return `~/.docker/certs.d/${host}`;
  if (platform === 'win32') return `C:\\ProgramData\\docker\\certs.d\\${host}`;
  return `/etc/docker/certs.d/${host}`;
}

const rules: Rule[] = [
  {
    test: /server gave HTTP response to HTTPS client/i,
    build: (raw, context) =>
      new AppError(
        'INSECURE_REGISTRY',
        `${hostOf(context)} speaks plain HTTP; Docker only allows that for registries listed as insecure.`,
        {
          hint: `Add ${hostOf(context)} to Docker's insecure registries (Berth can do it for you), then try again.`,
          raw,
          ...(context.registry
            ? { fix: { kind: 'addInsecureRegistry' as const, host: context.registry } }
            : {}),
        },
      ),
  },
  {
    test: /x509: certificate (signed by unknown authority|is not trusted)|certificate verify failed/i,
    build: (raw, context) => {
      const certsDir = certsDirFor(hostOf(context), context.platform);
      return new AppError(
        'TLS_UNKNOWN_AUTHORITY',
        `Docker does not trust the certificate of ${hostOf(context)}: it was signed by an authority Docker doesn't know.`,
        {
          hint: `Copy the certificate of the authority that signed it to ${certsDir}/ca.crt, then try again.`,
          raw,
          ...(context.registry
            ? { fix: { kind: 'showCertsHelp' as const, host: context.registry, certsDir } }
            : {}),
        },
      );
    },
  },
  {
    test: /no space left on device/i,
    build: (raw) =>
      new AppError(
        'NO_SPACE',
        'The disk is full: Docker or the registry ran out of space while writing the image.',
        {
          hint: 'Free some disk space (for example remove images you no longer need), then try again.',
          raw,
          fix: { kind: 'retry' },
        },
      ),
  },
  {
    test: /repository does not exist or may require 'docker login'|pull access denied/i,
    build: (raw, context) =>
      new AppError(
        'REPOSITORY_NOT_FOUND',
        `${nameOf(context)} was not found on ${hostOf(context)}, or it is private and needs a login.`,
        {
          hint: 'Check the spelling of the name. If the repository is private, log in and try again.',
          raw,
          ...(context.registry ? { fix: { kind: 'login' as const, registry: context.registry } } : {}),
        },
      ),
  },
  {
    test: /does not exist locally|no such image/i,
    build: (raw, context) =>
      new AppError('NOT_FOUND', `There is no local image named ${nameOf(context)}.`, {
        hint: 'Tag an image with this name first, then push it.',
        raw,
      }),
  },
  {
    test: /manifest unknown|manifest for \S+ not found/i,
    build: (raw, context) =>
      new AppError(
        'MANIFEST_UNKNOWN',
        `${hostOf(context)} has no image with the tag of ${nameOf(context)}.`,
        {
          hint: 'Check the tag: the registry may have this repository under other tags only.',
          raw,
        },
      ),
  },
  {
    test: /invalid reference format|NAME_INVALID|invalid repository name|invalid tag format/i,
    build: (raw, context) =>
      new AppError('NAME_INVALID', `Docker cannot use the name ${nameOf(context)}.`, {
        hint: 'Names are lowercase letters, digits and separators (. _ -), with an optional tag after ":".',
        raw,
      }),
  },
  {
    test: /unauthorized|denied|authentication required|no basic auth credentials|incorrect username or password|status: 401/i,
    build: (raw, context) =>
      new AppError(
        'UNAUTHORIZED',
        `${hostOf(context)} refused access: log in with an account that may ${context.operation === 'pull' ? 'read' : 'write to'} this repository.`,
        {
          hint:
            context.registry === 'docker.io'
              ? 'On Docker Hub you can only push to your own namespace, such as yourname/app.'
              : 'Log in to this registry, then try again.',
          raw,
          ...(context.registry ? { fix: { kind: 'login' as const, registry: context.registry } } : {}),
        },
      ),
  },
  {
    test: /name unknown|repository name not known|not found/i,
    build: (raw, context) =>
      new AppError('REPOSITORY_NOT_FOUND', `${nameOf(context)} was not found on ${hostOf(context)}.`, {
        hint: 'Check the spelling of the repository name and the registry address.',
        raw,
      }),
  },
  {
    // The registry answered, then closed the connection while Docker was still sending a layer: how
    // Docker reports a registry that turns an upload down part-way (both Berth's registry and the
    // reference give docker these words when their disk fills up).
    test: /write tcp \S+: write: (broken pipe|connection reset by peer)/i,
    only: 'push',
    build: (raw, context) =>
      new AppError(
        'UPLOAD_CUT_OFF',
        `${hostOf(context)} closed the connection while Docker was sending a layer.`,
        {
          hint: "A registry does this when it turns an upload down part-way: most often its disk is full, or the layer is over its size limit. For Berth's local registry, its notice and the Local registry view say which. Fix that, then try again.",
          raw,
          fix: { kind: 'retry' },
        },
      ),
  },
  {
    test: /connection refused|no such host|i\/o timeout|network is unreachable|no route to host|TLS handshake timeout|context deadline exceeded|dial tcp|server misbehaving|connection reset by peer/i,
    build: (raw, context) =>
      new AppError(
        'REGISTRY_UNREACHABLE',
        `Docker could not reach ${hostOf(context)}: nothing answered at that address.`,
        {
          hint: 'Check that the registry is running and that the host name and port are right, then try again.',
          raw,
          fix: { kind: 'retry' },
        },
      ),
  },
];

/**
 * The daemon's words without the names in them: quoted URLs, and the image's reference, repository
 * and registry host as the user wrote them. A rule must match what Docker says, not a name that
 * happens to hold "denied" or "unauthorized" (`lookup denied.example.com: no such host` is a host
 * that doesn't resolve, not a refused login).
 */
function withoutNames(raw: string, context: DiagnoseContext): string {
  let words = raw.replace(/"(?:https?|wss?):\/\/[^"]*"/gi, '"<url>"');
  const reference = context.reference;
  const repository = reference?.replace(/@.*$/, '').replace(/:[^:/]+$/, '');
  const host = context.registry;
  const hostName = host?.replace(/:\d+$/, '');
  for (const name of [reference, repository, host, hostName]) {
    if (name && name.length >= 3) words = words.split(name).join('<name>');
  }
  return words;
}

/** Explain an error message the daemon sent (in the stream's errorDetail, or an HTTP error body). */
export function diagnoseDaemonMessage(raw: string, context: DiagnoseContext): AppError {
  const words = withoutNames(raw, context);
  for (const rule of rules) {
    if (rule.test.test(words) && (rule.only === undefined || rule.only === context.operation))
      return rule.build(raw, context);
  }
  return new AppError(
    'INTERNAL',
    `Docker could not finish the ${context.operation}. Docker's own message is below.`,
    {
      hint: 'Try again; if it keeps failing, the message below says what Docker ran into.',
      raw,
      fix: { kind: 'retry' },
    },
  );
}

/** Socket-level failures talking to the daemon itself (not to the registry). */
const SOCKET_GONE_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ENOENT', 'EPIPE', 'ECONNABORTED']);

/**
 * Explain anything a dockerode call threw. An HTTP error from the daemon carries the daemon's message;
 * a socket error means Docker itself went away; an abort means the user cancelled.
 */
export function diagnoseError(error: unknown, context: DiagnoseContext): AppError {
  if (error instanceof AppError) return error;
  const failure = (typeof error === 'object' && error !== null ? error : {}) as {
    name?: string;
    code?: string;
    message?: string;
    statusCode?: number;
    json?: unknown;
  };
  const message = failure.message ?? String(error);
  if (failure.name === 'AbortError' || failure.code === 'ABORT_ERR') {
    return new AppError('CANCELLED', `The ${context.operation} was cancelled.`, { raw: message });
  }
  if (typeof failure.statusCode === 'number')
    return diagnoseDaemonMessage(daemonMessageOf(failure.json) ?? message, context);
  if ((failure.code && SOCKET_GONE_CODES.has(failure.code)) || /socket hang up|aborted/i.test(message)) {
    return dockerStopped(message);
  }
  return diagnoseDaemonMessage(message, context);
}

/**
 * Why a call could not reach the daemon at all: no socket or nothing listening on it ('not-running'),
 * or no permission to use it ('no-permission'); undefined for any other failure. The connection's
 * status line and the services' errors word it each their way.
 */
export function unreachableKind(error: unknown): 'not-running' | 'no-permission' | undefined {
  const code = (error as { code?: string } | null)?.code;
  if (code === 'ENOENT' || code === 'ECONNREFUSED') return 'not-running';
  if (code === 'EACCES') return 'no-permission';
  return undefined;
}

/**
 * A call that could not reach the daemon at all: the user's next step is to start Docker (or get
 * the permission), not to read a stack. Answers undefined for anything else. `what` finishes
 * "…, so Berth can't …" ("list your images").
 */
export function dockerUnreachable(error: unknown, what: string): AppError | undefined {
  const kind = unreachableKind(error);
  if (kind === undefined) return undefined;
  const raw = error instanceof Error ? error.message : String(error);
  return kind === 'not-running'
    ? new AppError('DOCKER_UNAVAILABLE', `Docker isn't running, so Berth can't ${what}.`, {
        hint: 'Start Docker Desktop (or dockerd). Berth connects by itself once Docker answers.',
        raw,
      })
    : new AppError('DOCKER_UNAVAILABLE', `Berth may not talk to Docker, so it can't ${what}.`, {
        hint: 'On Linux, add yourself to the "docker" group, then log out and back in.',
        raw,
      });
}

/** Docker went away (stopped, restarted, or its socket vanished) in the middle of the work. */
export function dockerStopped(raw: string): AppError {
  return new AppError('DOCKER_STOPPED', 'Docker stopped while this was running.', {
    hint: 'Start Docker again; Berth reconnects by itself. Then try again.',
    raw,
    fix: { kind: 'retry' },
  });
}

function daemonMessageOf(json: unknown): string | undefined {
  if (
    typeof json === 'object' &&
    json !== null &&
    typeof (json as { message?: unknown }).message === 'string'
  ) {
    return (json as { message: string }).message;
  }
  return undefined;
}
