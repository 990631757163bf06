/**
 * The everyday case of "not writable": Berth runs as a normal user and daemon.json belongs to root in a
 * root-owned folder, as /etc/docker does. The tests run as root (which skips permission checks), so the
 * writer runs in a child process started as `nobody`, where the kernel answers EACCES for real. Its
 * Elevator forwards the copy to this (root) process over IPC — playing the OS prompt — which runs the
 * production elevator's command or refuses.
 */
import { exec, spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createSudoPromptElevator,
  posixCommand,
  windowsCommand,
  type ElevatedCopyOptions,
} from '../../electron/daemon-config/elevator';
import { contentVersion } from '../../electron/daemon-config/read';

/**
 * Runs an elevated command the way @vscode/sudo-prompt does on Linux, minus pkexec: through a shell,
 * as `/bin/bash -c "echo MAGIC; <command with only \" escaped>"`. So a path's quoting is tested as it
 * really travels, through the double quotes that undo nothing but `"`.
 */
function asSudoPromptRuns(command: string): Promise<unknown> {
  const wrapped = `/bin/bash -c "echo SUDOPROMPT; ${command.replace(/"/g, '\\"')}"`;
  return promisify(exec)(wrapped);
}
const NOBODY = 65534;
const ORIGINAL = '{\n  "debug": false\n}\n';
const UPDATED = '{\n  "debug": false,\n  "insecure-registries": ["192.168.9.9:5000"]\n}\n';
const writeModule = resolve(import.meta.dirname, '../../electron/daemon-config/write.ts');

/** The child: write as `nobody`, asking the parent for elevation; prints the outcome or the error code. */
const CHILD = `
const { writeDaemonConfigFile } = await import(${JSON.stringify(writeModule)});
const pending = new Map();
let next = 0;
process.on('message', (reply) => { pending.get(reply.id)?.(reply); pending.delete(reply.id); });
const elevator = {
  copyIntoPlace: (tempFile, target, options) => new Promise((resolve, reject) => {
    const id = next++;
    pending.set(id, (reply) => (reply.ok ? resolve() : reject(new Error(reply.error))));
    process.send({ id, tempFile, target, options });
  }),
};
const [path, text, baseVersion] = JSON.parse(process.argv[1]);
try {
  const outcome = await writeDaemonConfigFile({ path, text, baseVersion, elevator });
  process.send({ done: { outcome } });
} catch (error) {
  process.send({ done: { code: error.code, message: error.message } });
}
process.disconnect();
`;

interface ChildResult {
  outcome?: { backupPath: string | null; version: string; elevated: boolean };
  code?: string;
  message?: string;
}

/** Run the writer as nobody; `answer` decides each elevation request. */
function writeAsNobody(
  path: string,
  text: string,
  baseVersion: string,
  answer: (tempFile: string, target: string, options: ElevatedCopyOptions) => Promise<void>,
): Promise<ChildResult> {
  return new Promise((resolveResult, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', CHILD, JSON.stringify([path, text, baseVersion])],
      {
        uid: NOBODY,
        gid: NOBODY,
        cwd: resolve(import.meta.dirname, '../..'), // where node_modules/tsx is found
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      },
    );
    let result: ChildResult | undefined;
    child.on(
      'message',
      (message: {
        done?: ChildResult;
        id?: number;
        tempFile?: string;
        target?: string;
        options?: ElevatedCopyOptions;
      }) => {
        if (message.done) {
          result = message.done;
          return;
        }
        answer(message.tempFile!, message.target!, message.options!).then(
          () => child.send({ id: message.id, ok: true }),
          (error: Error) => child.send({ id: message.id, ok: false, error: error.message }),
        );
      },
    );
    child.on('error', reject);
    child.on('exit', (code) =>
      result ? resolveResult(result) : reject(new Error(`writer child exited with ${code} and no result`)),
    );
  });
}

