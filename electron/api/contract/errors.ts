/**
 * Errors cross the process boundary as values. Every failure the UI can show has a code, a message a
 * person can act on, an optional hint, an optional fix action the UI turns into a button, and the raw
 * cause (Docker's or the registry's own words) kept for display.
 */
import { z } from 'zod';

export const errorCodes = [
  'INVALID_INPUT',
  'UNKNOWN_COMMAND',
  'PAYLOAD_TOO_LARGE',
  'INTERNAL',
  'CANCELLED',
  'NOT_FOUND',
  'CONFLICT',
  'DOCKER_UNAVAILABLE',
  'DOCKER_STOPPED',
  'INSECURE_REGISTRY',
  'TLS_UNKNOWN_AUTHORITY',
  'UNAUTHORIZED',
  'REPOSITORY_NOT_FOUND',
  'MANIFEST_UNKNOWN',
  'NAME_INVALID',
  'NO_SPACE',
  'REGISTRY_UNREACHABLE',
  'UPLOAD_CUT_OFF',
  'PORT_IN_USE',
  'REGISTRY_NOT_RUNNING',
  'DAEMON_CONFIG_INVALID',
  'DAEMON_CONFIG_CHANGED',
  'DAEMON_CONFIG_NOT_WRITABLE',
  'ELEVATION_REFUSED',
  'VERIFY_FAILED',
  'DOCKER_CONFIG_INVALID',
  'CREDENTIAL_HELPER_MISSING',
  'CREDENTIAL_HELPER_FAILED',
  // Browsing other registries (issue 20).
  'FORBIDDEN',
  'RATE_LIMITED',
  'TIMEOUT',
  'DELETE_NOT_ALLOWED',
  // Copying between registries (issue 21): a source blob whose bytes don't match its digest.
  'DIGEST_MISMATCH',
] as const;
export const errorCodeSchema = z.enum(errorCodes);
export type ErrorCode = z.infer<typeof errorCodeSchema>;

/** What the UI can offer as a one-click fix next to an error. */
export const fixActionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('retry') }),
  z.object({ kind: z.literal('addInsecureRegistry'), host: z.string() }),
  z.object({ kind: z.literal('login'), registry: z.string() }),
  z.object({ kind: z.literal('useNextFreePort'), port: z.number().int() }),
  z.object({ kind: z.literal('openDaemonConfig') }),
  z.object({ kind: z.literal('showCertsHelp'), host: z.string(), certsDir: z.string() }),
  z.object({ kind: z.literal('startRegistry') }),
  /** The image is named for the local registry's old port: tag it `target` (its new address) and push that. */
  z.object({ kind: z.literal('retagForLocalRegistry'), source: z.string(), target: z.string() }),
]);
export type FixAction = z.infer<typeof fixActionSchema>;

export const appErrorSchema = z.object({
  code: errorCodeSchema,
  message: z.string(),
  hint: z.string().optional(),
  fix: fixActionSchema.optional(),
  raw: z.string().optional(),
  /** For INVALID_INPUT: which field, and why. */
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type AppErrorData = z.infer<typeof appErrorSchema>;
