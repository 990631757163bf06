/**
 * The standalone registry's access log: one line per request, written when the response closes.
 * `GET /v2/team/app/blobs/sha256:… 200 1048826 B 12 ms`: method, path, status, bytes written to the
 * connection for this response (headers included), and the time from the request's arrival to the
 * response's end. The query string and the headers are never logged (a client's Authorization, or a
 * token some client puts in a query, must not land in a log file).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Paths longer than this are cut (a repository name alone may be 255 characters). */
const PATH_LIMIT = 300;

/** Writes one access-log line. */
export type AccessLogSink = (line: string) => void;

/** What a request's log line needs from its start. */
export interface AccessLogStart {
  at: number;
  /** The connection's `bytesWritten` before this response. */
  bytesBefore: number;
}

/** Notes the moment a request arrives (two numbers: the hot path stays cheap). */
export function accessLogStart(req: IncomingMessage): AccessLogStart {
  return { at: Date.now(), bytesBefore: req.socket.bytesWritten };
}

/**
 * The line for a finished (or abandoned) response. A client that left before the answer shows
 * `-` as its status; one that left during it is marked `(client left)`.
 */
export function accessLogLine(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  start: AccessLogStart,
): string {
  const shown = path.length > PATH_LIMIT ? `${path.slice(0, PATH_LIMIT)}…` : path;
  // The HTTP parser refuses control characters in a URL; this keeps any other odd byte out of the
  // log's single line too.
  const safe = shown.replace(/[^\x21-\x7e…]/g, '?');
  const status = res.headersSent ? String(res.statusCode) : '-';
  const bytes = Math.max(0, req.socket.bytesWritten - start.bytesBefore);
  const left = res.writableFinished ? '' : ' (client left)';
  return `${req.method ?? '-'} ${safe} ${status} ${bytes} B ${Date.now() - start.at} ms${left}`;
}
