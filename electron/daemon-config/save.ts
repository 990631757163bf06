/**
 * A daemon.json change as one outcome the host sees through (`daemonConfig.save`): write the edits,
 * make Docker reload, check that Docker took them. The renderer asks once and hears each step; a
 * window closed half way can't leave the file written but Docker not reloaded.
 */
import type {
  DaemonConfigChanges,
  DaemonConfigSaveResult,
  DaemonConfigSnapshot,
  DaemonConfigStep,
} from '../api/contract/daemon-config';
import type { DaemonConfigService } from './service';
import { AppError } from '../api/app-error';
import { sameRegistryEntry } from './validate';

/** The edits, and the version the user saw (none for a one-click fix: it adds to what is there). */
export interface SaveRequest {
  changes: Omit<DaemonConfigChanges, 'baseVersion'>;
  baseVersion?: string;
  /** The raw editor's whole text, written instead of `changes` (then baseVersion is required). */
  rawText?: string;
}

/** Hears each step as it starts and ends. */
export type StepListener = (step: Omit<DaemonConfigStep, 'operationId'>) => void;

/** What to check after a change: the first entry added (present) or removed (absent). */
export function expectationOf(
  changes: SaveRequest['changes'],
): { host?: string; mirror?: string; expect: 'present' | 'absent' } | undefined {
  const [addedHost] = changes.addInsecureRegistries;
  if (addedHost) return { host: addedHost, expect: 'present' };
  const [removedHost] = changes.removeInsecureRegistries;
  if (removedHost) return { host: removedHost, expect: 'absent' };
  const [addedMirror] = changes.addRegistryMirrors;
  if (addedMirror) return { mirror: addedMirror, expect: 'present' };
  const [removedMirror] = changes.removeRegistryMirrors;
  if (removedMirror) return { mirror: removedMirror, expect: 'absent' };
  return undefined;
}

function describeWrite(changes: SaveRequest['changes']): string {
  const parts = [
    ...changes.addInsecureRegistries.map((host) => `adding ${host} to insecure-registries`),
    ...changes.removeInsecureRegistries.map((host) => `removing ${host} from insecure-registries`),
    ...changes.addRegistryMirrors.map((url) => `adding the mirror ${url}`),
    ...changes.removeRegistryMirrors.map((url) => `removing the mirror ${url}`),
  ];
  const text = parts.length > 0 ? parts.join(', ') : 'saving daemon.json';
  return text[0]!.toUpperCase() + text.slice(1);
}

/** The part of `changes` that `current` doesn't already say. */
function stillToDo(
  changes: SaveRequest['changes'],
  current: Pick<DaemonConfigSnapshot, 'insecureRegistries' | 'registryMirrors'>,
): SaveRequest['changes'] {
  const listed = (entry: string) => current.insecureRegistries.some((old) => sameRegistryEntry(old, entry));
  return {
    addInsecureRegistries: changes.addInsecureRegistries.filter((entry) => !listed(entry)),
    removeInsecureRegistries: changes.removeInsecureRegistries.filter(listed),
    addRegistryMirrors: changes.addRegistryMirrors.filter((url) => !current.registryMirrors.includes(url)),
    removeRegistryMirrors: changes.removeRegistryMirrors.filter((url) =>
      current.registryMirrors.includes(url),
    ),
  };
}

/** Runs one step, telling `report` when it starts and how it ended. */
async function step<T>(
  report: StepListener,
  name: DaemonConfigStep['step'],
  text: string,
  work: () => Promise<T>,
): Promise<T> {
  report({ step: name, state: 'running', text });
  try {
    const result = await work();
    report({ step: name, state: 'done', text });
    return result;
  } catch (error) {
    report({ step: name, state: 'failed', text });
    throw error;
  }
}

/**
 * Write (only when the file doesn't already say it), apply, verify. Rejects with the failing step's
 * error; a verification that finds Docker reporting something else is an answer (`verified.ok`
 * false), not an error. `written` is told as soon as the file is replaced.
 */
