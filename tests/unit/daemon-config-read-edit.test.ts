/** Strict reading (line and column for every way people break JSON), the editor on typical layouts, and the diff. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppError } from '../../electron/api/app-error';
import { unifiedDiff } from '../../electron/daemon-config/diff';
import { editDaemonConfigText, type RegistryEdits } from '../../electron/daemon-config/edit';
import {
  ABSENT_VERSION,
  contentVersion,
  parseDaemonConfigText,
  readDaemonConfig,
} from '../../electron/daemon-config/read';

const NONE: RegistryEdits = {
  addInsecureRegistries: [],
  removeInsecureRegistries: [],
  addRegistryMirrors: [],
  removeRegistryMirrors: [],
};

function failure(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    return error as AppError;
  }
  throw new Error('expected a failure');
}

describe('reading daemon.json', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'berth-read-'));
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('a missing file is {} with the absent version', async () => {
    expect(await readDaemonConfig(join(folder, 'nope.json'))).toEqual({
      path: join(folder, 'nope.json'),
      exists: false,
      text: '',
      version: ABSENT_VERSION,
      insecureRegistries: [],
      registryMirrors: [],
    });
  });

  it('refuses a file that is not UTF-8 (Docker refuses it too), and says a BOM is Berth’s limit, not Docker’s', async () => {
    const latin1 = join(folder, 'latin1.json');
    await writeFile(latin1, Buffer.from([...Buffer.from('{"labels": ["caf'), 0xe9, ...Buffer.from('"]}')]));
    const notUtf8 = await readDaemonConfig(latin1).then(
      () => undefined,
      (error: unknown) => error as AppError,
    );
    expect(notUtf8?.code).toBe('DAEMON_CONFIG_INVALID');
    expect(notUtf8?.message).toContain('line 1, column 17: the file is not valid UTF-8 text');
    const bom = failure(() => parseDaemonConfigText('\uFEFF{}', '/etc/docker/daemon.json'));
    expect(bom.code).toBe('DAEMON_CONFIG_INVALID');
    expect(bom.message).toContain('Docker reads it, but Berth edits only UTF-8 files without one');
    expect(bom.message).not.toContain('not valid for Docker');
    expect(bom.fix).toEqual({ kind: 'openDaemonConfig' });
  });

  it('answers the lists and a version that is the hash of the bytes', async () => {
    const path = join(folder, 'ok.json');
    const text = '{"insecure-registries": ["a.lan:5000"], "registry-mirrors": ["https://m.example.com"]}';
    await writeFile(path, text);
    const file = await readDaemonConfig(path);
    expect(file).toMatchObject({
      exists: true,
      text,
      insecureRegistries: ['a.lan:5000'],
      registryMirrors: ['https://m.example.com'],
    });
    expect(file.version).toBe(contentVersion(Buffer.from(text)));
    expect(file.version).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it.each([
    ['{\n  "debug": true,\n}', 3, 1, 'a trailing comma before "}" (JSON allows none)'],
    ['{\n  "labels": ["a",]\n}', 2, 18, 'a trailing comma before "]" (JSON allows none)'],
    ['{\n  // mine\n  "debug": true\n}', 2, 3, 'a comment; Docker reads strict JSON, which has no comments'],
    ['{\n  "debug": true\n  "mtu": 1500\n}', 3, 3, 'a comma is missing between two entries'],
    ["{\n  'debug': true\n}", 2, 3, 'unexpected single quote (JSON strings use double quotes)'],
    ['{\n  "debug" true\n}', 2, 11, 'a colon is missing after a key'],
    ['{\n  "debug": true\n', 3, 1, 'a closing } is missing'],
    ['{"debug": true} {}', 1, 17, 'there is text after the closing }'],
    ['["a"]', 1, 1, 'daemon.json must be one JSON object, { … }'],
    ['{"insecure-registries": "a.lan"}', 1, 25, '"insecure-registries" must be a list, like ["host:port"]'],
    ['{"registry-mirrors": [1]}', 1, 23, 'every entry of "registry-mirrors" must be a string in quotes'],
    [
      '{"insecure-registries": [], "insecure-registries": ["x"]}',
      1,
      29,
      '"insecure-registries" appears more than once; keep one',
    ],
  ])('%j → line %i, column %i', (text, line, column, why) => {
    const error = failure(() => parseDaemonConfigText(text, '/etc/docker/daemon.json'));
    expect(error.code).toBe('DAEMON_CONFIG_INVALID');
    expect(error.message).toBe(
      `/etc/docker/daemon.json is not valid for Docker: line ${line}, column ${column}: ${why}.`,
    );
    expect(error.issues).toEqual([{ path: `line ${line}, column ${column}`, message: why }]);
    expect(error.raw).toBe(text);
    expect(error.fix).toEqual({ kind: 'openDaemonConfig' });
  });

  it('a blank file reads like a missing one', () => {
    expect(parseDaemonConfigText(' \n', 'x')).toEqual({ insecureRegistries: [], registryMirrors: [] });
  });
});

describe('editing keeps the file’s own layout', () => {
  it.each([
    [
      'one line, no spaces',
      '{"debug":true,"mtu":1500}',
      '{"debug":true,"mtu":1500,"insecure-registries":["a.lan:5000"]}',
    ],
    [
      'tabs and CRLF',
      '{\r\n\t"debug": true\r\n}\r\n',
      '{\r\n\t"debug": true,\r\n\t"insecure-registries": ["a.lan:5000"]\r\n}\r\n',
    ],
    ['empty object', '{}', '{\n  "insecure-registries": ["a.lan:5000"]\n}'],
    ['missing file', '', '{\n  "insecure-registries": ["a.lan:5000"]\n}\n'],
    [
      'empty list',
      '{\n    "insecure-registries": []\n}\n',
      '{\n    "insecure-registries": ["a.lan:5000"]\n}\n',
    ],
    [
      'multi-line list',
      '{\n  "insecure-registries": [\n    "b.lan"\n  ],\n  "debug": true\n}\n',
      '{\n  "insecure-registries": [\n    "b.lan",\n    "a.lan:5000"\n  ],\n  "debug": true\n}\n',
    ],
  ])('adds to %s', (_name, before, after) => {
    expect(editDaemonConfigText(before, 'x', { ...NONE, addInsecureRegistries: ['a.lan:5000'] })).toBe(after);
  });

  it.each([
    ['the first item', '["a", "b", "c"]', 'a', '["b", "c"]'],
    ['a middle item', '["a", "b", "c"]', 'b', '["a", "c"]'],
    ['the last item', '["a", "b", "c"]', 'c', '["a", "b"]'],
    ['the only item', '[ "a" ]', 'a', '[]'],
    // Docker looks entries up exactly as written: "A.lan" is another entry than "a.lan".
    ['exactly as written', '["A.lan", "a.lan", "b"]', 'a.lan', '["A.lan", "b"]'],
    [
      'every copy of an entry listed twice',
      '["reg:5000", "other:5000", "reg:5000"]',
      'reg:5000',
      '["other:5000"]',
    ],
  ])('removes %s', (_name, list, entry, expected) => {
    const text = `{"debug": true, "insecure-registries": ${list}, "mtu": 1}`;
    expect(editDaemonConfigText(text, 'x', { ...NONE, removeInsecureRegistries: [entry] })).toBe(
      `{"debug": true, "insecure-registries": ${expected}, "mtu": 1}`,
    );
  });

  it('adds an entry that differs from a listed one only in letter case (Docker tells them apart)', () => {
    const text = '{"insecure-registries": ["Registry.lan:5000"]}';
    expect(editDaemonConfigText(text, 'x', { ...NONE, addInsecureRegistries: ['registry.lan:5000'] })).toBe(
      '{"insecure-registries": ["Registry.lan:5000", "registry.lan:5000"]}',
    );
  });

  it('removes a mirror whatever its trailing slash', () => {
    const text = '{"registry-mirrors": ["https://m.example.com/"]}';
    expect(
      editDaemonConfigText(text, 'x', { ...NONE, removeRegistryMirrors: ['https://m.example.com'] }),
    ).toBe('{"registry-mirrors": []}');
  });

  it('refuses duplicates, repeats and removals of what is not there, saying which and why', () => {
    const text = '{"insecure-registries": ["a.lan:5000"], "registry-mirrors": ["https://m.example.com/"]}';
    const error = failure(() =>
      editDaemonConfigText(text, 'x', {
        addInsecureRegistries: ['a.lan:5000', 'b.lan', 'b.lan'],
        removeInsecureRegistries: ['c.lan'],
        addRegistryMirrors: ['https://m.example.com'],
        removeRegistryMirrors: [],
      }),
    );
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.issues).toEqual([
      { path: 'addInsecureRegistries.0', message: '"a.lan:5000" is already in insecure-registries.' },
      { path: 'addInsecureRegistries.2', message: '"b.lan" is listed twice.' },
      {
        path: 'removeInsecureRegistries.0',
        message: '"c.lan" is not in insecure-registries, so there is nothing to remove.',
      },
      { path: 'addRegistryMirrors.0', message: '"https://m.example.com" is already in registry-mirrors.' },
    ]);
  });
});

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('{}\n', '{}\n')).toBe('');
  });
  it('shows removed then added lines with context and hunk numbers', () => {
    const before = [
      '{',
      '  "a": 1,',
      '  "b": 2,',
      '  "c": 3,',
      '  "d": 4,',
      '  "e": 5,',
      '  "f": 6',
      '}',
      '',
    ].join('\n');
    const after = before.replace('"c": 3', '"c": 30').replace('}', '  ,"g": 7\n}');
    expect(unifiedDiff(before, after)).toBe(
      [
        '--- before',
        '+++ after',
        '@@ -1,8 +1,9 @@',
        ' {',
        '   "a": 1,',
        '   "b": 2,',
        '-  "c": 3,',
        '+  "c": 30,',
        '   "d": 4,',
        '   "e": 5,',
        '   "f": 6',
        '+  ,"g": 7',
        ' }',
        '',
      ].join('\n'),
    );
  });
  it('splits far-apart changes into separate hunks', () => {
    const lines = Array.from({ length: 30 }, (_, i) => `line ${i}`);
    const changed = [...lines];
    changed[2] = 'changed 2';
    changed[25] = 'changed 25';
    const diff = unifiedDiff(lines.join('\n'), changed.join('\n'));
    expect(diff.match(/^@@ .* @@$/gm)).toEqual(['@@ -1,6 +1,6 @@', '@@ -23,7 +23,7 @@']);
  });
  it('diffs a new file from nothing', () => {
    expect(unifiedDiff('', '{\n}\n')).toBe('--- before\n+++ after\n@@ -0,0 +1,2 @@\n+{\n+}\n');
  });
});
