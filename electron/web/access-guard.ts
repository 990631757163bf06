/**
 * Who may talk to the browser host. The host binds 127.0.0.1, but any web page the user visits can
 * still aim requests at it, so: the Host header must name this host and port (against DNS
 * rebinding), a WebSocket's Origin must be this host's own, and every request needs the token printed
 * at start-up — in the URL once, then in an HttpOnly, SameSite=Strict cookie.
 *
 * Browsers keep cookies per host name, not per port: every server on 127.0.0.1 shares one cookie
 * jar. So the cookie is named after this host's port (two Berth hosts don't overwrite each other's),
 * and every cookie of that name is tried, not just the first: a page on another 127.0.0.1 port can
 * plant a cookie of the same name, which must not lock the user out. (What stays true of any cookie
 * here: the browser also sends it to other servers on 127.0.0.1 — see the README.)
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The token cookie's name for the host on `port`. */
export function tokenCookieName(port: number): string {
  return `berth_token_${port}`;
}

export type Verdict =
  | { allowed: true; viaQuery: boolean; target: URL }
  | { allowed: false; status: 400 | 401 | 403; reason: string };

/**
 * A request's target as a URL (path and query), or undefined when it is not a path: an
 * absolute-form or `*` target, or one the URL parser refuses. Parsed against a fixed origin with
 * the target appended, so `//[` is the path `//[`, never a host: no request can make this throw.
 */
export function parseRequestTarget(target: string | undefined): URL | undefined {
  if (!target?.startsWith('/')) return undefined;
  try {
    return new URL(`http://berth.invalid${target}`);
  } catch {
    return undefined;
  }
}

export class AccessGuard {
  private readonly allowedHosts: Set<string>;
  private readonly allowedOrigins: Set<string>;
  private readonly cookieName: string;

  constructor(
    private readonly token: string,
    port: number,
  ) {
    this.cookieName = tokenCookieName(port);
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
    const target = parseRequestTarget(request.url);
    if (!target) return { allowed: false, status: 400, reason: 'The request’s path is malformed.' };
    const queryToken = target.searchParams.get('token');
    if (queryToken !== null && this.matches(queryToken)) return { allowed: true, viaQuery: true, target };
    const cookieTokens = readCookies(request.headers.cookie, this.cookieName);
    if (cookieTokens.some((candidate) => this.matches(candidate)))
      return { allowed: true, viaQuery: false, target };
    return {
      allowed: false,
      status: 401,
      reason: 'This Berth host needs its token: open the URL printed when it started.',
    };
  }

  cookieHeader(): string {
    return `${this.cookieName}=${this.token}; HttpOnly; SameSite=Strict; Path=/`;
  }

  private matches(candidate: string): boolean {
    const given = Buffer.from(candidate);
    const expected = Buffer.from(this.token);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}

/** Every value of cookie `name` in a Cookie header (a browser sends one per path/origin it was set for). */
function readCookies(header: string | undefined, name: string): string[] {
  if (!header) return [];
  const values: string[] = [];
  for (const part of header.split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) values.push(value.join('='));
  }
  return values;
}
