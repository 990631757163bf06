/**
 * What the supervisor needs from the registry process, whichever way it was started. In Node (the
 * browser host, tests, benchmarks) that is `child_process.fork`; in Electron, `utilityProcess.fork`.
 * Both are adapted to this small interface by the host, so the supervisor never imports Electron.
 */
import type { HostToRegistryMessage } from '../messages';

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

/**
 * Node flags for the registry process where the host forks it with Node (the browser host, tests,
 * benchmarks, `npm run registry`). V8's young generation grows to 2 × 16 MiB by default, and under
 * a push's steady stream of short-lived request objects it does, all of it resident: 28 MB of the
 * registry's ~145 MB peak. A 1 MiB semi-space took the peak to 125–145 MB in the same workload with
 * no measurable change in CPU time or throughput (the registry's bytes live in Buffers, outside the
 * V8 heap, so the extra scavenges are short). Electron's utility process is left on its defaults.
 */
export const REGISTRY_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=1'];
