/**
 * The `daemonConfig.*` commands: each parses nothing (the router validated the input) and calls the
 * service. Writes announce `daemonConfig.changed` so every window reloads the file.
 */
import type { EventPayload } from '../api/contract';
import type { HandlersFor } from '../api/router';
import { saveApplyVerify } from './save';
import type { DaemonConfigService } from './service';

/** What the handlers are given, built by the composition root. */
export interface DaemonConfigServices {
  service: DaemonConfigService;
  /** Where `daemonConfig.changed` and `daemonConfig.step` go (the host's EventBus). */
  events: {
    emit: <K extends 'daemonConfig.changed' | 'daemonConfig.step'>(
      event: K,
      payload: EventPayload<K>,
    ) => void;
  };
}

/** Handlers for the router. */
export function createDaemonConfigHandlers({
  service,
  events,
}: DaemonConfigServices): HandlersFor<'daemonConfig'> {
  const announce = <T extends { path: string; version: string; backupPath: string | null }>(result: T): T => {
    events.emit('daemonConfig.changed', {
      path: result.path,
      version: result.version,
      backupPath: result.backupPath,
    });
    return result;
  };
  return {
    'daemonConfig.locate': () => service.locate(),
    'daemonConfig.read': () => service.read(),
    'daemonConfig.readRaw': () => service.readRaw(),
    'daemonConfig.preview': (input) => service.preview(input),
    'daemonConfig.update': async ({ confirm: _confirm, ...changes }) =>
      announce(await service.update(changes)),
    'daemonConfig.writeRaw': async ({ text, baseVersion }) =>
      announce(await service.writeRaw(text, baseVersion)),
    'daemonConfig.save': ({ confirm: _confirm, operationId, baseVersion, rawText, ...changes }) =>
      saveApplyVerify(
        service,
        {
          changes,
          ...(baseVersion === undefined ? {} : { baseVersion }),
          ...(rawText === undefined ? {} : { rawText }),
        },
        (step) => events.emit('daemonConfig.step', { operationId, ...step }),
        announce,
      ),
    'daemonConfig.apply': () => service.apply(),
    'daemonConfig.verify': ({ host, mirror, expect, timeoutMs }) => {
      const expectation = {
        expect,
        ...(host !== undefined ? { host } : {}),
        ...(mirror !== undefined ? { mirror } : {}),
      };
      return service.verify(expectation, timeoutMs);
    },
  };
}
