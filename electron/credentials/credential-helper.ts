/**
 * A Docker credential helper: the program `docker-credential-<name>` (pass, secretservice, osxkeychain,
 * wincred, desktop, ecr-login…) that keeps logins in the system's keychain. The protocol, as Docker's
 * own client speaks it: the action is the only argument; `get` and `erase` read the server address on
 * stdin, `store` reads `{"ServerURL","Username","Secret"}`, `list` answers `{address: username}`; a
 * failure is a non-zero exit with the reason on stdout, and "credentials not found in native keychain"
 * means there is simply no login. A username of `<token>` marks an identity token as the secret.
 *
 * Errors name the helper and the fix, and never carry a secret: the helper's output is only quoted when
 * it failed, and the secret handed to `store` is cut out of it even then.
 */
import { spawn } from 'node:child_process';
import { AppError } from '../api/app-error';

/** What `get` answers when the secret is an identity token rather than a password. */
export const IDENTITY_TOKEN_USERNAME = '<token>';
const NOT_FOUND_MESSAGE = 'credentials not found in native keychain';
const MAX_OUTPUT_BYTES = 1024 * 1024;

export interface HelperCredentials {
  username: string;
  secret: string;
}

export interface CredentialHelperOptions {
  /** The environment the helper runs in (PATH finds it; pass needs GNUPGHOME, PASSWORD_STORE_DIR…). */
  env: NodeJS.ProcessEnv;
  /** Where the config names this helper, for messages: `"credsStore" in /home/ada/.docker/config.json`. */
  configuredIn: string;
  /** A helper that waits for a passphrase prompt nobody answers is stopped after this (default 30 s). */
  timeoutMs?: number;
}

/** One credential helper program; see the file comment. */
export class CredentialHelper {
  readonly program: string;

  constructor(
    readonly name: string,
    private readonly options: CredentialHelperOptions,
  ) {
    this.program = `docker-credential-${name}`;
  }

  /** The login kept for `serverAddress`, or undefined when the helper has none. */
  async get(serverAddress: string): Promise<HelperCredentials | undefined> {
    const output = await this.run('get', serverAddress, []);
    if (output === undefined) return undefined;
    const answer = parseJson(output);
    if (!isRecord(answer) || typeof answer.Username !== 'string' || typeof answer.Secret !== 'string')
      throw this.failed('get', 'it answered something other than {"Username", "Secret"}');
    // Some helpers (pass) answer an empty login instead of "not found".
    if (answer.Username === '' && answer.Secret === '') return undefined;
    return { username: answer.Username, secret: answer.Secret };
  }

  async store(serverAddress: string, credentials: HelperCredentials): Promise<void> {
    const input = `${JSON.stringify({
      ServerURL: serverAddress,
      Username: credentials.username,
      Secret: credentials.secret,
    })}\n`;
    await this.run('store', input, [credentials.secret]);
  }

  /** Removes the login for `serverAddress`; no login there is not an error. */
  async erase(serverAddress: string): Promise<void> {
    await this.run('erase', serverAddress, []);
  }

  /** Every address the helper holds a login for, with its user name (no secrets). */
  async list(): Promise<Map<string, string>> {
    const output = (await this.run('list', 'unused', [])) ?? '{}';
    const answer = parseJson(output);
    if (!isRecord(answer)) throw this.failed('list', 'it answered something other than a JSON object');
    const logins = new Map<string, string>();
    for (const [address, username] of Object.entries(answer))
      if (typeof username === 'string') logins.set(address, username);
    return logins;
  }

  /** Runs one action; answers stdout, or undefined for "credentials not found". */
  private run(action: string, input: string, secrets: string[]): Promise<string | undefined> {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(this.name)) {
      return Promise.reject(
        new AppError('CREDENTIAL_HELPER_FAILED', `"${this.name}" is not a credential helper name.`, {
          hint: `Correct ${this.options.configuredIn}: a helper is named like "pass" or "desktop".`,
        }),
      );
    }
    return new Promise((resolve, reject) => {
      const child = spawn(this.program, [action], {
        env: this.options.env,
        stdio: ['pipe', 'pipe', 'ignore'],
        windowsHide: true,
      });
      const chunks: Buffer[] = [];
      let size = 0;
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, this.options.timeoutMs ?? 30_000);
      child.stdout.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_OUTPUT_BYTES) chunks.push(chunk);
      });
      child.on('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(error.code === 'ENOENT' ? this.missing() : this.failed(action, error.message));
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        const output = Buffer.concat(chunks).toString('utf8');
        if (timedOut) return reject(this.failed(action, 'it did not answer within 30 seconds'));
        if (code === 0) return resolve(output);
        const message = scrub(output.trim(), secrets);
        if (message === NOT_FOUND_MESSAGE) return resolve(undefined);
        reject(this.failed(action, `it exited with code ${code}`, message));
      });
      // A helper that exits before reading its input closes the pipe: that is reported by 'close'.
      child.stdin.on('error', () => undefined);
      child.stdin.end(input);
    });
  }

  private missing(): AppError {
    return new AppError(
      'CREDENTIAL_HELPER_MISSING',
      `Docker is set to keep logins with the credential helper "${this.name}", but ${this.program} is not installed.`,
      {
        hint:
          `Install ${this.program}, or remove it from ${this.options.configuredIn} so logins go back to the file ` +
          '(a leftover "desktop" is common after Docker Desktop was uninstalled). Logins kept elsewhere still work.',
      },
    );
  }

  private failed(action: string, why: string, output?: string): AppError {
    return new AppError(
      'CREDENTIAL_HELPER_FAILED',
      `The credential helper ${this.program} failed to ${action} a login: ${why}.`,
      {
        hint: `It is named in ${this.options.configuredIn}. Check that it works: ${this.program} list`,
        ...(output ? { raw: output } : {}),
      },
    );
  }
}

/** Cuts any of the secrets (and their base64 form) out of a helper's error text. */
function scrub(text: string, secrets: string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret === '') continue;
    for (const form of [secret, Buffer.from(secret).toString('base64')])
      result = result.split(form).join('[secret]');
  }
  return result;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
