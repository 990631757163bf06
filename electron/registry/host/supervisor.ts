/**
 * The registry supervisor: the host's one handle on the registry process. It starts the process and
 * waits for `ready`, relays `activity` and `stats` to the renderer as events, answers the UI's
 * requests through the process's IPC channel, restarts the process after a crash with back-off, and
 * stops it cleanly (ask, then SIGTERM, then SIGKILL). It never changes settings itself: a start on a
 * different port is the caller's choice to persist.
 *
 * Longer than the ~400 lines a file should keep to, on purpose: it is one state machine (stopped,
 * starting, running, stopping, crashed, with double clicks, crash restarts and stops racing each
 * other), and its transitions are only safe to change when read together. Its parts that stand alone
 * are in their own files: back-off, activity log, pending requests, start errors, the child's spawn.
 */
import { AppError } from '../../api/app-error';
import type { AppErrorData } from '../../api/contract';
import {
  REGISTRY_ACTIVITY_LIMIT,
  type RegistryState,
  type RegistryStatus,
} from '../../api/contract/registry';
import type {
  GarbageCollectionResult,
  RegistryActivity,
  RegistryStats,
  RepositorySummary,
  RegistryRequestPayload,
  RegistryRequestResult,
  RegistryRequestType,
  RegistryToHostMessage,
} from '../messages';
import { ActivityLog } from './supervisor-activity-log';
import { RestartBackoff } from './supervisor-backoff';
import type { RegistryChild, RegistryLaunch } from './supervisor-child';
import {
  DEFAULT_TIMINGS,
  type RegistrySupervisorDependencies,
  type SupervisorTimings,
} from './supervisor-options';
import { PendingRequests } from './supervisor-requests';
import { exitDescription, failedStartError, reportedStartError } from './supervisor-start-errors';

export type {
  RegistryLogger,
  RegistrySettings,
  RegistrySupervisorDependencies,
  SupervisorTimings,
} from './supervisor-options';
export { DEFAULT_TIMINGS } from './supervisor-options';

/** One registry process, from spawn to exit. */
interface Run {
  readonly child: RegistryChild;
  readonly launch: RegistryLaunch;
  readonly requests: PendingRequests;
  readonly exited: Promise<void>;
  hasExited: boolean;
  readyAt?: number;
  url?: string;
  /** The token of its `/_berth/docker-export` endpoint (never in `status()`: it must not reach the renderer). */
  dockerExportToken?: string;
  /** Set when we asked it to go, so its exit is not a crash. */
  stopRequested: boolean;
  /** Why it failed before becoming ready (an `error` message, or our timeout). */
  startFailure?: AppError;
}

export class RegistrySupervisor {
  private readonly timings: SupervisorTimings;
  private readonly activity: ActivityLog;
  private readonly backoff: RestartBackoff;
  private state: RegistryState = 'stopped';
  private run: Run | undefined;
  /** The settings of the last start the user asked for; crash restarts reuse them. */
  private launch: (RegistryLaunch & { exposeOnNetwork: boolean }) | undefined;
  private stats: RegistryStats | undefined;
  private lastError: AppErrorData | undefined;
  private restarts = 0;
  /** Whether the user wants it running: false stops crash restarts. */
  private wanted = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private starting: Promise<RegistryStatus> | undefined;
  private stopping: Promise<RegistryStatus> | undefined;

  constructor(private readonly deps: RegistrySupervisorDependencies) {
    this.timings = { ...DEFAULT_TIMINGS, ...deps.timings };
    this.backoff = new RestartBackoff(this.timings.backoff);
    this.activity = new ActivityLog(REGISTRY_ACTIVITY_LIMIT, deps.activityFile);
  }

  /** The token the fast push shows to the running registry's export endpoint, if it has one. */
  dockerExportToken(): string | undefined {
    return this.state === 'running' ? this.run?.dockerExportToken : undefined;
  }

