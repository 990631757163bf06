/**
 * The small pieces of a registry session that need none of its state: who a login is (without its
 * secret), a token endpoint's answer, a body read whole within a limit, and the marker a request's own
 * timeout aborts it with.
 */
import { createHash } from 'node:crypto';
import type { DockerAuthConfig } from '../docker/registry-auth';
import { AppError } from '../api/app-error';

/** A whole answer (a manifest, a list) is never larger than this. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** The reason a request's own timeout aborts it with (told apart from the caller's cancel). */
export class TimeoutMarker extends Error {
  constructor() {
    super('timed out');
    this.name = 'TimeoutError';
  }
}

export function isTimeout(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth += 1) {
    if (current instanceof TimeoutMarker) return true;
    current = current.cause;
  }
  return error instanceof TimeoutMarker;
}

/** Who a login is, without keeping its secret: the user and a hash of the secret. */
export function loginIdentity(login: DockerAuthConfig | undefined): string {
  if (!login) return '';
  const secret = login.identitytoken ?? login.password ?? '';
  return `${login.username ?? ''}:${createHash('sha256').update(secret).digest('hex')}`;
}

export async function readLimited(response: Response): Promise<Buffer> {
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
