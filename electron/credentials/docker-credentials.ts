/**
 * Registry logins exactly where and how the Docker CLI keeps them, so a login made in Berth works for
 * `docker push` and one made with `docker login` works in Berth.
 *
 * For a registry's key (see server-address.ts) the CLI looks, in order: `DOCKER_AUTH_CONFIG` (exact
 * key, read-only); the helper `credHelpers[key]`; the helper `credsStore`; else config.json's `auths`
 * (the exact key, then any key with the same host). A login is stored through the helper in force,
 * leaving an empty `auths` entry for the key as the CLI does, or, with no helper, in `auths` as
 * base64 `user:password` (not encrypted: the app says so). A logout erases every spelling of the key.
 *
 * Secrets stay inside this object's calls: answers to the renderer (`list`, `store`, `erase`) carry
 * user names and places only; errors and log lines never include a secret.
 */
import { AppError } from '../api/app-error';
import type { AppErrorData } from '../api/contract/errors';
import type { LoginStorage, LoginSummary, LoginsOverview } from '../api/contract/logins';
import type { DockerAuthConfig, RegistryAuth, RegistryLogin } from '../docker/registry-auth';
import {
  changeAuthEntries,
  dockerConfigDir,
  encodeAuth,
  readConfigFile,
  type AuthEntryChange,
  type DockerConfig,
} from './config-file';
import { CredentialHelper, IDENTITY_TOKEN_USERNAME } from './credential-helper';
import { readEnvironmentConfig, type EnvironmentConfig } from './environment-config';
import { authConfigKey, hostnameOfKey, logoutKeys, registryOfKey } from './server-address';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface DockerCredentialsOptions {
  /** DOCKER_CONFIG, DOCKER_AUTH_CONFIG, and the environment helpers run in (PATH, HOME, GNUPGHOME…). */
  env: NodeJS.ProcessEnv;
  /** The home folder, for `~/.docker` when DOCKER_CONFIG is unset (default: os.homedir()). */
  home?: string;
  /** For problems worth a line in the host's log (never with a secret). */
  log?: { warn(message: string): void };
  helperTimeoutMs?: number;
  /** Where helpers are usually installed depends on it (default: this process's). */
  platform?: NodeJS.Platform;
}

/** A login found for a key, with its secret: stays inside this module. */
interface FoundLogin {
  key: string;
  username: string;
  password?: string;
  identityToken?: string;
  storage: LoginStorage;
}

/** Docker's logins for this environment; see the file comment. */
export class DockerCredentials implements RegistryAuth {
  readonly configDir: string;
  readonly configPath: string;
  readonly #environment: EnvironmentConfig;
  readonly #options: DockerCredentialsOptions;

  constructor(options: DockerCredentialsOptions) {
    this.#options = options;
    this.configDir = dockerConfigDir(options.env, options.home);
    this.configPath = join(this.configDir, 'config.json');
    this.#environment = readEnvironmentConfig(options.env.DOCKER_AUTH_CONFIG);
  }

  /** The X-Registry-Auth for a push or pull; undefined (anonymous) when there is none or it can't be read. */
  async authFor(registry: string): Promise<DockerAuthConfig | undefined> {
    try {
      const found = await this.find(authConfigKey(registry));
      if (!found) return undefined;
      const auth: DockerAuthConfig = { serveraddress: found.key };
      if (found.username !== '') auth.username = found.username;
      if (found.identityToken !== undefined) auth.identitytoken = found.identityToken;
      else if (found.password !== undefined) auth.password = found.password;
      return auth;
    } catch (error) {
      // Like the CLI: a login that can't be read means an anonymous request, not a failed one.
      this.#options.log?.warn(`no login used for ${registry}: ${AppError.from(error).message}`);
      return undefined;
    }
  }

