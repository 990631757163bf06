/**
 * The daemon.json service: composes locate → read → edit → write → hosts.toml → apply → verify for the
 * daemon Berth is connected to. It holds no state between calls; every write is checked against the
 * version the caller read, so two windows (or the user's editor) cannot overwrite each other.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { AppError } from '../api/app-error';
import type {
  DaemonConfigApplyResult,
  DaemonConfigChanges,
  DaemonConfigLocation,
  DaemonConfigPreview,
  DaemonConfigRaw,
  DaemonConfigSnapshot,
  DaemonConfigVerifyResult,
  DaemonConfigWriteResult,
} from '../api/contract/daemon-config';
import { applyDaemonConfig, type Signaller } from './apply';
import { detectImageStore, fetchDaemonInfo, type DaemonInfo, type InfoSource } from './daemon-info';
import { unifiedDiff } from './diff';
import { flagValues, systemProcReader } from './dockerd-process';
import { editDaemonConfigText } from './edit';
import type { Elevator } from './elevator';
import { certsDirectory, removeHostsToml, writeHostsToml } from './hosts-toml';
import {
  localDockerdArgs,
  locateDaemonConfig,
  type DaemonConnection,
  type LocateEnvironment,
} from './locate';
import {
  contentVersion,
  decodeDaemonConfig,
  INSECURE_REGISTRIES_KEY,
  parseDaemonConfigText,
  problemOf,
  readDaemonConfig,
  REGISTRY_MIRRORS_KEY,
} from './read';
import { adviseHost } from './teach';
import { checkInsecureRegistry, checkMirror, sameRegistryEntry } from './validate';
import { verifyDaemonConfig, type VerifyExpectation } from './verify';
import { writeDaemonConfigFile } from './write';

/** The Docker client as far as this service needs it: `info()` and how it connects (dockerode's modem). */
export interface DockerClient extends InfoSource {
  modem?: unknown;
}

/** Real parts in production; tests pass a private dockerd, temp folders and a fake Elevator. */
export interface DaemonConfigServiceDeps {
  docker: DockerClient;
  settings: { daemonConfigPath(): string | null };
  elevator: Elevator;
  environment: LocateEnvironment;
  /** Defaults to process.kill. */
  kill?: Signaller;
  now?: () => Date;
  /** Docker's certs.d for hosts.toml files; detected from the daemon's kind when left out. */
  certsDir?: string;
}

/** This machine, for production. */
export function systemLocateEnvironment(): LocateEnvironment {
  return {
    platform: process.platform,
    env: process.env,
    homeDir: homedir(),
    uid: process.getuid?.(),
    proc: process.platform === 'linux' ? systemProcReader : undefined,
  };
}

/** dockerode keeps the connection on its modem: socketPath for unix sockets and pipes, host for TCP. */
export function connectionOf(docker: DockerClient): DaemonConnection {
  const modem = (docker.modem ?? {}) as { socketPath?: unknown; host?: unknown };
  const connection: DaemonConnection = {};
  if (typeof modem.socketPath === 'string') connection.socketPath = modem.socketPath;
  if (typeof modem.host === 'string') connection.host = modem.host;
  return connection;
}

/** daemon.json keys dockerd also takes as a flag (moby refuses a setting given both ways). */
const FLAGGED_KEYS: ReadonlyArray<[key: string, flag: string]> = [
  [INSECURE_REGISTRIES_KEY, '--insecure-registry'],
  [REGISTRY_MIRRORS_KEY, '--registry-mirror'],
];

/** Whether daemon.json text (valid JSON, or empty: `{}`) has a top-level `key`. */
function hasKey(text: string, key: string): boolean {
  if (text.trim() === '') return false;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && key in value;
  } catch {
    return false;
  }
}

/** One method per `daemonConfig.*` command; see the file comment for the flow. */
export class DaemonConfigService {
  constructor(private readonly deps: DaemonConfigServiceDeps) {}

  async locate(): Promise<DaemonConfigLocation> {
    return (await this.context()).location;
  }

  async read(): Promise<DaemonConfigSnapshot> {
    const { location, info } = await this.context();
    const file = await readDaemonConfig(location.path);
    return {
      location,
      exists: file.exists,
      text: file.text,
      version: file.version,
      insecureRegistries: file.insecureRegistries,
      registryMirrors: file.registryMirrors,
      imageStore: detectImageStore(info),
    };
  }

