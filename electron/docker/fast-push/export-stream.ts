/**
 * The stream side of the fast local push: opening `docker save`'s export, reading its entries,
 * counting bytes as they pass, and the errors a broken export turns into.
 */
import { Transform, Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type Dockerode from 'dockerode';
import { openSocketExport } from './export-socket';

/**
 * Opens the export as a stream; the signal closes it (which stops the daemon's export too). A daemon
 * on a local socket is read through ./export-socket.ts (a sixth of the CPU); any other through dockerode.
 */
export async function openExport(docker: Dockerode, image: string, signal: AbortSignal): Promise<Readable> {
  const target = await socketExportTarget(docker, image);
  if (target) {
    try {
      return await openSocketExport({ ...target, signal });
    } catch (error) {
      throw signal.aborted ? abortError() : error;
    }
  }
  const path = `/images/${encodeURIComponent(image)}/get`;
  return new Promise<Readable>((resolve, reject) => {
    docker.modem.dial(
      {
        path: `${path}?`,
        method: 'GET',
        isStream: true,
        abortSignal: signal,
        statusCodes: { 200: true, 404: 'no such image', 500: 'server error' },
        options: {},
      },
      (error: unknown, stream: unknown) => {
        if (error) reject(signal.aborted ? abortError() : toError(error));
        else resolve(stream as Readable);
      },
    );
  });
}

/**
 * Where the export of `image` is read when the daemon is on a local socket (a Unix socket, or a named
 * pipe): the socket and the request path (with the API version dockerode was given); else undefined.
 */
export async function socketExportTarget(
  docker: Dockerode,
  image: string,
): Promise<{ socketPath: string; path: string } | undefined> {
  const modem = docker.modem as Dockerode['modem'] & {
    socketPath?: unknown;
    getSocketPath?: () => Promise<string | undefined>;
    version?: string;
    protocol?: string;
  };
  if (!modem.socketPath || !modem.getSocketPath || modem.protocol === 'ssh') return undefined;
  const socketPath = await modem.getSocketPath();
  if (!socketPath) return undefined;
  const path = `/images/${encodeURIComponent(image)}/get`;
  return { socketPath, path: modem.version ? `/${modem.version}${path}` : path };
}

export function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

export function abortError(): Error {
  return Object.assign(new Error('The push was cancelled.'), { name: 'AbortError' });
}

/**
 * The export broke off or was not what it should be. A socket-level failure keeps its code, so the
 * transfer service can tell "Docker went away" (it checks whether the daemon still answers).
 */
export function exportError(error: unknown): Error {
  const failure = error as { code?: string; message?: string; statusCode?: number } | undefined;
  // The daemon's own HTTP answer (no such image…) is diagnosed as any daemon error.
  if (failure?.statusCode !== undefined) return toError(error);
  const message = failure?.message ?? String(error);
  const code = failure?.code && failure.code !== 'ERR_STREAM_PREMATURE_CLOSE' ? failure.code : 'ECONNRESET';
  return Object.assign(new Error(`Docker's export stopped before its end (${message})`), { code });
}

/**
 * A pass-through that counts bytes and reports them (at the start, every 256 KiB and at `size`), and
 * shows each chunk to `see` (a hash) on the way.
 */
export function byteCounter(
  reportRead: (read: number) => void,
  size: number,
  see?: (chunk: Buffer) => void,
): Transform & { bytes: number } {
  let lastReport = 0;
  reportRead(0);
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      see?.(chunk);
      counter.bytes += chunk.length;
      if (counter.bytes - lastReport >= 256 * 1024 || counter.bytes === size) {
        lastReport = counter.bytes;
        reportRead(counter.bytes);
      }
      callback(null, chunk);
    },
  }) as Transform & { bytes: number };
  counter.bytes = 0;
  return counter;
}

export async function readAll(body: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += (chunk as Buffer).length;
    if (total > limit) throw new Error(`an entry of the export is larger than ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function drain(body: Readable): Promise<void> {
  await pipeline(body, new Writable({ write: (_chunk, _encoding, callback) => callback() }));
}
