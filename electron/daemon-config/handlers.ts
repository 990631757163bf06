/**
 * The `daemonConfig.*` commands: each parses nothing (the router validated the input) and calls the
 * service. Writes announce `daemonConfig.changed` so every window reloads the file.
 */
import type Dockerode from 'dockerode';
import type { EventPayload } from '../api/contract';
import type { HandlersFor } from '../api/router';
import type { Signaller } from './apply';
import type { Elevator } from './elevator';
import type { LocateEnvironment } from './locate';
import { saveApplyVerify } from './save';
import { DaemonConfigService } from './service';

/** What the composition root passes in. */
export interface DaemonConfigHandlerDeps {
  docker: Dockerode;
  settings: { daemonConfigPath(): string | null };
  elevator: Elevator;
  /** Platform, environment, uid and /proc; `systemLocateEnvironment()` in production. */
  platform: LocateEnvironment;
  /** Where `daemonConfig.changed` and `daemonConfig.step` go (the host's EventBus). */
  emit?: <K extends 'daemonConfig.changed' | 'daemonConfig.step'>(event: K, payload: EventPayload<K>) => void;
  kill?: Signaller;
  now?: () => Date;
}

/** Handlers for the router; the composition root passes real Docker, settings and the sudo-prompt elevator. */
export function createDaemonConfigHandlers(deps: DaemonConfigHandlerDeps): HandlersFor<'daemonConfig'> {
  const service = new DaemonConfigService({
    docker: deps.docker,
    settings: deps.settings,
    elevator: deps.elevator,
    environment: deps.platform,
    ...(deps.kill ? { kill: deps.kill } : {}),
    ...(deps.now ? { now: deps.now } : {}),
  });
  const announce = <T extends { path: string; version: string; backupPath: string | null }>(result: T): T => {
    deps.emit?.('daemonConfig.changed', {
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
    'daemonConfig.save': ({ confirm: _confirm, operationId, baseVersion, ...changes }) =>
      saveApplyVerify(
        service,
        baseVersion === undefined ? { changes } : { changes, baseVersion },
        (step) => deps.emit?.('daemonConfig.step', { operationId, ...step }),
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
