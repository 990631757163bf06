/**
 * `DOCKER_AUTH_CONFIG`: logins handed to the CLI in an environment variable, as
 * `{"auths": {"<key>": {"auth": "<base64 user:token>"}}}` and nothing else. The CLI looks there first,
 * by exact key, and never writes to it; Berth does the same. A value the CLI would refuse (other
 * fields, an entry without `auth`) is ignored as a whole, as the CLI ignores it.
 */
import { AppError } from '../api/app-error';
import { decodeAuth } from './config-file';

export interface EnvironmentLogin {
  username: string;
  password: string;
}

export type EnvironmentConfig =
  | { kind: 'unset' }
  | { kind: 'set'; logins: Map<string, EnvironmentLogin> }
  | { kind: 'invalid'; problem: AppError };

export function readEnvironmentConfig(value: string | undefined): EnvironmentConfig {
  if (value === undefined || value.trim() === '') return { kind: 'unset' };
  const invalid = (why: string): EnvironmentConfig => ({
    kind: 'invalid',
    problem: new AppError('DOCKER_CONFIG_INVALID', `DOCKER_AUTH_CONFIG is set but can't be used: ${why}.`, {
      hint: 'It must be {"auths": {"registry": {"auth": "<base64 of user:token>"}}}; Docker ignores it too until it is.',
    }),
  });
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    // Not the parser's message: it may quote the value, which holds the secrets.
    return invalid('it is not valid JSON');
  }
  if (!isRecord(parsed)) return invalid('it is not a JSON object');
  if (Object.keys(parsed).some((key) => key !== 'auths')) return invalid('it has fields other than "auths"');
  const logins = new Map<string, EnvironmentLogin>();
  const auths = parsed.auths ?? {};
  if (!isRecord(auths)) return invalid('"auths" is not an object');
  for (const [key, entry] of Object.entries(auths)) {
    if (!isRecord(entry) || Object.keys(entry).some((field) => field !== 'auth'))
      return invalid(`the entry for ${key} has fields other than "auth"`);
    if (typeof entry.auth !== 'string' || entry.auth === '')
      return invalid(`the entry for ${key} has no "auth"`);
    const decoded = decodeAuth(entry.auth);
    if (!decoded) return invalid(`the "auth" of ${key} is not base64 of user:token`);
    logins.set(key, decoded);
  }
  return { kind: 'set', logins };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
