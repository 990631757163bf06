/**
 * The race daemon.json's writer guards against: another program changes the file after Berth read
 * it (the first check passes) and before Berth renames its new file over it. The second writer's
 * change must win untouched, Berth's write is refused with DAEMON_CONFIG_CHANGED, and nothing of
 * Berth's (temp file, backup) is left beside it. The other writer runs in the write's
 * `beforeReplace` seam: after the staged file is complete, just before the last check.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Elevator } from '../../electron/daemon-config/elevator';
import { contentVersion } from '../../electron/daemon-config/read';
import { writeDaemonConfigFile } from '../../electron/daemon-config/write';

const neverElevate: Elevator = { copyIntoPlace: () => Promise.reject(new Error('not expected')) };

let folder: string;
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'berth-write-race-'));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('a write racing Berth’s write of daemon.json', () => {
  it('lands between Berth’s read and its rename: theirs is kept, Berth’s is refused, nothing left over', async () => {
    const path = join(folder, 'daemon.json');
    const original = '{}\n';
    const theirs = '{"theirs": true}\n';
    await writeFile(path, original);
    let staged: string[] = [];
    const attempt = writeDaemonConfigFile({
      path,
      text: '{"debug": true}\n',
      // The version Berth read: the file still is that version when the write starts.
      baseVersion: contentVersion(Buffer.from(original)),
      elevator: neverElevate,
      beforeReplace: async () => {
        staged = await readdir(folder);
        await writeFile(path, theirs);
      },
    });
    await expect(attempt).rejects.toMatchObject({ code: 'DAEMON_CONFIG_CHANGED' });
    // The race really was after the first check: Berth had staged its file and made its backup.
    expect(staged).toHaveLength(3);
    expect(staged.some((name) => name.includes('berth-backup'))).toBe(true);
    expect(await readFile(path, 'utf8')).toBe(theirs);
    expect(await readdir(folder)).toEqual(['daemon.json']);
  });

  it('lands while the elevated copy is staged: theirs is kept, the OS prompt is never shown', async () => {
    const path = join(folder, 'daemon.json');
    const theirs = '{"theirs": true}\n';
    await writeFile(path, '{}\n');
    let calls = 0;
    const attempt = writeDaemonConfigFile({
      path,
      text: '{"debug": true}\n',
      baseVersion: contentVersion(Buffer.from('{}\n')),
      // Called, it would refuse (ELEVATION_REFUSED): the race must be caught before it.
      elevator: neverElevate,
      beforeReplace: async () => {
        calls += 1;
        // First, in place: the folder is not ours to write (as for a user editing /etc/docker), so
        // Berth stages an elevated copy instead; then, just before handing it over, the other write.
        if (calls === 1) throw Object.assign(new Error('permission denied'), { code: 'EACCES' });
        await writeFile(path, theirs);
      },
    });
    await expect(attempt).rejects.toMatchObject({ code: 'DAEMON_CONFIG_CHANGED' });
    expect(calls).toBe(2);
    expect(await readFile(path, 'utf8')).toBe(theirs);
    expect(await readdir(folder)).toEqual(['daemon.json']);
  });

  it('replaces the file when nobody raced (the seam itself changes nothing)', async () => {
    const path = join(folder, 'daemon.json');
    await writeFile(path, '{}\n');
    let called = 0;
    const outcome = await writeDaemonConfigFile({
      path,
      text: '{"debug": true}\n',
      baseVersion: contentVersion(Buffer.from('{}\n')),
      elevator: neverElevate,
      beforeReplace: () => Promise.resolve(void (called += 1)),
    });
    expect(called).toBe(1);
    expect(outcome.elevated).toBe(false);
    expect(await readFile(path, 'utf8')).toBe('{"debug": true}\n');
  });
});
