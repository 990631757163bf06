/**
 * The OCI Distribution error table, declared once with each code's HTTP status (like distribution's
 * `registry/api/errcode/register.go`). Storage and handlers throw `RegistryError`; only the HTTP edge
 * (server.ts) turns it into a status and the spec's JSON body.
 */

/** Every error code the registry can answer with, and its default HTTP status. */
export const ERROR_CODES = {
  BLOB_UNKNOWN: { status: 404, message: 'blob unknown to registry' },
  BLOB_UPLOAD_INVALID: { status: 400, message: 'blob upload invalid' },
  BLOB_UPLOAD_UNKNOWN: { status: 404, message: 'blob upload unknown to registry' },
  DIGEST_INVALID: { status: 400, message: 'provided digest did not match uploaded content' },
  MANIFEST_BLOB_UNKNOWN: {
    status: 400,
    message: 'manifest references a blob (or manifest) unknown to the registry',
  },
  MANIFEST_INVALID: { status: 400, message: 'manifest invalid' },
  MANIFEST_UNKNOWN: { status: 404, message: 'manifest unknown' },
  NAME_INVALID: { status: 400, message: 'invalid repository name' },
  NAME_UNKNOWN: { status: 404, message: 'repository name not known to registry' },
  SIZE_INVALID: { status: 400, message: 'provided length did not match content length' },
  // 405 for an unsupported method on a known route. The spec's words, "unsupported due to a missing
  // implementation or invalid set of parameters", also cover an unknown endpoint (404), an unknown
  // manifest media type (415) and a blob range that can't be served (416): clients must see only the
  // spec's codes (an out-of-order upload chunk's 416 is BLOB_UPLOAD_INVALID).
  UNSUPPORTED: { status: 405, message: 'the operation is unsupported' },
  DENIED: { status: 403, message: 'requested access to the resource is denied' },
  UNAUTHORIZED: { status: 401, message: 'authentication required' },
  TOOMANYREQUESTS: { status: 429, message: 'too many requests' },
  // Not an OCI code: what distribution answers for its own failures (disk full, permission denied).
  UNKNOWN: { status: 500, message: 'unknown error' },
} as const satisfies Record<string, { status: number; message: string }>;

/** One of the codes in `ERROR_CODES`. */
export type RegistryErrorCode = keyof typeof ERROR_CODES;

/** A protocol error: thrown anywhere below the HTTP edge, answered as `{"errors":[…]}`. */
export class RegistryError extends Error {
  readonly code: RegistryErrorCode;
  readonly status: number;
  readonly detail: unknown;
  /** Extra response headers (e.g. the real `Range` of an upload on a 416). */
  readonly headers: Record<string, string>;

  constructor(
    code: RegistryErrorCode,
    message?: string,
    options: { detail?: unknown; status?: number; headers?: Record<string, string> } = {},
  ) {
    super(message ?? ERROR_CODES[code].message);
    this.name = 'RegistryError';
    this.code = code;
    this.status = options.status ?? ERROR_CODES[code].status;
    this.detail = options.detail;
    this.headers = options.headers ?? {};
  }

  /** The spec's JSON error body. */
  toBody(): string {
    return JSON.stringify({
      errors: [{ code: this.code, message: this.message, detail: this.detail ?? null }],
    });
  }
}

/** Shorthand used across storage and handlers: `throw registryError('BLOB_UNKNOWN', …)`. */
export function registryError(
  code: RegistryErrorCode,
  message?: string,
  options?: { detail?: unknown; status?: number; headers?: Record<string, string> },
): RegistryError {
  return new RegistryError(code, message, options);
}

const STORAGE_FAILURES: Record<string, { status: number; what: string }> = {
  ENOSPC: { status: 507, what: 'the disk is full' },
  EDQUOT: { status: 507, what: 'the disk quota is exceeded' },
  EACCES: { status: 500, what: 'permission denied on the storage folder' },
  EPERM: { status: 500, what: 'operation not permitted on the storage folder' },
  EROFS: { status: 500, what: 'the storage folder is read-only' },
  EIO: { status: 500, what: 'an I/O error occurred in the storage folder' },
  EMFILE: { status: 503, what: 'too many open files' },
  ENFILE: { status: 503, what: 'too many open files' },
  ENOTDIR: { status: 500, what: 'the storage folder is damaged (a file where a folder should be)' },
  EISDIR: { status: 500, what: 'the storage folder is damaged (a folder where a file should be)' },
};

/**
 * Turns any failure into a `RegistryError`. System errors (disk full, permission denied …) become a
 * clean 5xx with a sentence a person can act on; `logLine` is what the server prints to stderr.
 */
export function toRegistryError(error: unknown): {
  error: RegistryError;
  logLine?: string;
  /** The storage failed (disk full, permission denied…): what went wrong, in words. */
  storageFailure?: string;
} {
  if (error instanceof RegistryError) return { error };
  const systemCode = (error as NodeJS.ErrnoException | undefined)?.code;
  const failure = systemCode ? STORAGE_FAILURES[systemCode] : undefined;
  const text = error instanceof Error ? error.message : String(error);
  if (failure) {
    return {
      error: registryError('UNKNOWN', `storage failure: ${failure.what}`, {
        status: failure.status,
        detail: { cause: systemCode },
      }),
      logLine: `storage failure (${systemCode}): ${failure.what}: ${text}`,
      storageFailure: failure.what,
    };
  }
  return {
    error: registryError('UNKNOWN', 'internal error'),
    logLine: `internal error: ${error instanceof Error ? (error.stack ?? text) : text}`,
  };
}
