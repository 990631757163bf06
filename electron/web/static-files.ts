/** Serves the built renderer (dist/renderer) with strict security headers. */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/** The same policy as the Electron window: our own scripts and styles only, API over our own socket. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

export function securityHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}

/** Serves the file at `target`'s path under `root` (the app itself for client-side routes). */
export async function serveStatic(root: string, requestTarget: URL, response: ServerResponse): Promise<void> {
  let pathname: string;
  try {
    pathname = decodeURIComponent(requestTarget.pathname);
  } catch {
    // A stray '%' (`/%ZZ`): the client's mistake, not the host's.
    response.writeHead(400, securityHeaders()).end('Malformed path');
    return;
  }
  const relative = normalize(pathname === '/' ? '/index.html' : pathname);
  const file = join(root, relative);
  if (!file.startsWith(root + sep)) {
    response.writeHead(404, securityHeaders()).end();
    return;
  }
  let target = file;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new Error('not a file');
  } catch {
    // Client-side routes fall back to the app itself; missing assets are 404.
    if (extname(relative)) {
      response.writeHead(404, securityHeaders()).end('Not found');
      return;
    }
    target = join(root, 'index.html');
  }
  const type = contentTypes[extname(target)] ?? 'application/octet-stream';
  const immutable = target.includes(`${sep}assets${sep}`);
  response.writeHead(200, {
    ...securityHeaders(),
    'Content-Type': type,
    'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  createReadStream(target).pipe(response);
}
