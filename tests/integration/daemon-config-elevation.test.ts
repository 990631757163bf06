/**
 * The not-writable path, for real: daemon.json lives in a folder bind-mounted read-only
 * (`mount --bind` + `remount,ro`), so the kernel refuses our writes with EROFS even though the tests run
 * as root (root skips permission bits, so chmod alone would prove nothing). The private dockerd reads
 * the file through that read-only mount.
 *
 * No OS elevation prompt exists here, so the Elevator is a fake we can make refuse or accept. Accepting
 * runs the production elevator's own shell command (`posixCommand`) against the writable folder under
 * the mount — playing the part of "the same copy, with administrator rights".
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../electron/api/app-error';
import { posixCommand, type Elevator, type ElevatedCopyOptions } from '../../electron/daemon-config/elevator';
import { DaemonConfigService, systemLocateEnvironment } from '../../electron/daemon-config/service';
import { startPrivateDockerd, type PrivateDockerd } from '../helpers/private-dockerd';

const run = promisify(execFile);
const ORIGINAL = '{\n  "log-level": "info",\n  "labels": ["keep=me"]\n}\n';

/** Root with mount rights is needed to make a real read-only folder; say so when we can't. */
async function canBindMount(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'not root';
  const probe = await mkdtemp('/tmp/bdm-');
  try {
    await mkdir(join(probe, 'ro'));
    await run('mount', ['--bind', probe, join(probe, 'ro')]);
    await run('umount', [join(probe, 'ro')]);
    return undefined;
  } catch (error) {
    return `mount --bind is not allowed here (${(error as Error).message.split('\n')[0]})`;
  } finally {
    await rm(probe, { recursive: true, force: true });
  }
}

const cannotMount = await canBindMount();
if (cannotMount) console.warn(`Skipping the read-only daemon.json tests: ${cannotMount}.`);

describe.skipIf(cannotMount !== undefined)(
  'daemon.json in a read-only folder goes through the Elevator',
  () => {
    let base: string;
    let writable: string;
    let readOnly: string;
    let dockerd: PrivateDockerd;
    const calls: { tempFile: string; target: string; options: ElevatedCopyOptions }[] = [];
    let answer: 'refuse' | 'accept' = 'refuse';

    /** Maps the read-only path to the writable folder beneath the mount, where "administrator rights" write. */
    const underlying = (path: string): string => path.replace(readOnly, writable);
    const elevator: Elevator = {
      async copyIntoPlace(tempFile, target, options) {
        calls.push({ tempFile, target, options });
        // What the staged file holds is what the prompt would install; check it exists while we are called.
        expect(await readFile(tempFile, 'utf8')).toContain('"insecure-registries"');
        if (answer === 'refuse') throw new Error('User did not grant permission.');
        const command = posixCommand(tempFile, underlying(target), {
          ...options,
          backupPath: options.backupPath && underlying(options.backupPath),
        });
        await run('/bin/sh', ['-c', command]);
      },
    };

    let service: DaemonConfigService;
    beforeAll(async () => {
      base = await mkdtemp('/tmp/bdr-');
      writable = join(base, 'rw');
      readOnly = join(base, 'ro');
      await mkdir(writable);
      await mkdir(readOnly);
      await writeFile(join(writable, 'daemon.json'), ORIGINAL, { mode: 0o640 });
      await run('mount', ['--bind', writable, readOnly]);
      await run('mount', ['-o', 'remount,bind,ro', readOnly]);
      dockerd = await startPrivateDockerd(join(readOnly, 'daemon.json'));
      service = new DaemonConfigService({
        docker: dockerd.docker,
        settings: { daemonConfigPath: () => null },
        elevator,
        environment: systemLocateEnvironment(),
      });
    });

    afterAll(async () => {
      await dockerd?.stop();
      if (readOnly) await run('umount', [readOnly]).catch(() => undefined);
      if (base) await rm(base, { recursive: true, force: true });
    });

    async function stagingFolders(): Promise<string[]> {
      return (await readdir(tmpdir())).filter((name) => name.startsWith('berth-elevate-daemon-json-'));
    }

    it('really is read-only for us', async () => {
      await expect(writeFile(join(readOnly, 'probe'), 'x')).rejects.toMatchObject({ code: 'EROFS' });
    });

    it('a refused prompt is ELEVATION_REFUSED and changes nothing', async () => {
      const snapshot = await service.read();
      expect(snapshot.location).toMatchObject({ path: join(readOnly, 'daemon.json'), source: 'cmdline' });
      const stagingBefore = await stagingFolders();
      answer = 'refuse';
      const attempt = service.update({
        addInsecureRegistries: ['192.168.77.10:5000'],
        removeInsecureRegistries: [],
        addRegistryMirrors: [],
        removeRegistryMirrors: [],
        baseVersion: snapshot.version,
      });
      await expect(attempt).rejects.toBeInstanceOf(AppError);
      await expect(attempt).rejects.toMatchObject({ code: 'ELEVATION_REFUSED' });
      expect(calls).toHaveLength(1);
      expect(calls[0]?.target).toBe(join(readOnly, 'daemon.json'));
      expect(calls[0]?.options).toMatchObject({ mode: 0o640, uid: 0, gid: 0 });
      expect(calls[0]?.options.backupPath).toMatch(/daemon\.json\.berth-backup-\d{8}-\d{6}$/);
      expect(await readFile(join(readOnly, 'daemon.json'), 'utf8')).toBe(ORIGINAL);
      expect(await readdir(writable)).toEqual(['daemon.json']); // no backup, no temp file
      expect(await stagingFolders()).toEqual(stagingBefore); // the staged copy was cleaned up
    });

    it('an accepted prompt writes the file with a backup, and the daemon takes it after SIGHUP', async () => {
      const snapshot = await service.read();
      answer = 'accept';
      const written = await service.update({
        addInsecureRegistries: ['192.168.77.10:5000'],
        removeInsecureRegistries: [],
        addRegistryMirrors: [],
        removeRegistryMirrors: [],
        baseVersion: snapshot.version,
      });
      expect(written.elevated).toBe(true);
      expect(calls).toHaveLength(2);
      const after = await readFile(join(readOnly, 'daemon.json'), 'utf8');
      expect(after).toBe(
        '{\n  "log-level": "info",\n  "labels": ["keep=me"],\n  "insecure-registries": ["192.168.77.10:5000"]\n}\n',
      );
      expect(await readFile(written.backupPath!, 'utf8')).toBe(ORIGINAL);
      const { stdout } = await run('stat', ['-c', '%a', join(readOnly, 'daemon.json')]);
      expect(stdout.trim()).toBe('640');
      expect((await readdir(writable)).sort()).toEqual(
        ['daemon.json', written.backupPath!.split('/').pop()!].sort(),
      );

      expect((await service.apply()).method).toBe('signal');
      const verified = await service.verify({ host: '192.168.77.10:5000', expect: 'present' }, 10_000);
      expect(verified.ok, verified.message).toBe(true);
    });
  },
);
