/**
 * The `registry.*` commands: thin wrappers over the supervisor. The one decision made here is to
 * persist a port the user chose (e.g. the "use the next free port" fix) once the registry runs on it,
 * so the choice survives a restart of the app.
 */
import type { HandlersFor } from '../../api/router';
import type { RegistrySupervisor } from './supervisor';

export interface RegistryHandlerDependencies {
  supervisor: RegistrySupervisor;
  /** Saves the registry port in the settings (the settings service's update, narrowed). */
  saveRegistryPort: (port: number) => Promise<void> | void;
}

/** Handlers for every `registry.*` command of the contract. */
export function createRegistryHandlers({
  supervisor,
  saveRegistryPort,
}: RegistryHandlerDependencies): HandlersFor<'registry'> {
  return {
    'registry.status': () => supervisor.status(),
    'registry.start': async ({ port }) => {
      const status = await supervisor.start(port === undefined ? {} : { port });
      // Saved only once it works, so a port that turned out to be taken is not remembered.
      if (port !== undefined) await saveRegistryPort(port);
      return status;
    },
    'registry.stop': () => supervisor.stop(),
    'registry.repositories': () => supervisor.repositories(),
    'registry.deleteTag': async ({ repository, tag }) => {
      const { digest } = await supervisor.deleteTag(repository, tag);
      return digest === undefined ? { repository, tag } : { repository, tag, digest };
    },
    'registry.gc': ({ dryRun }) => supervisor.garbageCollect(dryRun),
    'registry.activity': () => supervisor.recentActivity(),
  };
}
