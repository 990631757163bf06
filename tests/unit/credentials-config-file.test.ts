/**
 * config.json's login parts on a temp folder: decoding as the CLI does, a malformed file reported
 * (where, never what) and left alone, and edits that change one entry only, atomically, keeping the
 * mode, and never over a change someone else made in between.
 */
import { chmod, lstat, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../electron/api/app-error';
import {
  changeAuthEntries,
  decodeAuth,
  dockerConfigDir,
  encodeAuth,
  parseConfig,
  readConfigFile,
} from '../../electron/credentials/config-file';

let folder: string;
let path: string;
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'berth-config-file-'));
  path = join(folder, 'config.json');
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

/** A file as the CLI writes it, with keys Berth doesn't know and another registry's login. */
const cliFile = `{
	"auths": {
		"ghcr.io": {
			"auth": "${encodeAuth('octo', 'ghp-other-secret')}"
		},
		"https://index.docker.io/v1/": {}
	},
	"psFormat": "table {{.Names}}",
	"currentContext": "colima",
	"plugins": {
		"buildx": { "x": "y" }
	},
	"someFutureKey": [1, 2, {"nested": true}]
}
`;

describe('where and what', () => {
  it('DOCKER_CONFIG wins, else ~/.docker', () => {
    expect(dockerConfigDir({ DOCKER_CONFIG: '/tmp/x' }, '/home/ada')).toBe('/tmp/x');
    expect(dockerConfigDir({}, '/home/ada')).toBe('/home/ada/.docker');
    expect(dockerConfigDir({ DOCKER_CONFIG: '' }, '/home/ada')).toBe('/home/ada/.docker');
  });

  it('decodes auth as base64 user:password, the password may hold colons', () => {
    expect(decodeAuth(encodeAuth('ada', 'p:a:ss'))).toEqual({ username: 'ada', password: 'p:a:ss' });
    expect(decodeAuth('not base64!')).toBeUndefined();
    expect(decodeAuth(Buffer.from(':nouser').toString('base64'))).toBeUndefined();
    expect(decodeAuth(Buffer.from('nocolon').toString('base64'))).toBeUndefined();
  });

  it('reads auths, identity tokens, credsStore and credHelpers', () => {
    const config = parseConfig(
      JSON.stringify({
        auths: {
          'a.example': { auth: encodeAuth('ada', 'pw') },
          'b.example': { auth: encodeAuth('bob', ''), identitytoken: 'tok' },
          'c.example': {},
          'd.example': { auth: '%%%' },
        },
        credsStore: 'desktop',
        credHelpers: { 'gcr.io': 'gcloud', 'e.example': '' },
      }),
      path,
    );
    expect(config.auths.get('a.example')).toEqual({ username: 'ada', password: 'pw' });
    expect(config.auths.get('b.example')).toEqual({ username: 'bob', password: '', identityToken: 'tok' });
    expect(config.auths.get('c.example')).toEqual({});
    expect(config.unreadableKeys).toEqual(['d.example']);
    expect(config.credsStore).toBe('desktop');
    expect([...config.credHelpers]).toEqual([['gcr.io', 'gcloud']]);
  });

  it('an empty or missing file is an empty config, as for the CLI', async () => {
    expect((await readConfigFile(path)).text).toBeNull();
    await writeFile(path, '');
    expect((await readConfigFile(path)).config.auths.size).toBe(0);
  });

  it('a malformed file is reported with line and column, without quoting it', () => {
    const secret = 'hunter2-in-the-file';
    const text = `{\n  "auths": {\n    "x": {"auth": "${secret}" oops }\n  }\n}`;
    const error = captureSync(() => parseConfig(text, path));
    expect(error.code).toBe('DOCKER_CONFIG_INVALID');
    expect(error.message).toMatch(/line 3, column \d+/);
    expect(error.message).toContain(path);
    expect(JSON.stringify(error.toData()) + String(error.stack)).not.toContain(secret);
    expect(captureSync(() => parseConfig('[1]', path)).code).toBe('DOCKER_CONFIG_INVALID');
    expect(captureSync(() => parseConfig('{"auths": []}', path)).code).toBe('DOCKER_CONFIG_INVALID');
  });
});

