/**
 * What the supervisor needs from the registry process, whichever way it was started. In Node (the
 * browser host, tests, benchmarks) that is `child_process.fork`; in Electron, `utilityProcess.fork`.
 * Both are adapted to this small interface by the host, so the supervisor never imports Electron.
 */
import type { HostToRegistryMessage } from './messages';

/** A running registry process. */
export interface RegistryChild {
  /** The OS process id, when known (used for logs and by tests that kill it). */
  readonly pid: number | undefined;
  /** Sends one message; a closed channel is not an error here (the `exit` listener reports that). */
  send(message: HostToRegistryMessage): void;
  on(event: 'message', listener: (message: unknown) => void): void;
  /** Called exactly once, also when the process could not be started at all. */
  on(event: 'exit', listener: (code: number | null, signal: string | null) => void): void;
  kill(signal: 'SIGTERM' | 'SIGKILL'): void;
}

/** Command-line arguments of the registry process, as `npm run registry` takes them. */
export interface RegistryLaunch {
  port: number;
  host: string;
  dataDir: string;
}

/** Starts one registry process. */
export type RegistrySpawner = (launch: RegistryLaunch) => RegistryChild;

/** The argument list for the registry process entry. */
export function registryArguments(launch: RegistryLaunch): string[] {
  return ['--port', String(launch.port), '--host', launch.host, '--data', launch.dataDir];
}
