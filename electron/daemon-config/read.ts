/**
 * Reads daemon.json as Docker does: strict JSON (no comments, no trailing commas), an object at the top.
 * A missing file is `{}`. A file that does not parse is reported with line, column and its raw text,
 * and never touched. Every read carries a content hash, the version later writes are checked against.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { AppError } from '../api/app-error';

/** The version token of a file that does not exist. */
export const ABSENT_VERSION = 'absent';

/** Keys Berth edits; each must be a list of strings for Docker to start. */
export const INSECURE_REGISTRIES_KEY = 'insecure-registries';
export const REGISTRY_MIRRORS_KEY = 'registry-mirrors';

/** daemon.json as read from disk. */
export interface DaemonConfigFile {
  path: string;
  exists: boolean;
  /** The text exactly as on disk ('' when missing). */
  text: string;
  /** sha256 of the bytes, or ABSENT_VERSION. */
  version: string;
  insecureRegistries: string[];
  registryMirrors: string[];
}

/** The version token for some content (null: no file). */
export function contentVersion(content: string | Buffer | null): string {
  if (content === null) return ABSENT_VERSION;
  return `sha256:${createHash('sha256').update(content).digest('hex')}`;
}

/** Read and check the file; DAEMON_CONFIG_INVALID when Docker could not read it either. */
export async function readDaemonConfig(path: string): Promise<DaemonConfigFile> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return {
        path,
        exists: false,
        text: '',
        version: ABSENT_VERSION,
        insecureRegistries: [],
        registryMirrors: [],
      };
    }
    throw new AppError('DAEMON_CONFIG_NOT_WRITABLE', `Berth cannot read ${path}.`, {
      hint: 'Check that your user may read the file and the folders above it.',
      raw: (error as Error).message,
      cause: error,
    });
  }
  const text = decodeDaemonConfig(bytes, path);
  const lists = parseDaemonConfigText(text, path);
  return { path, exists: true, text, version: contentVersion(bytes), ...lists };
}

/**
 * daemon.json's bytes as text, strictly: bytes that aren't UTF-8 throw DAEMON_CONFIG_INVALID (Docker
 * refuses such a file too; read leniently it would look valid, and the next edit would rewrite the
 * damaged bytes). A BOM is kept in the text, for parseStrict to name it.
 */
export function decodeDaemonConfig(bytes: Buffer, path: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    const lenient = bytes.toString('utf8');
    throw invalid(path, lenient, Math.max(0, lenient.indexOf('\ufffd')), 'the file is not valid UTF-8 text');
  }
}

/** The registry lists of a daemon.json text; throws DAEMON_CONFIG_INVALID with line and column. */
export function parseDaemonConfigText(
  text: string,
  path: string,
): { insecureRegistries: string[]; registryMirrors: string[] } {
  const root = parseStrict(text, path);
  if (!root) return { insecureRegistries: [], registryMirrors: [] };
  return {
    insecureRegistries: stringList(root, INSECURE_REGISTRIES_KEY, text, path),
    registryMirrors: stringList(root, REGISTRY_MIRRORS_KEY, text, path),
  };
}

/**
 * The syntax tree of a strict JSON object, or undefined for an empty (whitespace-only) file, which we
 * treat like a missing one.
 */
