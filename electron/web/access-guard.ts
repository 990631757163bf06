/**
 * Who may talk to the browser host. The host binds 127.0.0.1, but any web page the user visits can
 * still aim requests at it, so: the Host header must name this host and port (against DNS
 * rebinding), a WebSocket's Origin must be this host's own, and every request needs the token printed
 * at start-up — in the URL once, then in an HttpOnly, SameSite=Strict cookie.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const TOKEN_COOKIE = 'berth_token';

export type Verdict =
  { allowed: true; viaQuery: boolean } | { allowed: false; status: 401 | 403; reason: string };

export class AccessGuard {
  private readonly allowedHosts: Set<string>;
  private readonly allowedOrigins: Set<string>;

  constructor(
    private readonly token: string,
    port: number,
  ) {
    this.allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
    this.allowedOrigins = new Set([...this.allowedHosts].map((host) => `http://${host}`));
  }

  check(request: IncomingMessage, kind: 'page' | 'websocket'): Verdict {
    const host = request.headers.host?.toLowerCase();
    if (!host || !this.allowedHosts.has(host)) {
      return {
        allowed: false,
        status: 403,
        reason: `Host ${JSON.stringify(host ?? '')} is not this Berth host.`,
      };
    }
    const origin = request.headers.origin;
    if (kind === 'websocket' && (origin === undefined || !this.allowedOrigins.has(origin.toLowerCase()))) {
      return {
        allowed: false,
        status: 403,
        reason: `Origin ${JSON.stringify(origin ?? '')} may not use the Berth API.`,
      };
    }
    // A page from another origin must not be able to drive the API through plain requests either.
    if (origin !== undefined && !this.allowedOrigins.has(origin.toLowerCase())) {
      return { allowed: false, status: 403, reason: 'Cross-origin requests are refused.' };
    }
    const queryToken = new URL(request.url ?? '/', 'http://localhost').searchParams.get('token');
    if (queryToken !== null && this.matches(queryToken)) return { allowed: true, viaQuery: true };
    const cookieToken = readCookie(request.headers.cookie, TOKEN_COOKIE);
    if (cookieToken !== undefined && this.matches(cookieToken)) return { allowed: true, viaQuery: false };
    return {
      allowed: false,
      status: 401,
      reason: 'This Berth host needs its token: open the URL printed when it started.',
    };
  }

  cookieHeader(): string {
    return `${TOKEN_COOKIE}=${this.token}; HttpOnly; SameSite=Strict; Path=/`;
  }

  private matches(candidate: string): boolean {
    const given = Buffer.from(candidate);
    const expected = Buffer.from(this.token);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}
