/**
 * Docker's client config file (`$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`): reading the
 * parts about logins, and changing one login entry without disturbing anything else.
 *
 * Reading is strict JSON, as the CLI's: a file that is not valid JSON is reported (where, never what:
 * the text may hold passwords) and never written. Writing edits the text in place (jsonc-parser's
 * `modify`), so every other key, entry, order and indentation stays byte for byte as it was, then
 * replaces the file atomically: a temp file beside it with the old file's mode (0600 for a new file),
 * fsync, rename. The CLI rewrites the file whenever it logs in or out, so just before the rename the
 * file is read again; if it changed since the edit was made, the edit is made again on the new text
 * (a few times), never over it.
 */
import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdir, open, readFile, realpath, rename, stat, unlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { applyEdits, modify, parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { AppError } from '../api/app-error';

/** One `auths` entry, decoded. The secrets live only in these objects, inside this module. */
export interface FileAuthEntry {
  username?: string;
  password?: string;
  identityToken?: string;
}

/** The parts of config.json about logins. */
export interface DockerConfig {
  auths: Map<string, FileAuthEntry>;
  /** `auths` keys whose `auth` could not be decoded (not base64, or no `user:`): ignored, as a problem. */
  unreadableKeys: string[];
  credsStore: string | undefined;
  credHelpers: Map<string, string>;
}

/** The file as read: its text (null when there is none) and what it says. */
export interface ConfigSnapshot {
  path: string;
  text: string | null;
  config: DockerConfig;
}

/** Where Docker's client config lives for this environment: `DOCKER_CONFIG`, else `~/.docker`. */
export function dockerConfigDir(env: NodeJS.ProcessEnv, home: string = homedir()): string {
  const fromEnv = env.DOCKER_CONFIG;
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : join(home, '.docker');
}

export function emptyConfig(): DockerConfig {
  return { auths: new Map(), unreadableKeys: [], credsStore: undefined, credHelpers: new Map() };
}

/** `base64(user:password)`, as Docker writes `auth`. */
export function encodeAuth(username: string, password: string): string {
  return Buffer.from(`${username}:${password}`, 'utf8').toString('base64');
}

/** Decodes `auth`; undefined when it is not standard base64 of `user:password` with a user name. */
export function decodeAuth(auth: string): { username: string; password: string } | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(auth) || auth.length % 4 !== 0) return undefined;
  const decoded = Buffer.from(auth, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  // Go's decoder leaves NULs from padding at the end; the CLI trims them too.
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1).replace(/^\0+|\0+$/g, '') };
}

/** Reads and parses the file. Throws DOCKER_CONFIG_INVALID for text that is not a JSON object. */
export async function readConfigFile(path: string): Promise<ConfigSnapshot> {
  const text = await readTextOrNull(path);
  return { path, text, config: text === null ? emptyConfig() : parseConfig(text, path) };
}

/** Parses config.json's text; see readConfigFile. Exported for the tests. */
export function parseConfig(text: string, path: string): DockerConfig {
  // An empty file is fine for the CLI (nothing configured yet).
  if (text.trim() === '') return emptyConfig();
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, { disallowComments: true, allowTrailingComma: false });
  if (errors.length > 0) {
    const first = errors[0]!;
    const { line, column } = lineAndColumn(text, first.offset);
    // Where and what kind of mistake only: quoting the text could show a password.
    throw invalidConfig(path, `${printParseErrorCode(first.error)} at line ${line}, column ${column}`);
  }
  if (!isObject(value)) throw invalidConfig(path, 'it is not a JSON object');
  const config = emptyConfig();
  const { auths, credsStore, credHelpers } = value;
  if (auths !== undefined && auths !== null) {
    if (!isObject(auths)) throw invalidConfig(path, '"auths" is not an object');
    for (const [key, raw] of Object.entries(auths)) {
      if (!isObject(raw)) throw invalidConfig(path, `the "auths" entry for ${key} is not an object`);
      const entry: FileAuthEntry = {};
      if (typeof raw.auth === 'string' && raw.auth !== '') {
        const decoded = decodeAuth(raw.auth);
        if (!decoded) {
          config.unreadableKeys.push(key);
          continue;
        }
        entry.username = decoded.username;
        entry.password = decoded.password;
      }
      if (typeof raw.identitytoken === 'string' && raw.identitytoken !== '')
        entry.identityToken = raw.identitytoken;
      config.auths.set(key, entry);
    }
  }
  if (credsStore !== undefined && credsStore !== null) {
    if (typeof credsStore !== 'string') throw invalidConfig(path, '"credsStore" is not a string');
    if (credsStore !== '') config.credsStore = credsStore;
  }
  if (credHelpers !== undefined && credHelpers !== null) {
    if (!isObject(credHelpers)) throw invalidConfig(path, '"credHelpers" is not an object');
    for (const [key, helper] of Object.entries(credHelpers)) {
      if (typeof helper !== 'string') throw invalidConfig(path, `"credHelpers" for ${key} is not a string`);
      if (helper !== '') config.credHelpers.set(key, helper);
    }
  }
  return config;
}

