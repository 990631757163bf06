/** Every save of daemon.json makes a backup beside it; only the last 10 are kept, not one per save forever. */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Elevator } from '../../electron/daemon-config/elevator';
import { contentVersion } from '../../electron/daemon-config/read';
import { writeDaemonConfigFile } from '../../electron/daemon-config/write';

const neverElevate: Elevator = { copyIntoPlace: () => Promise.reject(new Error('not expected')) };
let folder: string;
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'berth-backups-'));
});
afterEach(() => rm(folder, { recursive: true, force: true }));

describe('daemon.json backups', () => {
  it('keeps the 10 newest after 12 saves, and leaves other files alone', async () => {
    const path = join(folder, 'daemon.json');
    await writeFile(path, '{}\n');
    await writeFile(join(folder, 'daemon.json.mine'), 'keep me');
    let text = '{}\n';
    for (let save = 0; save < 12; save++) {
      const next = `{ "debug": ${save % 2 === 0} , "n": ${save} }\n`;
      await writeDaemonConfigFile({
        path,
        text: next,
        baseVersion: contentVersion(Buffer.from(text)),
        elevator: neverElevate,
        now: () => new Date(2026, 10, 27, 5, 35, save),
      });
      text = next;
    }
    const backups = (await readdir(folder))
      .filter((name) => name.startsWith('daemon.json.berth-backup-'))
      .sort();
    expect(backups).toHaveLength(10);
    expect(backups[0]).toBe('daemon.json.berth-backup-20261127-053502');
    expect(backups.at(-1)).toBe('daemon.json.berth-backup-20261127-053511');
    expect(await readdir(folder)).toContain('daemon.json.mine');
  });
});
