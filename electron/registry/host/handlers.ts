/**
 * The `registry.*` commands: thin wrappers over the supervisor. The decisions made here: persist a
 * port the user chose (e.g. the "use the next free port" fix) once the registry runs on it, so the
 * choice survives a restart of the app; and a change of network access is saved, then takes effect
 * (a running registry restarts), in one command. The first start the user makes turns "Start with
 * Berth" on (until they choose it themselves), so the registry they started is back after a restart.
 */
import type { HandlersFor } from '../../api/router';
import type { RegistrySupervisor } from './supervisor';

/** What the handlers are given, built by the composition root. */
export interface RegistryServices {
  supervisor: RegistrySupervisor;
  /** Saves the registry's own settings (the settings service's update, narrowed; it announces them). */
  settings: {
    saveRegistry(patch: {
      port?: number;
      exposeOnNetwork?: boolean;
      autoStart?: boolean;
    }): Promise<void> | void;
    /** Whether "Start with Berth" was already set (then a start leaves it as it is). */
    autoStartChosen(): boolean;
  };
}

/** Handlers for every `registry.*` command of the contract. */
export function createRegistryHandlers({ supervisor, settings }: RegistryServices): HandlersFor<'registry'> {
  return {
    'registry.status': () => supervisor.status(),
    'registry.start': async ({ port }) => {
      const status = await supervisor.start(port === undefined ? {} : { port });
      // Saved only once it works, so a port that turned out to be taken is not remembered.
      if (port !== undefined) await settings.saveRegistry({ port });
      if (!settings.autoStartChosen()) await settings.saveRegistry({ autoStart: true });
      return status;
    },
    'registry.stop': () => supervisor.stop(),
    'registry.setNetworkAccess': async ({ exposeOnNetwork }) => {
      await settings.saveRegistry({ exposeOnNetwork });
      return supervisor.restartIfRunning();
    },
    'registry.repositories': () => supervisor.repositories(),
    'registry.deleteTag': async ({ repository, tag }) => {
      const { digest } = await supervisor.deleteTag(repository, tag);
      return digest === undefined ? { repository, tag } : { repository, tag, digest };
    },
    'registry.deleteRepository': async ({ repository }) => {
      await supervisor.deleteRepository(repository);
      return { repository };
    },
    'registry.gc': ({ dryRun }) => supervisor.garbageCollect(dryRun),
    'registry.activity': () => supervisor.recentActivity(),
  };
}