const notRoot = process.getuid?.() !== 0;
if (notRoot) console.warn('Skipping the non-root writer tests: they need root to start a child as nobody.');

describe.skipIf(notRoot)('as a normal user, a root-owned daemon.json goes through the Elevator', () => {
  let folder: string;
  let path: string;
  const requests: { target: string; options: ElevatedCopyOptions }[] = [];

  beforeAll(async () => {
    folder = await mkdtemp('/tmp/bdn-');
    await chmod(folder, 0o755); // root's, readable by all, writable by root only — like /etc/docker
    path = join(folder, 'daemon.json');
    await writeFile(path, ORIGINAL, { mode: 0o644 });
  });
  afterAll(async () => {
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('a refusal is ELEVATION_REFUSED and leaves the folder exactly as it was', async () => {
    const result = await writeAsNobody(
      path,
      UPDATED,
      contentVersion(Buffer.from(ORIGINAL)),
      (_temp, target, options) => {
        requests.push({ target, options });
        return Promise.reject(new Error('User did not grant permission.'));
      },
    );
    expect(result.code, result.message).toBe('ELEVATION_REFUSED');
    expect(requests).toEqual([
      { target: path, options: expect.objectContaining({ mode: 0o644, uid: 0, gid: 0 }) as unknown },
    ]);
    expect(await readFile(path, 'utf8')).toBe(ORIGINAL);
    expect(await readdir(folder)).toEqual(['daemon.json']);
  });

  it('an accepted prompt installs the file, root-owned with its mode, with a backup', async () => {
    const result = await writeAsNobody(
      path,
      UPDATED,
      contentVersion(Buffer.from(ORIGINAL)),
      async (temp, target, options) => {
        requests.push({ target, options });
        await asSudoPromptRuns(posixCommand(temp, target, options));
      },
    );
    expect(result.outcome, result.message).toMatchObject({
      elevated: true,
      version: contentVersion(Buffer.from(UPDATED)),
    });
    expect(await readFile(path, 'utf8')).toBe(UPDATED);
    const info = await stat(path);
    expect([info.uid, info.gid, info.mode & 0o777]).toEqual([0, 0, 0o644]);
    expect(await readFile(result.outcome!.backupPath!, 'utf8')).toBe(ORIGINAL);
  });

  it("refuses, before any prompt, a path the prompt's shell would interpret", async () => {
    const options: ElevatedCopyOptions = { backupPath: null, mode: 0o644 };
    const witness = join(folder, 'ran');
    for (const target of [
      join(folder, `$(touch ${witness})`, 'daemon.json'),
      join(folder, `\`touch ${witness}\``, 'daemon.json'),
      join(folder, `x'; touch ${witness}; '`, 'daemon\\.json'),
      join(folder, 'a"b', 'daemon.json'),
    ]) {
      expect(() => posixCommand(join(folder, 'temp'), target, options)).toThrow(/prompt's shell/);
      await expect(
        createSudoPromptElevator('linux').copyIntoPlace(join(folder, 'temp'), target, options),
      ).rejects.toMatchObject({ code: 'DAEMON_CONFIG_NOT_WRITABLE' });
    }
    expect(() => windowsCommand('C:\\t\\x.json', 'C:\\%APPDATA%\\daemon.json', options)).toThrow(
      /prompt's shell/,
    );
    expect(await readdir(folder)).not.toContain('ran');
  });

  it('passes a path with spaces and quotes through the prompt intact', async () => {
    const odd = join(folder, "Docker's config (test)");
    const temp = join(folder, 'staged.json');
    await writeFile(temp, UPDATED);
    await asSudoPromptRuns(posixCommand(temp, join(odd, 'daemon.json'), { backupPath: null, mode: 0o640 }));
    expect(await readFile(join(odd, 'daemon.json'), 'utf8')).toBe(UPDATED);
    expect((await stat(join(odd, 'daemon.json'))).mode & 0o777).toBe(0o640);
  });
});
