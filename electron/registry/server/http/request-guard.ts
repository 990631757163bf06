/**
 * Who may talk to the registry. Binding to 127.0.0.1 keeps other machines out, but not web pages in
 * the user's own browser: any page can send "simple" requests to 127.0.0.1:5000 (a POST that
 * stores a blob needs no CORS preflight), and a page whose DNS name is re-bound to 127.0.0.1 can
 * read the answers too. So:
 * - a request a browser made for a page (it carries `Origin`, or `Sec-Fetch-Site` other than `none`,
 *   which is a URL the user typed) is refused: docker, podman, skopeo and containerd send neither;
 * - while the registry listens on loopback only, the `Host` header must name this computer
 *   (127.0.0.1, localhost, [::1], or Docker Desktop's host.docker.internal) with the registry's port:
 *   a re-bound name (evil.example:5000) is refused.
 */
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/** Names a client on this computer uses for it; a re-bound attacker's name is none of them. */
const LOCAL_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]', 'host.docker.internal']);

/** True for an address only this computer can reach (the registry's default). */
export function isLoopbackAddress(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return bare === '::1';
}

/** Why this request is refused, or undefined to serve it. */
export function refusalReason(
  req: IncomingMessage,
  options: { loopbackOnly: boolean; port: number },
): string | undefined {
  if (req.headers.origin !== undefined)
    return 'requests from web pages are refused (the request carries an Origin header)';
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'none')
    return `requests from web pages are refused (Sec-Fetch-Site: ${String(site).slice(0, 20)})`;
  if (!options.loopbackOnly) return undefined;
  const host = (req.headers.host ?? '').toLowerCase();
  const match = /^(\[[0-9a-f:.]+\]|[^:]+)(?::(\d+))?$/.exec(host);
  const port = match?.[2] === undefined ? 80 : Number(match[2]);
  if (!match || !LOCAL_NAMES.has(match[1]!) || port !== options.port)
    return `this registry only answers to this computer's own names (Host: ${host.slice(0, 80) || 'none'})`;
  return undefined;
}
