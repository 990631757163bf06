/**
 * Keeps the Getting started checklist up to date: whenever Docker, the local registry or Docker's
 * logins change (the host's own events, which also carry what the CLI does: Docker's /events stream,
 * the registry's activity, the watch on config.json), it gathers the facts again, assesses the steps
 * (guide-assessment.ts), keeps new ticks in the settings and announces the result.
 */
import type { DockerStatus } from '../api/contract/app';
import { GUIDE_STEP_IDS, type GuideProgress, type GuideSettings } from '../api/contract/guide';
import type { LocalImage } from '../api/contract/images';
import type { LoginsOverview } from '../api/contract/logins';
import type { RegistryActivity, RegistryStatus } from '../api/contract/registry';
import type { EventBus, EventListener } from '../api/event-bus';
import { DOCKER_HUB_DOMAIN } from '../common/reference';
import { defaultGuideSettings } from '../settings/settings-store';
import { assessGuide } from './guide-assessment';

export interface GuideDependencies {
  docker: () => DockerStatus;
  images: () => Promise<LocalImage[]>;
  registry: () => RegistryStatus;
  activity: () => RegistryActivity[];
  logins: () => Promise<LoginsOverview>;
  /** The kept progress (the settings file). */
  store: { guide(): GuideSettings; setGuide(guide: GuideSettings): unknown };
  bus: Pick<EventBus, 'emit' | 'subscribe'>;
  now?: () => number;
}

/** The events after which a step may have changed. */
const WATCHED = new Set([
  'docker.status',
  'images.changed',
  'registry.status',
  'registry.activity',
  'logins.changed',
]);
const MAX_FINISHED_PUSHES = 50;

export class GuideService {
  private hubUser: string | undefined;
  private loginsRead = false;
  private readonly finishedPushes: string[] = [];
  private running: Promise<GuideProgress> | undefined;
  private again = false;
  private lastAnnounced = '';
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly deps: GuideDependencies) {}

  /** Start following the host's events. */
  start(): void {
    const listener: EventListener = (event, payload) => {
      if (event === 'logins.changed') this.takeLogins(payload as LoginsOverview);
      if (event === 'transfers.progress') {
        const snapshot = payload as { kind: string; state: string; reference: string };
        if (snapshot.kind !== 'push' || snapshot.state !== 'succeeded') return;
        if (!this.finishedPushes.includes(snapshot.reference)) {
          this.finishedPushes.push(snapshot.reference);
          this.finishedPushes.splice(0, Math.max(0, this.finishedPushes.length - MAX_FINISHED_PUSHES));
        }
      } else if (!WATCHED.has(event)) return;
      void this.refresh().catch(() => undefined);
    };
    this.unsubscribe = this.deps.bus.subscribe(listener);
    void this.refresh().catch(() => undefined);
  }

  stop(): void {
    this.unsubscribe?.();
  }

  /** Assess now (one at a time: a change seen during an assessment runs one more after it). */
  refresh(): Promise<GuideProgress> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        let progress: GuideProgress;
        do {
          this.again = false;
          progress = await this.assess();
        } while (this.again);
        return progress;
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  async setHidden(hidden: boolean): Promise<GuideProgress> {
    this.deps.store.setGuide({ ...this.deps.store.guide(), hidden });
    return this.refresh();
  }

  /** Forget every tick; registry activity before now no longer counts, so push and pull are done again. */
  async reset(): Promise<GuideProgress> {
    const fresh = defaultGuideSettings();
    this.finishedPushes.length = 0;
    this.deps.store.setGuide({ ...fresh, hidden: false, since: this.now() });
    return this.refresh();
  }

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  private takeLogins(overview: LoginsOverview): void {
    this.loginsRead = true;
    this.hubUser =
      overview.logins.find((login) => login.registry === DOCKER_HUB_DOMAIN)?.username || undefined;
  }

  private async assess(): Promise<GuideProgress> {
    const docker = this.deps.docker();
    if (!this.loginsRead) {
      const overview = await this.deps.logins().catch(() => emptyLogins);
      // A logins.changed that arrived while the list was read is newer: it wins.
      if (!this.loginsRead) this.takeLogins(overview);
    }
    // Once every step is done, Docker's images can't change a tick: don't list them on every event.
    const { done } = this.deps.store.guide();
    const finished = GUIDE_STEP_IDS.every((id) => done[id] !== undefined);
    const images =
      docker.state === 'connected' && !finished ? await this.deps.images().catch(() => undefined) : undefined;
    const registry = this.deps.registry();
    // Read after the awaits: a hide or reset made meanwhile must not be written over.
    const kept = this.deps.store.guide();
    const result = assessGuide(
      {
        now: this.now(),
        docker,
        images,
        registry: { state: registry.state, port: registry.port },
        activity: this.deps.activity(),
        hubUser: this.hubUser,
        finishedPushes: this.finishedPushes,
      },
      kept,
    );
    if (result.kept !== kept) this.deps.store.setGuide(result.kept);
    const text = JSON.stringify(result.progress);
    if (text !== this.lastAnnounced) {
      this.lastAnnounced = text;
      this.deps.bus.emit('guide.progress', result.progress);
    }
    return result.progress;
  }
}

const emptyLogins: LoginsOverview = {
  configPath: '',
  credHelpers: [],
  environmentConfig: false,
  logins: [],
  problems: [],
};
