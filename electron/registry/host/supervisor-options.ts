/**
 * What the registry supervisor is built from: the settings it reads, where it logs, its time limits,
 * and the dependencies a host passes in (see supervisor.ts).
 */
import type { EventBus } from '../../api/event-bus';
import { DEFAULT_BACKOFF, type BackoffOptions } from './supervisor-backoff';
import type { RegistrySpawner } from './supervisor-child';

/** The settings the registry starts with, read afresh at every start the user asks for. */
export interface RegistrySettings {
  port: number;
  /** Already resolved (the settings' null default becomes `<userData>/registry` in the host). */
  dataDir: string;
  /** false: bind 127.0.0.1 only; true: 0.0.0.0. */
  exposeOnNetwork: boolean;
}

/** Where the supervisor reports what happened; the host's logger fits. */
export interface RegistryLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Time limits; the defaults suit the app, tests shorten some of them. */
export interface SupervisorTimings {
  /** Spawn to `ready`. */
  readyTimeoutMs: number;
  /** After the `shutdown` message, before SIGTERM. */
  shutdownGraceMs: number;
  /** After SIGTERM, before SIGKILL. */
  terminateGraceMs: number;
  /** For quick requests (repositories, deleteTag, stats). */
  requestTimeoutMs: number;
  /** Garbage collection walks every manifest and blob, so it gets far longer. */
  gcTimeoutMs: number;
  backoff: BackoffOptions;
}

export const DEFAULT_TIMINGS: SupervisorTimings = {
  readyTimeoutMs: 15_000,
  shutdownGraceMs: 5_000,
  terminateGraceMs: 3_000,
  requestTimeoutMs: 30_000,
  gcTimeoutMs: 30 * 60_000,
  backoff: DEFAULT_BACKOFF,
};

/** Everything a RegistrySupervisor needs, passed in by the host's composition root. */
export interface RegistrySupervisorDependencies {
  spawnRegistry: RegistrySpawner;
  readSettings: () => RegistrySettings;
  events: EventBus;
  logger: RegistryLogger;
  timings?: Partial<SupervisorTimings>;
  /** Where the activity feed is kept between runs of the app (JSON lines); in memory only without. */
  activityFile?: string;
}
