/**
 * Starts the bundled registry process (`dist/node/registry-process.cjs`) with `child_process.fork`, for
 * the browser host, tests and benchmarks. Electron's host builds its own spawner on `utilityProcess`.
 */
import { fork } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import {
  REGISTRY_NODE_FLAGS,
  registryArguments,
  type RegistryChild,
  type RegistrySpawner,
} from './supervisor-child';
import type { HostToRegistryMessage } from '../messages';

type MessageListener = (message: unknown) => void;
type ExitListener = (code: number | null, signal: string | null) => void;

/** Where the registry's own stdout/stderr lines go (they are log lines, never protocol). */
export type OutputSink = (line: string, stream: 'stdout' | 'stderr') => void;

/** A spawner that forks `entryPath` (a bundled `.cjs`) with a JSON IPC channel. */
export function createNodeRegistrySpawner(entryPath: string, output?: OutputSink): RegistrySpawner {
  return (launch) => {
    const child = fork(entryPath, registryArguments(launch), {
      serialization: 'json',
      // fork would pass on the host's own Node flags (a TypeScript loader under tsx/vitest, --inspect's
      // port); the registry is a plain bundle and needs none of them, only its own.
      execArgv: [...REGISTRY_NODE_FLAGS],
      // Piped rather than inherited so the host decides where the registry's log lines end up.
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    forwardLines(child.stdout, 'stdout', output);
    forwardLines(child.stderr, 'stderr', output);

    const exitListeners: ExitListener[] = [];
    let exited = false;
    const reportExit = (code: number | null, signal: string | null): void => {
      if (exited) return;
      exited = true;
      for (const listener of exitListeners) listener(code, signal);
    };
    child.on('exit', reportExit);
    // A failed fork emits 'error' and maybe never 'exit'; the supervisor must still hear about it.
    child.on('error', (error) => {
      output?.(`registry process error: ${error.message}`, 'stderr');
      if (child.exitCode === null && child.signalCode === null && child.pid === undefined)
        reportExit(null, null);
    });

    const handle: RegistryChild = {
      get pid() {
        return child.pid;
      },
      send(message: HostToRegistryMessage) {
        if (!child.connected) return;
        // The callback swallows ERR_IPC_CHANNEL_CLOSED when the child dies between the check and the write.
        child.send(message, (error) => {
          if (error) output?.(`could not send ${message.type} to the registry: ${error.message}`, 'stderr');
        });
      },
      on(event: 'message' | 'exit', listener: MessageListener | ExitListener) {
        if (event === 'message') child.on('message', listener as MessageListener);
        else exitListeners.push(listener);
      },
      kill(signal) {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      },
    };
    return handle;
  };
}

function forwardLines(
  stream: Readable | null,
  name: 'stdout' | 'stderr',
  output: OutputSink | undefined,
): void {
  if (!stream) return;
  if (!output) {
    // Still drained: a full pipe would block the registry on its next log line.
    stream.resume();
    return;
  }
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => output(line, name));
}