  /** The registry as it is now. */
  status(): RegistryStatus {
    const launch = this.state === 'stopped' || !this.launch ? this.launchFromSettings() : this.launch;
    const running = this.state === 'running' ? this.run : undefined;
    return {
      state: this.state,
      url: running?.url === undefined ? undefined : localUrl(running.url),
      port: launch.port,
      host: launch.host,
      dataDir: launch.dataDir,
      exposeOnNetwork: launch.exposeOnNetwork,
      startedAt: running?.readyAt,
      stats: this.stats,
      lastError: this.lastError,
      restarts: this.restarts,
    };
  }

  /**
   * Starts the registry (on `port` instead of the configured one, when given) and answers once it
   * serves. Already running: answers at once. Port taken: throws PORT_IN_USE with the next free port
   * as the fix.
   */
  async start(options: { port?: number } = {}): Promise<RegistryStatus> {
    // Settle what is in flight first; each pass waits for a change, and the launch below starts
    // without awaiting anything in between, so two callers can never spawn two processes.
    for (;;) {
      const samePort = options.port === undefined || options.port === this.launch?.port;
      if (this.stopping) await this.stopping;
      else if (this.starting && samePort)
        return this.starting; // a double click shares one start
      else if (this.starting) await this.starting.catch(() => undefined);
      else if (this.state === 'running' && samePort) return this.status();
      // Asked for another port than the one it runs on: move it there rather than answer "running" elsewhere.
      else if (this.state === 'running') await this.stop();
      else break;
    }
    this.cancelRestart();
    this.wanted = true;
    this.restarts = 0;
    this.backoff.reset();
    const launch = this.launchFromSettings();
    if (options.port !== undefined) launch.port = options.port;
    this.launch = launch;
    this.starting = this.launchRun(launch)
      .then(() => this.status())
      .catch((error: unknown) => {
        const appError = AppError.from(error);
        this.wanted = false;
        // The user's own stop is not a failure worth showing.
        if (appError.code !== 'CANCELLED') this.lastError = appError.toData();
        this.setState('stopped');
        throw appError;
      })
      .finally(() => {
        this.starting = undefined;
      });
    return this.starting;
  }

  /**
   * Starts a running (or starting) registry again from the settings, so a changed setting (its
   * address) takes effect; a stopped one stays stopped. Answers the status either way.
   */
  async restartIfRunning(): Promise<RegistryStatus> {
    if (this.state !== 'running' && this.starting === undefined) return this.status();
    await this.stop();
    return this.start();
  }

  /** Stops the registry and answers once the process has exited. */
  async stop(): Promise<RegistryStatus> {
    this.wanted = false;
    this.cancelRestart();
    if (this.stopping) return this.stopping;
    const run = this.run;
    if (!run) {
      if (this.state !== 'stopped') this.setState('stopped');
      return this.status();
    }
    this.stopping = (async () => {
      this.setState('stopping');
      await this.terminate(run);
      this.setState('stopped');
      return this.status();
    })().finally(() => {
      this.stopping = undefined;
    });
    return this.stopping;
  }

  /** The last activities, oldest first. */
  recentActivity(): RegistryActivity[] {
    return this.activity.list();
  }

  repositories(): Promise<RepositorySummary[]> {
    return this.request('repositories', {}, this.timings.requestTimeoutMs);
  }

  /**
   * Removes a tag; answers the digest it pointed at. A tag that is not there is MANIFEST_UNKNOWN, a
   * repository that is not there REPOSITORY_NOT_FOUND.
   */
  deleteTag(repository: string, tag: string): Promise<{ digest: string }> {
    return this.request('deleteTag', { repository, tag }, this.timings.requestTimeoutMs);
  }

  /** Removes a repository with no tags left; one with tags is refused (NAME_INVALID). */
  async deleteRepository(repository: string): Promise<void> {
    await this.request('deleteRepository', { repository }, this.timings.requestTimeoutMs);
  }

  garbageCollect(dryRun: boolean): Promise<GarbageCollectionResult> {
    return this.request('gc', { dryRun }, this.timings.gcTimeoutMs);
  }

  /** Asks for fresh figures; they also arrive as a `registry.stats` event. */
  async refreshStats(): Promise<RegistryStats> {
    const stats = await this.request('stats', {}, this.timings.requestTimeoutMs);
    this.updateStats(stats);
    return stats;
  }

