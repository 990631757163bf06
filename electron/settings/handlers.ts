/** The `app.*` and `settings.*` commands: what this host is, and the settings (saved, then announced). */
import type { CommandOutput } from '../api/contract';
import type { EventBus } from '../api/event-bus';
import type { HandlersFor } from '../api/router';
import type { SettingsStore } from './settings-store';

/** What the handlers are given, built by the composition root. */
export interface SettingsServices {
  /** The host's facts for `app.info`. */
  info: () => CommandOutput<'app.info'>;
  settings: SettingsStore;
  events: Pick<EventBus, 'emit'>;
}

export function createSettingsHandlers({
  info,
  settings,
  events,
}: SettingsServices): HandlersFor<'app'> & HandlersFor<'settings'> {
  return {
    'app.info': () => info(),
    'settings.get': () => settings.get(),
    'settings.update': (patch) => {
      const next = settings.update(patch);
      events.emit('settings.changed', next);
      return next;
    },
  };
}