  /** Who is logged in where, without secrets; problems are listed, never thrown. */
  async list(): Promise<LoginsOverview> {
    const problems: AppErrorData[] = [];
    const found = new Map<
      string,
      Omit<FoundLogin, 'password' | 'identityToken'> & { identityToken: boolean }
    >();
    const overview: LoginsOverview = {
      configPath: this.configPath,
      credHelpers: [],
      environmentConfig: this.#environment.kind !== 'unset',
      logins: [],
      problems,
    };
    if (this.#environment.kind === 'invalid') problems.push(this.#environment.problem.toData());
    let config: DockerConfig | undefined;
    try {
      config = (await readConfigFile(this.configPath)).config;
    } catch (error) {
      problems.push(AppError.from(error).toData());
    }
    if (config) {
      if (config.credsStore !== undefined) overview.credsStore = config.credsStore;
      for (const [key, helper] of config.credHelpers)
        overview.credHelpers.push({ registry: registryOfKey(key), helper });
      for (const key of config.unreadableKeys) problems.push(unreadableEntry(this.configPath, key).toData());
      if (config.credsStore !== undefined) {
        const helper = this.helper(config.credsStore, '"credsStore"');
        try {
          for (const [key, username] of await helper.list())
            found.set(key, {
              ...summaryOf(key, username),
              storage: { kind: 'helper', helper: config.credsStore },
            });
        } catch (error) {
          problems.push(AppError.from(error).toData());
        }
      } else {
        for (const [key, entry] of config.auths) {
          if (entry.username === undefined && entry.identityToken === undefined) continue;
          found.set(key, {
            key,
            username: entry.username ?? '',
            identityToken: entry.identityToken !== undefined,
            storage: { kind: 'file', path: this.configPath },
          });
        }
      }
      // A registry's own helper wins over the default store, as in `docker` itself.
      // One helper call per entry, all at once: some (ecr-login, gcloud) fetch a token over the network.
      const own = await Promise.all(
        [...config.credHelpers].map(async ([key, helperName]) => {
          try {
            return {
              key,
              helperName,
              login: await this.helper(helperName, `"credHelpers" for ${key}`).get(key),
            };
          } catch (error) {
            problems.push(AppError.from(error).toData());
            return { key, helperName, login: undefined };
          }
        }),
      );
      for (const { key, helperName, login } of own) {
        found.delete(key);
        if (login)
          found.set(key, {
            ...summaryOf(key, login.username),
            storage: { kind: 'helper', helper: helperName },
          });
      }
    }
    if (this.#environment.kind === 'set') {
      for (const [key, login] of this.#environment.logins)
        found.set(key, {
          key,
          username: login.username,
          identityToken: false,
          storage: { kind: 'environment' },
        });
    }
    overview.logins = oneLoginPerRegistry([...found.values()]);
    // One missing helper named twice (credsStore and a credHelpers entry) is one problem.
    overview.problems = problems.filter(
      (problem, index) => problems.findIndex((other) => other.message === problem.message) === index,
    );
    return overview;
  }

  /**
   * Keep a login the daemon accepted, where `docker login` would. Answers where it went. Throws
   * DOCKER_CONFIG_INVALID (the file is left alone), CREDENTIAL_HELPER_MISSING / _FAILED, or CONFLICT.
   */
  async store(registry: string, login: RegistryLogin): Promise<LoginStorage> {
    const key = authConfigKey(registry);
    const { config } = await readConfigFile(this.configPath);
    const helper = this.helperFor(config, key);
    if (helper) {
      await helper.store(
        key,
        login.identityToken !== undefined
          ? { username: IDENTITY_TOKEN_USERNAME, secret: login.identityToken }
          : { username: login.username, secret: login.password },
      );
      // The CLI leaves an empty entry in `auths` for a login a helper keeps (and so drops any old secret there).
      await changeAuthEntries(this.configPath, [{ key, entry: {} }]);
      return { kind: 'helper', helper: helper.name };
    }
    const entry: Record<string, string> =
      login.identityToken !== undefined
        ? { auth: encodeAuth(login.username, ''), identitytoken: login.identityToken }
        : { auth: encodeAuth(login.username, login.password) };
    await changeAuthEntries(this.configPath, [{ key, entry }]);
    return { kind: 'file', path: this.configPath };
  }

  /**
   * Log out of a registry as `docker logout` does: erase every spelling of its key from the helper in
   * force for that spelling and from `auths`. Then check: if a login is still found, say why.
   */
  async erase(registry: string): Promise<{ remainsFromEnvironment: boolean }> {
    const host = registryOfKey(registry);
    const { config } = await readConfigFile(this.configPath);
    // docker logout's spellings, plus any other key for the same registry (`https://ghcr.io/`, …).
    const candidates = [...logoutKeys(host), ...config.auths.keys(), ...config.credHelpers.keys()];
    if (config.credsStore !== undefined) {
      const listed = await this.helper(config.credsStore, '"credsStore"')
        .list()
        .catch(() => new Map<string, string>());
      candidates.push(...listed.keys());
    }
    const keys = [...new Set(candidates)].filter((key) => registryOfKey(key) === host);
    const fileChanges: AuthEntryChange[] = [];
    const failures: AppError[] = [];
    for (const key of keys) {
      const helper = this.helperFor(config, key);
      if (helper) {
        try {
          await helper.erase(key);
        } catch (error) {
          // As in the CLI, the file entry stays when its helper could not erase the secret.
          failures.push(AppError.from(error));
          continue;
        }
      }
      fileChanges.push({ key, remove: true });
    }
    await changeAuthEntries(this.configPath, fileChanges);
    const remainsFromEnvironment =
      this.#environment.kind === 'set' &&
      keys.some((key) => this.#environment.kind === 'set' && this.#environment.logins.has(key));
    const still = await this.find(authConfigKey(host), { skipEnvironment: true }).catch((error: unknown) => {
      failures.push(AppError.from(error));
      return undefined;
    });
    if (still) {
      throw (
        failures[0] ??
        new AppError('INTERNAL', `The login for ${host} is still there after logging out.`, {
          hint: `Check ${this.configPath} and its credential helper.`,
        })
      );
    }
    const missing = failures.find((failure) => failure.code === 'CREDENTIAL_HELPER_MISSING');
    if (missing) throw missing;
    return { remainsFromEnvironment };
  }

  /** The login in force for a key, with its secret, in the CLI's order (see the file comment). */
  private async find(
    key: string,
    options: { skipEnvironment?: boolean } = {},
  ): Promise<FoundLogin | undefined> {
    if (!options.skipEnvironment && this.#environment.kind === 'set') {
      const login = this.#environment.logins.get(key);
      if (login) return { key, ...login, storage: { kind: 'environment' } };
    }
    const { config } = await readConfigFile(this.configPath);
    const helper = this.helperFor(config, key);
    if (helper) {
      const login = await helper.get(key);
      if (!login) return undefined;
      const storage: LoginStorage = { kind: 'helper', helper: helper.name };
      return login.username === IDENTITY_TOKEN_USERNAME
        ? { key, username: '', identityToken: login.secret, storage }
        : { key, username: login.username, password: login.secret, storage };
    }
    // The exact key, else a key saved with a scheme or path for the same host (older CLIs wrote those).
    let entryKey: string | undefined = config.auths.has(key) ? key : undefined;
    entryKey ??= [...config.auths.keys()].find((candidate) => hostnameOfKey(candidate) === key);
    const entry = entryKey === undefined ? undefined : config.auths.get(entryKey);
    if (!entry || (entry.username === undefined && entry.identityToken === undefined)) return undefined;
    const found: FoundLogin = {
      key,
      username: entry.username ?? '',
      storage: { kind: 'file', path: this.configPath },
    };
    if (entry.identityToken !== undefined) found.identityToken = entry.identityToken;
    else if (entry.password !== undefined) found.password = entry.password;
    return found;
  }

  /** The helper in force for a key (its `credHelpers` entry, else `credsStore`), or undefined: the file. */
  private helperFor(config: DockerConfig, key: string): CredentialHelper | undefined {
    const own = config.credHelpers.get(key);
    if (own !== undefined) return this.helper(own, `"credHelpers" for ${key}`);
    return config.credsStore === undefined ? undefined : this.helper(config.credsStore, '"credsStore"');
  }

  private helper(name: string, field: string): CredentialHelper {
    return new CredentialHelper(name, {
      env: helperEnvironment(
        this.#options.env,
        this.#options.platform ?? process.platform,
        this.#options.home,
      ),
      configuredIn: `${field} in ${this.configPath}`,
      ...(this.#options.helperTimeoutMs !== undefined ? { timeoutMs: this.#options.helperTimeoutMs } : {}),
    });
  }

  /** Nothing of the secrets or the environment in logs or util.inspect output. */
  toJSON(): { configPath: string } {
    return { configPath: this.configPath };
  }
}

function summaryOf(key: string, username: string): { key: string; username: string; identityToken: boolean } {
  return username === IDENTITY_TOKEN_USERNAME
    ? { key, username: '', identityToken: true }
    : { key, username, identityToken: false };
}

/**
 * One row per registry: the login a push would use (the key Docker looks up first), else the first
 * other spelling found for that host.
 */
function oneLoginPerRegistry(found: Omit<LoginSummary, 'registry'>[]): LoginSummary[] {
  const byRegistry = new Map<string, LoginSummary>();
  for (const login of found) {
    const registry = registryOfKey(login.key);
    const current = byRegistry.get(registry);
    if (!current || (login.key === authConfigKey(registry) && current.key !== login.key))
      byRegistry.set(registry, { registry, ...login });
  }
  return [...byRegistry.values()].sort((a, b) => a.registry.localeCompare(b.registry));
}

function unreadableEntry(path: string, key: string): AppError {
  return new AppError('DOCKER_CONFIG_INVALID', `The login for ${key} in ${path} can't be read.`, {
    hint: `Its "auth" is not base64 of user:password. Log in to ${key} again, or log out to remove it.`,
  });
}

/**
 * The environment helpers run in: the app's own, with the folders Docker installs helpers to added at
 * the end of PATH. An app started from the desktop (macOS Finder, a Linux menu) doesn't get the PATH a
 * terminal has, so without them `docker-credential-desktop` would look missing to Berth but not to
 * `docker` in a terminal. The user's own PATH still comes first.
 */
export function helperEnvironment(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform,
  home: string = homedir(),
): NodeJS.ProcessEnv {
  const extra =
    platform === 'darwin'
      ? [
          '/usr/local/bin',
          '/opt/homebrew/bin',
          join(home, '.docker', 'bin'),
          '/Applications/Docker.app/Contents/Resources/bin',
        ]
      : platform === 'win32'
        ? ['C:\\Program Files\\Docker\\Docker\\resources\\bin']
        : ['/usr/local/bin', '/usr/bin', join(home, '.docker', 'bin')];
  const separator = platform === 'win32' ? ';' : delimiter;
  // Windows spells it Path, and a copy of process.env is no longer case-insensitive.
  const key = Object.keys(env).find((name) => name.toUpperCase() === 'PATH') ?? 'PATH';
  const current = (env[key] ?? '').split(separator).filter((folder) => folder !== '');
  const path = [...current, ...extra.filter((folder) => !current.includes(folder))].join(separator);
  return { ...env, [key]: path };
}