  private async request<K extends RegistryRequestType>(
    type: K,
    payload: RegistryRequestPayload<K>,
    timeoutMs: number,
  ): Promise<RegistryRequestResult<K>> {
    const run = this.run;
    if (this.state !== 'running' || !run) {
      throw new AppError('REGISTRY_NOT_RUNNING', 'The local registry is not running.', {
        fix: { kind: 'startRegistry' },
      });
    }
    return run.requests.start(type, payload, timeoutMs, (message) => run.child.send(message));
  }

  private launchFromSettings(): RegistryLaunch & { exposeOnNetwork: boolean } {
    const settings = this.deps.readSettings();
    return {
      port: settings.port,
      // Loopback unless the user opted in: a registry without auth must not be reachable from the LAN by default.
      host: settings.exposeOnNetwork ? '0.0.0.0' : '127.0.0.1',
      dataDir: settings.dataDir,
      exposeOnNetwork: settings.exposeOnNetwork,
    };
  }

  /** Spawns a process and resolves once it is ready; on failure it has exited before this rejects. */
  private launchRun(launch: RegistryLaunch): Promise<void> {
    this.setState('starting');
    const spawnedAt = Date.now();
    this.deps.logger.info(
      `registry: starting on ${launch.host}:${launch.port} with data in ${launch.dataDir}`,
    );
    const child = this.deps.spawnRegistry(launch);
    let markExited!: () => void;
    const run: Run = {
      child,
      launch,
      requests: new PendingRequests(),
      exited: new Promise<void>((resolve) => (markExited = resolve)),
      hasExited: false,
      stopRequested: false,
    };
    this.run = run;

    return new Promise<void>((resolve, reject) => {
      const readyTimer = setTimeout(() => {
        run.startFailure = new AppError(
          'INTERNAL',
          `The local registry did not start within ${Math.round(this.timings.readyTimeoutMs / 1000)} s.`,
          { fix: { kind: 'retry' } },
        );
        void this.terminate(run);
      }, this.timings.readyTimeoutMs);

      child.on('message', (message) => {
        if (!isRegistryMessage(message)) return;
        if (message.type === 'ready' && run.readyAt === undefined && !run.stopRequested) {
          clearTimeout(readyTimer);
          run.readyAt = Date.now();
          run.url = message.url;
          run.dockerExportToken = message.dockerExportToken;
          this.lastError = undefined;
          this.deps.logger.info(
            `registry: ready at ${message.url} after ${run.readyAt - spawnedAt} ms (pid ${child.pid ?? '?'})`,
          );
          this.setState('running');
          this.refreshStats().catch((error: unknown) =>
            this.deps.logger.warn(`registry: no stats: ${AppError.from(error).raw ?? ''}`),
          );
          resolve();
        } else if (message.type === 'error' && run.readyAt === undefined) {
          clearTimeout(readyTimer);
          run.startFailure = reportedStartError(message.code, message.message, launch);
          // It should exit by itself after reporting; make sure of it so the port is free again.
          void this.terminate(run);
        } else {
          this.onMessage(run, message);
        }
      });

      child.on('exit', (code, signal) => {
        clearTimeout(readyTimer);
        run.hasExited = true;
        markExited();
        run.requests.failAll(
          new AppError('REGISTRY_NOT_RUNNING', 'The local registry stopped before it answered.', {
            fix: { kind: 'startRegistry' },
          }),
        );
        if (run.readyAt === undefined) {
          if (this.run === run) this.run = undefined;
          failedStartError(
            { launch: run.launch, reported: run.startFailure, stopRequested: run.stopRequested },
            code,
            signal,
          ).then(reject, reject);
          return;
        }
        this.onExitAfterReady(run, code, signal);
      });
    });
  }