describe('changing entries', () => {
  it('changes only the one entry: every other byte stays, tabs and all', async () => {
    await writeFile(path, cliFile, { mode: 0o600 });
    await changeAuthEntries(path, [{ key: '127.0.0.1:5000', entry: { auth: encodeAuth('ada', 'pw') } }]);
    const after = await readFile(path, 'utf8');
    const added = `,\n\t\t"127.0.0.1:5000": {\n\t\t\t"auth": "${encodeAuth('ada', 'pw')}"\n\t\t}`;
    const at = cliFile.indexOf('{}') + 2;
    expect(after).toBe(cliFile.slice(0, at) + added + cliFile.slice(at));

    await changeAuthEntries(path, [{ key: '127.0.0.1:5000', remove: true }]);
    expect(await readFile(path, 'utf8')).toBe(cliFile);
  });

  it('replacing an entry leaves its neighbours as they were', async () => {
    await writeFile(path, cliFile);
    await changeAuthEntries(path, [{ key: 'ghcr.io', entry: {} }]);
    const after = await readFile(path, 'utf8');
    expect(after).not.toContain('ghp-other-secret');
    expect(after.replace(/"ghcr\.io": \{\}/, 'X')).toBe(
      cliFile.replace(/"ghcr\.io": \{\n\t\t\t"auth": "[^"]+"\n\t\t\}/, 'X'),
    );
  });

  it('writes nothing when nothing changes', async () => {
    await writeFile(path, cliFile);
    const before = await stat(path);
    expect(await changeAuthEntries(path, [{ key: 'not-there', remove: true }])).toBe(false);
    expect((await stat(path)).ino).toBe(before.ino);
  });

  it('keeps the file mode; a new file is 0600; no temp file is left behind', async () => {
    await writeFile(path, cliFile);
    await chmod(path, 0o640);
    await changeAuthEntries(path, [{ key: 'x.example', entry: {} }]);
    expect((await stat(path)).mode & 0o777).toBe(0o640);

    const fresh = join(folder, 'new', 'config.json');
    await changeAuthEntries(fresh, [{ key: 'x.example', entry: { auth: encodeAuth('a', 'b') } }]);
    expect((await stat(fresh)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(fresh, 'utf8'))).toEqual({
      auths: { 'x.example': { auth: encodeAuth('a', 'b') } },
    });
    expect(await readdir(folder)).toEqual(expect.arrayContaining(['config.json', 'new']));
    expect((await readdir(folder)).length).toBe(2);
  });

  it('a malformed file is refused and left byte for byte as it was', async () => {
    const broken = '{"auths": {"x": {"auth": "abc"}},, }';
    await writeFile(path, broken);
    const error = await capture(changeAuthEntries(path, [{ key: 'y', entry: {} }]));
    expect(error.code).toBe('DOCKER_CONFIG_INVALID');
    expect(await readFile(path, 'utf8')).toBe(broken);
  });

  it('a change made by someone else in between is kept: the edit is redone on the new text', async () => {
    await writeFile(path, cliFile);
    let interfered = false;
    await changeAuthEntries(path, [{ key: 'mine.example', entry: {} }], {
      beforeRename: async () => {
        if (interfered) return;
        interfered = true;
        // What `docker login theirs.example` does meanwhile: rewrite the whole file.
        const theirs = JSON.parse(await readFile(path, 'utf8')) as { auths: Record<string, unknown> };
        theirs.auths['theirs.example'] = { auth: encodeAuth('t', 'p') };
        await writeFile(path, JSON.stringify(theirs, null, '\t'));
      },
    });
    const after = JSON.parse(await readFile(path, 'utf8')) as { auths: Record<string, unknown> };
    expect(Object.keys(after.auths)).toEqual(
      expect.arrayContaining(['theirs.example', 'mine.example', 'ghcr.io']),
    );
  });

  it('a file that keeps changing is refused with CONFLICT, unchanged by Berth', async () => {
    await writeFile(path, cliFile);
    let round = 0;
    const error = await capture(
      changeAuthEntries(path, [{ key: 'mine.example', entry: {} }], {
        attempts: 3,
        beforeRename: async () => {
          round += 1;
          await writeFile(path, `${cliFile}${' '.repeat(round)}`);
        },
      }),
    );
    expect(error.code).toBe('CONFLICT');
    expect(await readFile(path, 'utf8')).toBe(`${cliFile}   `);
    expect(await readdir(folder)).toEqual(['config.json']);
  });

  it('writes through a symlinked config.json to the file it points at', async () => {
    const real = join(folder, 'real.json');
    await writeFile(real, cliFile);
    await symlink(real, path);
    await changeAuthEntries(path, [{ key: 'x.example', entry: {} }]);
    expect(await readFile(real, 'utf8')).toContain('"x.example": {}');
    expect((await lstat(path)).isSymbolicLink()).toBe(true);
  });
});

function captureSync(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

async function capture(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}