  /** For the raw editor: the text and its version even when it does not parse. */
  async readRaw(): Promise<DaemonConfigRaw> {
    const { location } = await this.context();
    let bytes: Buffer | null;
    try {
      bytes = await readFile(location.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw AppError.from(error);
      bytes = null;
    }
    // Shown even when it isn't UTF-8 (leniently decoded), with the problem that says so.
    const text = bytes?.toString('utf8') ?? '';
    const raw: DaemonConfigRaw = { location, exists: bytes !== null, text, version: contentVersion(bytes) };
    try {
      if (bytes !== null) decodeDaemonConfig(bytes, location.path);
      parseDaemonConfigText(text, location.path);
    } catch (error) {
      const problem = problemOf(error);
      if (!problem) throw error;
      raw.problem = problem;
    }
    return raw;
  }

  async preview(changes: DaemonConfigChanges): Promise<DaemonConfigPreview> {
    const { location } = await this.context();
    const file = await readDaemonConfig(location.path);
    if (file.version !== changes.baseVersion) throw changedSince(location.path);
    const after = editDaemonConfigText(file.text, location.path, changes);
    this.refuseFlagConflicts(file.text, after, location.path);
    const certsDir = this.certsDir(location);
    return {
      path: location.path,
      before: file.text,
      after,
      diff: unifiedDiff(file.text, after, {
        before: `${location.path} (now)`,
        after: `${location.path} (after saving)`,
      }),
      changed: after !== file.text,
      baseVersion: file.version,
      advice: changes.addInsecureRegistries.map((host) => adviseHost(host, certsDir)),
    };
  }

  /** Apply the edits to the file on disk (the caller has confirmed the preview). */
  async update(changes: DaemonConfigChanges): Promise<DaemonConfigWriteResult> {
    const { location, info } = await this.context();
    const file = await readDaemonConfig(location.path);
    if (file.version !== changes.baseVersion) throw changedSince(location.path);
    const after = editDaemonConfigText(file.text, location.path, changes);
    this.refuseFlagConflicts(file.text, after, location.path);
    return this.write(location, info, file.insecureRegistries, after, changes.baseVersion);
  }

  /** Save the raw editor's text: strict JSON, valid entries, then the same safe write. */
  async writeRaw(text: string, baseVersion: string): Promise<DaemonConfigWriteResult> {
    const { location, info } = await this.context();
    const lists = parseDaemonConfigText(text, location.path);
    const issues = [
      ...lists.insecureRegistries.map((entry, index) => ({
        path: `insecure-registries.${index}`,
        check: checkInsecureRegistry(entry),
      })),
      ...lists.registryMirrors.map((url, index) => ({
        path: `registry-mirrors.${index}`,
        check: checkMirror(url),
      })),
    ].flatMap(({ path, check }) => (check.ok ? [] : [{ path, message: check.reason }]));
    if (issues.length > 0)
      throw new AppError(
        'INVALID_INPUT',
        // The reasons as the user reads them; the paths stay in `issues` for tools.
        issues.map((issue) => issue.message).join(' '),
        { issues },
      );
    // The old file may be the broken one the raw editor exists for; then it had no entries we know of.
    const previous = await readDaemonConfig(location.path).catch(() => undefined);
    const before = previous?.insecureRegistries ?? [];
    this.refuseFlagConflicts(previous?.text ?? '', text, location.path);
    return this.write(location, info, before, text, baseVersion);
  }

  async apply(): Promise<DaemonConfigApplyResult> {
    const { location } = await this.context();
    return applyDaemonConfig(location, this.deps.environment.platform, this.deps.kill);
  }

  async verify(
    expectation: VerifyExpectation,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<DaemonConfigVerifyResult> {
    return verifyDaemonConfig(this.deps.docker, expectation, signal ? { timeoutMs, signal } : { timeoutMs });
  }

  /**
   * dockerd refuses, on reload and at start, a setting given both as a flag and in daemon.json
   * ("directives are specified both as a flag and in the configuration file"). So a key that the file
   * didn't have is not added while the running dockerd has the matching flag: the reload would fail
   * and Docker would not start again. A key already there proves there is no such flag.
   */
  private refuseFlagConflicts(before: string, after: string, path: string): void {
    const args = localDockerdArgs(connectionOf(this.deps.docker), this.deps.environment);
    if (!args) return;
    for (const [key, flag] of FLAGGED_KEYS) {
      const values = flagValues(args, [flag]);
      if (values.length === 0 || !hasKey(after, key) || hasKey(before, key)) continue;
      throw new AppError(
        'DAEMON_CONFIG_INVALID',
        `Docker is started with ${flag} (${values.join(', ')}), so it refuses "${key}" in ${path}: the same setting may not be given both ways, and Docker would not start again.`,
        {
          hint: `Add the registry where Docker is started (its ${flag} flags, e.g. in the systemd unit), or remove those flags and let daemon.json hold the list.`,
          issues: [{ path: key, message: `dockerd already has ${flag}` }],
        },
      );
    }
  }

  private async write(
    location: DaemonConfigLocation,
    info: DaemonInfo,
    insecureBefore: string[],
    text: string,
    baseVersion: string,
  ): Promise<DaemonConfigWriteResult> {
    const outcome = await writeDaemonConfigFile({
      path: location.path,
      text,
      baseVersion,
      elevator: this.deps.elevator,
      ...(this.deps.now ? { now: this.deps.now } : {}),
    });
    const hostsToml = { written: [] as string[], removed: [] as string[], problems: [] as string[] };
    if (detectImageStore(info) === 'containerd') {
      // The daemon.json change is already saved; a hosts.toml that fails is reported, not fatal.
      const certsDir = this.certsDir(location);
      const insecureAfter = parseDaemonConfigText(text, location.path).insecureRegistries;
      const hostsOnly = (entries: string[]): string[] => entries.filter((entry) => !entry.includes('/'));
      const added = hostsOnly(insecureAfter).filter(
        (entry) => !insecureBefore.some((old) => sameRegistryEntry(old, entry)),
      );
      const removed = hostsOnly(insecureBefore).filter(
        (entry) => !insecureAfter.some((now) => sameRegistryEntry(now, entry)),
      );
      for (const host of added) {
        try {
          const outcome = await writeHostsToml(certsDir, host, this.deps.elevator);
          if (outcome === 'written') hostsToml.written.push(host);
          if (outcome === 'kept-users-file')
            hostsToml.problems.push(
              `${certsDir}/${host}/hosts.toml is your own file, so Berth left it as it is.`,
            );
        } catch (error) {
          hostsToml.problems.push(
            `Berth could not write ${certsDir}/${host}/hosts.toml: ${AppError.from(error).raw ?? AppError.from(error).message}`,
          );
        }
      }
      for (const host of removed) {
        try {
          if ((await removeHostsToml(certsDir, host)) === 'removed') hostsToml.removed.push(host);
        } catch (error) {
          hostsToml.problems.push(
            `Berth could not remove ${certsDir}/${host}/hosts.toml (${AppError.from(error).raw ?? ''}); remove it yourself.`,
          );
        }
      }
    }
    return { ...outcome, hostsToml };
  }

  private certsDir(location: DaemonConfigLocation): string {
    return this.deps.certsDir ?? certsDirectory(location.source, this.deps.environment);
  }

  private async context(): Promise<{ location: DaemonConfigLocation; info: DaemonInfo }> {
    let info: DaemonInfo;
    try {
      info = await fetchDaemonInfo(this.deps.docker);
    } catch (error) {
      throw new AppError(
        'DOCKER_UNAVAILABLE',
        'Berth cannot reach Docker, so it cannot tell which daemon.json it uses.',
        {
          hint: 'Start Docker Desktop (or dockerd); Berth finds the file once Docker answers.',
          fix: { kind: 'retry' },
          raw: error instanceof Error ? error.message : String(error),
          cause: error,
        },
      );
    }
    const location = locateDaemonConfig({
      info,
      connection: connectionOf(this.deps.docker),
      overridePath: this.deps.settings.daemonConfigPath(),
      environment: this.deps.environment,
    });
    return { location, info };
  }
}

function changedSince(path: string): AppError {
  return new AppError('DAEMON_CONFIG_CHANGED', `${path} changed on disk after Berth read it.`, {
    hint: 'Reload to see the current file, then make your change again.',
    fix: { kind: 'retry' },
  });
}