  private onMessage(run: Run, message: RegistryToHostMessage): void {
    switch (message.type) {
      case 'activity':
        this.activity.add(message.activity);
        this.deps.events.emit('registry.activity', message.activity);
        break;
      case 'stats':
        this.updateStats(message.stats);
        break;
      case 'reply':
        run.requests.settle(message);
        break;
      case 'error':
        // After ready, an error is something it survived (e.g. disk full on one upload): log and show it.
        this.deps.logger.warn(`registry: ${message.code}: ${message.message}`);
        this.lastError = new AppError(
          message.code === 'PORT_IN_USE' ? 'PORT_IN_USE' : 'INTERNAL',
          message.message,
        ).toData();
        this.publish();
        break;
      case 'ready':
        break;
    }
  }

  private onExitAfterReady(run: Run, code: number | null, signal: string | null): void {
    if (this.run !== run) return;
    this.run = undefined;
    if (run.stopRequested) return; // stop() publishes the new state once terminate() returns.
    const uptime = Date.now() - (run.readyAt ?? Date.now());
    this.deps.logger.error(
      `registry: exited unexpectedly (${exitDescription(code, signal)}) after ${uptime} ms`,
    );
    this.lastError = new AppError('INTERNAL', 'The local registry stopped unexpectedly; Berth restarts it.', {
      raw: exitDescription(code, signal),
    }).toData();
    if (this.wanted) this.scheduleRestart(this.backoff.nextDelay(uptime));
    else this.setState('stopped');
  }

  private scheduleRestart(delayMs: number): void {
    this.setState('crashed');
    this.deps.logger.info(`registry: restarting in ${delayMs} ms`);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      const launch = this.launch;
      if (!this.wanted || !launch) return;
      this.restarts++;
      this.starting = this.launchRun(launch)
        .then(() => this.status())
        .catch((error: unknown) => {
          const appError = AppError.from(error);
          if (this.wanted) {
            this.lastError = appError.toData();
            this.deps.logger.error(`registry: restart failed: ${appError.message} ${appError.raw ?? ''}`);
            this.scheduleRestart(this.backoff.nextDelay(0));
          } else if (this.state !== 'stopped' && !this.stopping) {
            this.setState('stopped');
          }
          return this.status();
        })
        .finally(() => {
          this.starting = undefined;
        });
    }, delayMs);
  }

  private cancelRestart(): void {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
  }

  /** Asks the process to shut down, then insists; resolves once it has exited. */
  private async terminate(run: Run): Promise<void> {
    run.stopRequested = true;
    if (run.hasExited) return;
    run.child.send({ type: 'shutdown' });
    if (await exitsWithin(run, this.timings.shutdownGraceMs)) return;
    this.deps.logger.warn('registry: did not shut down when asked; sending SIGTERM');
    run.child.kill('SIGTERM');
    if (await exitsWithin(run, this.timings.terminateGraceMs)) return;
    this.deps.logger.warn('registry: did not exit on SIGTERM; sending SIGKILL');
    run.child.kill('SIGKILL');
    // SIGKILL cannot be refused; the bound only guards against an exit event that never comes.
    if (!(await exitsWithin(run, this.timings.terminateGraceMs)))
      this.deps.logger.error('registry: no exit reported after SIGKILL');
  }

  private updateStats(stats: RegistryStats): void {
    this.stats = stats;
    this.deps.events.emit('registry.stats', stats);
  }

  private setState(state: RegistryState): void {
    this.state = state;
    this.publish();
  }

  private publish(): void {
    this.deps.events.emit('registry.status', this.status());
  }
}

function exitsWithin(run: Run, ms: number): Promise<boolean> {
  if (run.hasExited) return Promise.resolve(true);
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    run.exited.then(() => true),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms))),
  ]).finally(() => clearTimeout(timer));
}

/**
 * The URL to show and to push to. A registry bound to every interface reports `http://0.0.0.0:P`,
 * which is not an address a client can use; on this machine it is reached on loopback.
 */
function localUrl(url: string): string {
  return url.replace(/^http:\/\/(?:0\.0\.0\.0|\[::\])(?=:\d+$)/, 'http://127.0.0.1');
}

/** Only our own child sends on this channel, but a malformed message must not crash the host. */
function isRegistryMessage(message: unknown): message is RegistryToHostMessage {
  return (
    typeof message === 'object' &&
    message !== null &&
    typeof (message as { type?: unknown }).type === 'string'
  );
}
