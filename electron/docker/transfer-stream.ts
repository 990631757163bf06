/**
 * Opens one push or pull on the daemon and reads its JSON progress stream, message by message. The
 * AbortSignal goes to dockerode (docker-modem hands it to http.request), so aborting closes the HTTP
 * request to the daemon, which cancels the daemon's own push or pull (its request context ends).
 */
import type Dockerode from 'dockerode';
import { StringDecoder } from 'node:string_decoder';
import type { TransferKind } from '../api/contract/transfers';
import type { DaemonMessage } from './progress-model';
import type { ImageReference } from '../common/reference';
import type { DockerAuthConfig } from './registry-auth';

/** Start the daemon's push (`POST /images/{name}/push`) or pull (`POST /images/create`). */
export async function openTransferStream(
  docker: Dockerode,
  kind: TransferKind,
  ref: ImageReference,
  auth: DockerAuthConfig | undefined,
  signal: AbortSignal,
): Promise<NodeJS.ReadableStream> {
  // Old daemons refuse a push without X-Registry-Auth; `{}` is what the docker CLI sends when anonymous.
  const authconfig = auth ?? {};
  if (kind === 'push') {
    const stream: unknown = await docker
      .getImage(ref.name)
      .push({ tag: ref.tag ?? 'latest', abortSignal: signal }, undefined, authconfig);
    return stream as NodeJS.ReadableStream;
  }
  const stream: unknown = await docker.createImage(authconfig, {
    fromImage: ref.name,
    tag: ref.digest ?? ref.tag ?? 'latest',
    abortSignal: signal,
  });
  return stream as NodeJS.ReadableStream;
}

/**
 * Feed each newline-delimited JSON message of the stream to `onMessage`; resolves when the daemon
 * ends the stream, rejects if the connection breaks (daemon gone, or aborted).
 */
export function readMessages(
  stream: NodeJS.ReadableStream,
  onMessage: (message: DaemonMessage) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    // A character split between two chunks (ü, or a CJK name) is joined, not turned into "��".
    const decoder = new StringDecoder('utf8');
    let settled = false;
    const finish = (error?: unknown) => {
      if (settled) return;
      settled = true;
      if (error === undefined) resolve();
      else reject(error instanceof Error ? error : new Error('the progress stream failed'));
    };
    const emitLine = (line: string) => {
      if (line.trim().length === 0) return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        parsed = undefined;
      }
      // Not a JSON object: keep the daemon's words as a plain status line rather than losing them.
      const message =
        parsed !== null && typeof parsed === 'object' ? (parsed as DaemonMessage) : { status: line.trim() };
      // A listener's own failure ends the transfer with it; it must not apply the message twice.
      try {
        onMessage(message);
      } catch (error) {
        finish(error);
      }
    };
    stream.on('data', (chunk: Buffer | string) => {
      buffered += typeof chunk === 'string' ? chunk : decoder.write(chunk);
      let newline = buffered.indexOf('\n');
      while (newline !== -1) {
        emitLine(buffered.slice(0, newline));
        buffered = buffered.slice(newline + 1);
        newline = buffered.indexOf('\n');
      }
    });
    stream.on('end', () => {
      emitLine(buffered + decoder.end());
      finish();
    });
    stream.on('error', (error) => finish(error));
    // A socket closed without 'end' (the daemon was killed) must not leave the transfer hanging.
    stream.on('close', () =>
      finish(settled ? undefined : Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })),
    );
  });
}
