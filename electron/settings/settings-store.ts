/**
 * Settings behind one interface. The file itself is kept by `conf` (browser host) or `electron-store`
 * (Electron) — both are Conf instances, so this class takes any object with `store` and `path`.
 * Values are checked against the contract's schema on the way in and out; a corrupt file is moved
 * aside before the backend opens it, defaults are used, and the user is told.
 */
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { settingsSchema, type Notice, type Settings, type settingsPatchSchema } from '../api/contract/app';
import type { GuideSettings } from '../api/contract/guide';
import type { z } from 'zod';

export const SETTINGS_FILE_NAME = 'config';

export function defaultSettings(): Settings {
  return {
    registry: { port: 5000, dataDir: null, exposeOnNetwork: false, autoStart: false },
    registries: [],
    daemonConfigPath: null,
    localPush: { throughDocker: false, layerCompression: 'none' },
  };
}

/** What conf and electron-store have in common. */
export interface SettingsBackend {
  store: Record<string, unknown>;
  readonly path: string;
}

/**
 * Moves a settings file aside when it is not valid JSON or not valid settings. Call before opening
 * the backend (conf would throw on invalid JSON). Answers the notice to show, if any.
 */
export function quarantineCorruptSettings(directory: string, now: Date = new Date()): Notice | undefined {
  const path = join(directory, `${SETTINGS_FILE_NAME}.json`);
  if (!existsSync(path)) return undefined;
  let problem: string | undefined;
  try {
    const parsed = settingsSchema.partial().safeParse(JSON.parse(readFileSync(path, 'utf8')));
    if (!parsed.success)
      problem = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
  } catch (error) {
    problem = error instanceof Error ? error.message : String(error);
  }
  if (problem === undefined) return undefined;
  const aside = `${path}.corrupt-${now.toISOString().replace(/[:.]/g, '-')}`;
  renameSync(path, aside);
  return {
    level: 'warning',
    title: 'Your settings file was damaged, so Berth started with default settings.',
    detail: `The old file was kept as ${aside} (${problem.slice(0, 300)}).`,
  };
}

/** A first run's checklist: shown, nothing ticked yet. */
export function defaultGuideSettings(): GuideSettings {
  return { hidden: false, done: {}, localNames: [], removed: [] };
}

export class SettingsStore {
  constructor(private readonly backend: SettingsBackend) {}

  get path(): string {
    return this.backend.path;
  }

  get(): Settings {
    const defaults = defaultSettings();
    const stored = this.backend.store as Partial<Settings>;
    const merged = {
      ...defaults,
      ...stored,
      registry: { ...defaults.registry, ...(stored.registry ?? {}) },
      localPush: { ...defaults.localPush, ...(stored.localPush ?? {}) },
    };
    const parsed = settingsSchema.safeParse(merged);
    return parsed.success ? parsed.data : defaults;
  }

  /** The Getting started checklist's kept progress. */
  guide(): GuideSettings {
    return this.get().guide ?? defaultGuideSettings();
  }

  /** Replaces the checklist's kept progress (only the guide service calls this). */
  setGuide(guide: GuideSettings): Settings {
    const next = settingsSchema.parse({ ...this.get(), guide });
    this.backend.store = next;
    return next;
  }

  update(patch: z.infer<typeof settingsPatchSchema>): Settings {
    const current = this.get();
    const next = settingsSchema.parse({
      ...current,
      ...(patch.registries !== undefined ? { registries: patch.registries } : {}),
      registry: {
        ...current.registry,
        ...(patch.registry ?? {}),
        // Setting "Start with Berth" is a choice Berth then keeps (see registry.start).
        ...(patch.registry?.autoStart !== undefined ? { autoStartChosen: true } : {}),
      },
      localPush: { ...current.localPush, ...(patch.localPush ?? {}) },
    });
    this.backend.store = next;
    return next;
  }
}