export function parseStrict(text: string, path: string): Node | undefined {
  if (text.trim() === '') return undefined;
  if (text.charCodeAt(0) === 0xfeff) {
    // Docker reads past a BOM; Berth only edits plain UTF-8, so it says so rather than "invalid".
    throw new AppError(
      'DAEMON_CONFIG_INVALID',
      `${path} starts with a byte order mark (BOM). Docker reads it, but Berth edits only UTF-8 files without one, so it will not change this file.`,
      {
        hint: 'Save it as UTF-8 without BOM (in Notepad: Save as, Encoding: UTF-8), then reload. Or edit it in the raw editor without the BOM.',
        fix: { kind: 'openDaemonConfig' },
        raw: text,
      },
    );
  }
  const errors: ParseError[] = [];
  const options = { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false };
  const root = parseTree(text, errors, options);
  const first = errors[0];
  if (first) throw invalid(path, text, first.offset, describeError(first, text));
  if (!root || root.type !== 'object')
    throw invalid(path, text, root?.offset ?? 0, 'daemon.json must be one JSON object, { … }');
  // Belt and braces: whatever the tolerant parser let through, the platform's strict parser must accept too.
  try {
    JSON.parse(text);
  } catch (error) {
    throw invalid(path, text, 0, (error as Error).message);
  }
  // A repeated key is legal JSON, but which copy Docker honours is not obvious to a person; refuse the ones we edit.
  for (const key of [INSECURE_REGISTRIES_KEY, REGISTRY_MIRRORS_KEY]) {
    const copies = (root.children ?? []).filter((property) => property.children?.[0]?.value === key);
    if (copies.length > 1)
      throw invalid(path, text, copies[1]?.offset ?? 0, `"${key}" appears more than once; keep one`);
  }
  return root;
}

function stringList(root: Node, key: string, text: string, path: string): string[] {
  const property = (root.children ?? []).find((child) => child.children?.[0]?.value === key);
  const value = property?.children?.[1];
  if (!value) return [];
  if (value.type !== 'array')
    throw invalid(path, text, value.offset, `"${key}" must be a list, like ["host:port"]`);
  return (value.children ?? []).map((item) => {
    if (item.type !== 'string')
      throw invalid(path, text, item.offset, `every entry of "${key}" must be a string in quotes`);
    return item.value as string;
  });
}

/** Where and why a DAEMON_CONFIG_INVALID error says the text is broken, for the raw editor's marker. */
export function problemOf(error: unknown): { line: number; column: number; message: string } | undefined {
  if (!(error instanceof AppError) || error.code !== 'DAEMON_CONFIG_INVALID') return undefined;
  const issue = error.issues?.[0];
  const match = issue ? /^line (\d+), column (\d+)$/.exec(issue.path) : null;
  return issue && match
    ? { line: Number(match[1]), column: Number(match[2]), message: issue.message }
    : undefined;
}

/** 1-based line and column of an offset, as editors show them. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - (before.lastIndexOf('\n') + 1) + 1;
  return { line, column };
}

function invalid(path: string, text: string, offset: number, why: string): AppError {
  const { line, column } = lineAndColumn(text, offset);
  return new AppError(
    'DAEMON_CONFIG_INVALID',
    `${path} is not valid for Docker: line ${line}, column ${column}: ${why}.`,
    {
      hint: 'Berth will not overwrite it. Fix it in the raw editor (Docker reads strict JSON: no comments, no trailing commas), then save.',
      fix: { kind: 'openDaemonConfig' },
      raw: text,
      issues: [{ path: `line ${line}, column ${column}`, message: why }],
    },
  );
}

function describeError(error: ParseError, text: string): string {
  const previous = text.slice(0, error.offset).trimEnd().at(-1);
  const here = text.slice(error.offset).trimStart()[0];
  if (previous === ',' && (here === '}' || here === ']'))
    return `a trailing comma before "${here}" (JSON allows none)`;
  const code = printParseErrorCode(error.error);
  switch (code) {
    case 'InvalidCommentToken':
      return 'a comment; Docker reads strict JSON, which has no comments';
    case 'CommaExpected':
      return 'a comma is missing between two entries';
    case 'ColonExpected':
      return 'a colon is missing after a key';
    case 'PropertyNameExpected':
      return 'expected a key in double quotes';
    case 'ValueExpected':
      return 'expected a value';
    case 'CloseBraceExpected':
      return 'a closing } is missing';
    case 'CloseBracketExpected':
      return 'a closing ] is missing';
    case 'EndOfFileExpected':
      return 'there is text after the closing }';
    case 'UnexpectedEndOfString':
      return 'a string is not closed with "';
    case 'InvalidCharacter':
      return 'a control character (like a tab or line break) inside a string';
    case 'InvalidSymbol':
      return `unexpected ${here === "'" ? 'single quote (JSON strings use double quotes)' : `"${here ?? ''}"`}`;
    default:
      return code;
  }
}