/** What an `auths` entry should become: an object to store (`{}` for a helper's placeholder), or removed. */
export type AuthEntryChange = { key: string; entry: Record<string, string> } | { key: string; remove: true };

/**
 * Applies the changes to `auths` and writes the file atomically (see the file comment). A change that
 * would not alter the text (removing a key that is not there) writes nothing. Answers whether the file
 * was written.
 */
export async function changeAuthEntries(
  path: string,
  changes: AuthEntryChange[],
  options: { attempts?: number; beforeRename?: () => Promise<void> } = {},
): Promise<boolean> {
  const attempts = options.attempts ?? 5;
  const target = await resolveTarget(path);
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    const before = await readTextOrNull(target);
    // Refuse to touch a file we cannot read correctly: parseConfig throws DOCKER_CONFIG_INVALID.
    const config = before === null ? emptyConfig() : parseConfig(before, path);
    const next = editAuths(before, config, changes);
    if (next === before) return false;
    const written = await writeTemp(target, next, await modeAndOwner(target));
    try {
      await options.beforeRename?.();
      // The CLI may have rewritten the file while we made ours: then ours is stale; start again.
      if ((await readTextOrNull(target)) !== before) continue;
      await rename(written, target);
      return true;
    } finally {
      await unlink(written).catch(() => undefined);
    }
  }
  throw new AppError('CONFLICT', `${path} kept changing while Berth tried to save the login.`, {
    hint: 'Something else (perhaps docker login in a terminal) is writing it. Try again in a moment.',
    fix: { kind: 'retry' },
  });
}

function editAuths(text: string | null, config: DockerConfig, changes: AuthEntryChange[]): string | null {
  const indentation = detectIndentation(text);
  let next = text ?? '';
  const formattingOptions = { ...indentation, eol: text?.includes('\r\n') ? '\r\n' : '\n' };
  for (const change of changes) {
    if ('remove' in change) {
      if (!config.auths.has(change.key) && !config.unreadableKeys.includes(change.key)) continue;
      next = applyEdits(next, modify(next, ['auths', change.key], undefined, { formattingOptions }));
    } else {
      if (next.trim() === '') next = '{}';
      next = applyEdits(next, modify(next, ['auths', change.key], change.entry, { formattingOptions }));
    }
  }
  if (text === null && next === '') return null;
  if (text === null || (next !== text && !next.endsWith('\n') && text.endsWith('\n'))) return `${next}\n`;
  return next;
}

/** Tabs, as Docker writes the file, unless the file is indented with spaces. */
function detectIndentation(text: string | null): { insertSpaces: boolean; tabSize: number } {
  const match = text?.match(/\n([ \t]+)"/);
  if (!match || match[1]!.startsWith('\t')) return { insertSpaces: false, tabSize: 1 };
  return { insertSpaces: true, tabSize: match[1]!.length };
}

/** The real file behind a symlinked config.json (the CLI writes through links too). */
async function resolveTarget(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    return path;
  }
}

async function modeAndOwner(path: string): Promise<{ mode: number; uid?: number; gid?: number }> {
  try {
    const info = await stat(path);
    return { mode: info.isFile() ? info.mode & 0o7777 : 0o600, uid: info.uid, gid: info.gid };
  } catch {
    return { mode: 0o600 };
  }
}

async function writeTemp(
  target: string,
  text: string | null,
  owner: { mode: number; uid?: number; gid?: number },
): Promise<string> {
  const folder = dirname(target);
  await mkdir(folder, { recursive: true, mode: 0o700 });
  const temp = join(folder, `.${basename(target)}.berth-${randomBytes(6).toString('hex')}`);
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(text ?? '');
    await handle.sync();
  } finally {
    await handle.close();
  }
  // open()'s mode is masked by the umask; set the old file's mode exactly, and its owner where we may.
  await chmod(temp, owner.mode);
  if (owner.uid !== undefined && owner.gid !== undefined && owner.uid > 0 && owner.gid > 0)
    await chown(temp, owner.uid, owner.gid).catch(() => undefined);
  return temp;
}

async function readTextOrNull(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new AppError('INTERNAL', `Berth could not read Docker's config file ${path}.`, {
      raw: (error as Error).message,
    });
  }
}

function invalidConfig(path: string, why: string): AppError {
  return new AppError('DOCKER_CONFIG_INVALID', `Docker's config file ${path} can't be read: ${why}.`, {
    hint: "Berth leaves it as it is and can't use or save logins until it is fixed: correct it in an editor, or move it aside (docker login then starts a new one).",
  });
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
