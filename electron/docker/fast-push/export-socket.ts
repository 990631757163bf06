/**
 * Reading `docker save`'s export straight off the daemon's socket, for the fast local push.
 *
 * Why not dockerode's stream: the export is the whole image (hundreds of MiB), and the usual way of
 * reading it — node:http's response, each socket read a fresh 64 KiB buffer, copied again by the
 * HTTP parser, then 'data' events through two streams — cost the host 690–980 ms of CPU for the
 * 349 MiB image of `bench:fastpush` while the daemon and the registry needed the same two cores.
 * Here the socket reads straight into 1 MiB blocks (`onread`, each read into the unused rest of the
 * current block, so nothing read is ever overwritten), http-parser-js splits the response (chunked or
 * not) into views of those bytes, and the tar reader gets the views: no copy in user space at all.
 * 93–107 ms of CPU for the same export read into one reused buffer; 133–165 ms when each piece was
 * then copied out (bench/fastpush-profile.ts and a read-only A/B).
 *
 * Only for a daemon reached through a local socket (a Unix socket, or a named pipe on Windows);
 * `openExport` uses dockerode's request for any other (TCP, TLS, SSH).
 */
import { connect, type Socket } from 'node:net';
import { Readable } from 'node:stream';
import { HTTPParser } from 'http-parser-js';

/** Size of the one buffer every socket read lands in. */
const READ_BUFFER = 1024 * 1024;
/** A new block is taken when the current one has less than this left (a read is ~32–64 KiB). */
const MIN_READ = 64 * 1024;
/** Most of an error answer kept (the daemon's JSON message). */
const ERROR_BODY_LIMIT = 64 * 1024;

/** A daemon's HTTP error answer, shaped as dockerode's (statusCode, json), so diagnose.ts reads it the same. */
export class DaemonAnswerError extends Error {
  constructor(
    readonly statusCode: number,
    readonly json: unknown,
    message: string,
  ) {
    super(message);
    this.name = 'DaemonAnswerError';
  }
}

export interface SocketExportOptions {
  /** The daemon's socket (`/var/run/docker.sock`, `//./pipe/docker_engine`). */
  socketPath: string;
  /** The request path, API version prefix included (`/v1.41/images/…/get`). */
  path: string;
  signal: AbortSignal;
}

/**
 * Sends `GET path` to the daemon and resolves, once it answers 200, to a stream of the body; an error
 * answer rejects with a DaemonAnswerError; a failed connection rejects with the socket's error (its
 * code kept: ENOENT, ECONNREFUSED, EACCES). The stream fails with a code ECONNRESET error when the
 * daemon goes away before the body's end, and the signal (or destroying the stream) closes the socket.
 */
export function openSocketExport(options: SocketExportOptions): Promise<Readable> {
  return new Promise<Readable>((resolve, reject) => {
    // Assigned once the callbacks that use it exist (an abort before that has no socket to close).
    // eslint-disable-next-line prefer-const
    let socket: Socket | undefined;
    let settled = false;
    let errorBody: Buffer[] | undefined;
    let errorBytes = 0;
    let status = 0;
    let complete = false;
    const body = new Readable({
      highWaterMark: READ_BUFFER,
      read: () => socket?.resume(),
      destroy: (error, callback) => {
        socket?.destroy();
        options.signal.removeEventListener('abort', onAbort);
        callback(error);
      },
    });
    // Its reader may be awaiting something else when the daemon goes away (the fast push asks the
    // registry what it holds first): the failure stays in `body.errored` for it, and is not an
    // 'error' nobody hears, which would throw out of the process.
    body.on('error', () => undefined);
    /** True once the body was handed out: its reader hears failures from then on. */
    let handedOut = false;
    const fail = (error: Error) => {
      if (handedOut) return void body.destroy(error);
      // Before that, the first failure rejects; the socket's later 'close' has nobody to tell (and
      // an 'error' on a body nobody listens to would throw out of the process).
      if (settled) return;
      settled = true;
      socket?.destroy();
      options.signal.removeEventListener('abort', onAbort);
      reject(error);
    };
    function onAbort(): void {
      fail(Object.assign(new Error('The export was cancelled.'), { name: 'AbortError' }));
    }
    if (options.signal.aborted) return onAbort();
    options.signal.addEventListener('abort', onAbort);

    const parser = new HTTPParser(HTTPParser.RESPONSE);
    parser[HTTPParser.kOnHeadersComplete] = (info) => {
      status = info.statusCode;
      if (status === 200) {
        settled = true;
        handedOut = true;
        resolve(body);
      } else errorBody = [];
    };
    let paused = false;
    parser[HTTPParser.kOnBody] = (chunk, offset, length) => {
      if (errorBody) {
        if (errorBytes < ERROR_BODY_LIMIT) errorBody.push(chunk.subarray(offset, offset + length));
        errorBytes += length;
        return;
      }
      // A view of the block the socket read into: later reads go to the block's unused rest.
      if (!body.push(chunk.subarray(offset, offset + length))) paused = true;
    };
    parser[HTTPParser.kOnMessageComplete] = () => {
      complete = true;
      if (errorBody) return fail(answerError(status, Buffer.concat(errorBody)));
      body.push(null);
      socket?.end();
    };

    let block = Buffer.allocUnsafeSlow(READ_BUFFER);
    let used = 0;
    /** Where the next read goes (Node asks before each read): the current block's unused rest. */
    const nextReadBuffer = (): Buffer => {
      if (READ_BUFFER - used < MIN_READ) {
        block = Buffer.allocUnsafeSlow(READ_BUFFER);
        used = 0;
      }
      return block.subarray(used);
    };
    const onRead = (bytes: number, buffer: Buffer): boolean => {
      used += bytes;
      paused = false;
      const parsed = parser.execute(buffer, 0, bytes);
      // The answer is whole. (Back at a status line after it, http-parser-js counts the whole read as
      // header bytes: a last read over 80 KiB would "exceed the header size" of an answer that ended.)
      if (complete) return false;
      if (parsed instanceof Error) {
        fail(
          Object.assign(new Error(`Docker's answer could not be read: ${parsed.message}`), {
            code: 'EPROTO',
          }),
        );
        return false;
      }
      // The tar reader is behind: stop reading until it asks for more (back-pressure to the daemon).
      return !paused;
    };
    socket = connect({
      path: options.socketPath,
      onread: { buffer: nextReadBuffer, callback: onRead },
    });
    socket.setNoDelay?.(true);
    socket.on('connect', () => {
      socket?.write(
        `GET ${options.path} HTTP/1.1\r\nHost: docker\r\nUser-Agent: Berth\r\nConnection: close\r\n\r\n`,
      );
    });
    socket.on('error', (error) => fail(error));
    socket.on('end', () => {
      if (complete) return;
      // A body without a length ends with the connection; any other ending here is the daemon leaving.
      const finished = parser.finish();
      if (!complete || finished instanceof Error)
        fail(
          Object.assign(new Error('the daemon closed the connection before the end of the export'), {
            code: 'ECONNRESET',
          }),
        );
    });
    socket.on('close', () => {
      if (!complete)
        fail(
          Object.assign(new Error('the daemon closed the connection before the end of the export'), {
            code: 'ECONNRESET',
          }),
        );
    });
  });
}

/** The daemon's error answer: its JSON `message` when it has one. */
function answerError(status: number, body: Buffer): DaemonAnswerError {
  const text = body.toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const message = (json as { message?: unknown } | undefined)?.message;
  return new DaemonAnswerError(
    status,
    json,
    `(HTTP code ${status}) ${typeof message === 'string' ? message : text.slice(0, 300) || 'no message'}`,
  );
}
