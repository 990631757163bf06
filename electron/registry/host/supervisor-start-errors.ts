/**
 * What a registry start that failed means to the user: the registry process's own report turned into
 * an AppError with words and a fix, and, when it died without one, the likeliest cause (a port held
 * by another program, found by binding it) instead of a bare exit code.
 */
import { AppError } from '../../api/app-error';
import { findNextFreePort, isPortFree } from './port-finder';
import { findPortOwner, portInUseWords } from './port-owner';
import type { RegistryLaunch } from './supervisor-child';

/** The error codes the registry process reports before it is ready (see messages.ts). */
export type ReportedStartErrorCode = 'PORT_IN_USE' | 'DATA_DIR_UNUSABLE' | 'INTERNAL';

/** The registry's own `error` message before `ready`, as an AppError (PORT_IN_USE is refined later). */
export function reportedStartError(
  code: ReportedStartErrorCode,
  message: string,
  launch: RegistryLaunch,
): AppError {
  if (code === 'PORT_IN_USE') return new AppError('PORT_IN_USE', message, { raw: message });
  if (code === 'DATA_DIR_UNUSABLE') {
    return new AppError('INTERNAL', `The registry cannot use its storage folder ${launch.dataDir}.`, {
      hint: 'Choose another folder in the settings, or check that this one is writable.',
      raw: message,
    });
  }
  return new AppError('INTERNAL', 'The local registry could not start.', {
    raw: message,
    fix: { kind: 'retry' },
  });
}

/** The error a start that never became ready rejects with, once its process has exited. */
export async function failedStartError(
  run: { launch: RegistryLaunch; reported: AppError | undefined; stopRequested: boolean },
  code: number | null,
  signal: string | null,
): Promise<AppError> {
  if (run.reported?.code === 'PORT_IN_USE') return portInUseError(run.launch);
  if (run.reported) return run.reported;
  if (run.stopRequested)
    return new AppError('CANCELLED', 'The local registry was stopped before it was ready.');
  // Exit code 3 is the registry process's "port in use" for when its IPC message did not make it out.
  if (code === 3) return portInUseError(run.launch);
  // It died without saying why; a port someone else holds is the likeliest cause a user can fix.
  if (!(await isPortFree(run.launch.host, run.launch.port))) return portInUseError(run.launch);
  return new AppError('INTERNAL', 'The local registry exited while starting.', {
    raw: exitDescription(code, signal),
    fix: { kind: 'retry' },
  });
}

/**
 * PORT_IN_USE with the next port that is free on the same address, found by binding it, and the
 * program holding the port where the OS shows it.
 */
export async function portInUseError(
  launch: RegistryLaunch,
  environment: { platform?: NodeJS.Platform } = {},
): Promise<AppError> {
  const platform = environment.platform ?? process.platform;
  const [next, owner] = await Promise.all([
    findNextFreePort(launch.host, launch.port),
    findPortOwner(launch.port, { platform }).catch(() => undefined),
  ]);
  const words = portInUseWords({ port: launch.port, next, owner, platform });
  return new AppError('PORT_IN_USE', words.message, {
    hint: words.hint,
    fix: { kind: 'useNextFreePort', port: next },
  });
}

/** How a process ended, in words for logs and the `raw` of an error. */
export function exitDescription(code: number | null, signal: string | null): string {
  if (signal) return `killed by ${signal}`;
  if (code !== null) return `exit code ${code}`;
  return 'could not be started';
}