export async function saveApplyVerify(
  service: DaemonConfigService,
  request: SaveRequest,
  report: StepListener,
  written: (result: NonNullable<DaemonConfigSaveResult['written']>) => void = () => undefined,
): Promise<DaemonConfigSaveResult> {
  if (request.rawText !== undefined)
    return saveRaw(service, request.rawText, request.baseVersion, report, written);
  const writeText = describeWrite(request.changes);
  let changes = request.changes;
  let baseVersion = request.baseVersion;
  if (baseVersion === undefined) {
    // A one-click fix: whatever the file holds now, plus what it doesn't say yet (maybe nothing).
    const current = await service.read();
    baseVersion = current.version;
    changes = stillToDo(changes, current);
  }
  const needsWrite = Object.values(changes).some((entries) => entries.length > 0);
  let writeResult: DaemonConfigSaveResult['written'] = null;
  if (needsWrite) {
    const version = baseVersion;
    writeResult = await step(report, 'write', writeText, () =>
      service.update({ ...changes, baseVersion: version }),
    );
    written(writeResult);
  } else {
    report({ step: 'write', state: 'skipped', text: `${writeText}: daemon.json already says so` });
  }
  const applied = await step(report, 'apply', 'Asking Docker to reload its settings', () => service.apply());
  const wanted = expectationOf(request.changes);
  if (applied.method === 'manual' || wanted === undefined) {
    report({ step: 'verify', state: 'skipped', text: 'Checking that Docker took the change' });
    return { written: writeResult, applied, verified: null };
  }
  const subject = wanted.host ?? wanted.mirror ?? '';
  const verifyText =
    wanted.expect === 'present'
      ? `Checking that Docker now accepts ${subject}`
      : `Checking that Docker no longer lists ${subject}`;
  report({ step: 'verify', state: 'running', text: verifyText });
  // A SIGHUP reload is quick; Docker Desktop's restart takes a while.
  const verified = await service
    .verify(wanted, applied.method === 'signal' ? 15_000 : 120_000)
    .catch((error: unknown) => {
      report({ step: 'verify', state: 'failed', text: verifyText });
      throw error;
    });
  report({ step: 'verify', state: verified.ok ? 'done' : 'failed', text: verifyText });
  return { written: writeResult, applied, verified };
}

/**
 * The raw editor's save: the same write (strict JSON, valid entries, backup, atomic), then the same
 * reload, then a check that Docker reports the first insecure registry the text lists (if any).
 */
async function saveRaw(
  service: DaemonConfigService,
  text: string,
  baseVersion: string | undefined,
  report: StepListener,
  written: (result: NonNullable<DaemonConfigSaveResult['written']>) => void,
): Promise<DaemonConfigSaveResult> {
  if (baseVersion === undefined)
    throw new AppError(
      'INVALID_INPUT',
      'Saving the edited text needs the version of daemon.json it was edited from.',
    );
  const writeResult = await step(report, 'write', 'Saving daemon.json as you edited it', () =>
    service.writeRaw(text, baseVersion),
  );
  written(writeResult);
  const applied = await step(report, 'apply', 'Asking Docker to reload its settings', () => service.apply());
  const host = firstInsecureRegistry(text);
  if (applied.method === 'manual' || host === undefined) {
    report({ step: 'verify', state: 'skipped', text: 'Checking that Docker took the change' });
    return { written: writeResult, applied, verified: null };
  }
  const verifyText = `Checking that Docker now accepts ${host}`;
  report({ step: 'verify', state: 'running', text: verifyText });
  const verified = await service
    .verify({ expect: 'present', host }, applied.method === 'signal' ? 15_000 : 120_000)
    .catch((error: unknown) => {
      report({ step: 'verify', state: 'failed', text: verifyText });
      throw error;
    });
  report({ step: 'verify', state: verified.ok ? 'done' : 'failed', text: verifyText });
  return { written: writeResult, applied, verified };
}

function firstInsecureRegistry(text: string): string | undefined {
  try {
    const value = (JSON.parse(text) as { 'insecure-registries'?: unknown })['insecure-registries'];
    return Array.isArray(value) && typeof value[0] === 'string' ? value[0] : undefined;
  } catch {
    return undefined;
  }
}
