/** The one-click insecure-registry fix says what it changed: the file, the backup, the reload, the check. */
import { describe, expect, it } from 'vitest';
import type { RegistryConfigReport } from '../../electron/api/contract/daemon-config';
import { describeInsecureFix } from '../../renderer/src/components/insecure-fix';

const reported: RegistryConfigReport = {
  insecureRegistries: ['198.18.7.2:5000'],
  insecureRegistryCidrs: ['127.0.0.0/8'],
  mirrors: [],
};

describe('describeInsecureFix', () => {
  it('names the file, the backup, the reload and the check', () => {
    const note = describeInsecureFix('198.18.7.2:5000', {
      written: {
        path: '/etc/docker/daemon.json',
        backupPath: '/etc/docker/daemon.json.berth-backup-1',
        version: 'v2',
        elevated: false,
        hostsToml: { written: [], removed: [], problems: [] },
      },
      applied: { method: 'signal', message: 'Sent SIGHUP', pid: 321, steps: [] },
      verified: { ok: true, message: 'ok', reported },
    });
    expect(note.lines).toEqual([
      'Added 198.18.7.2:5000 to "insecure-registries" in /etc/docker/daemon.json.',
      'The previous file is kept as /etc/docker/daemon.json.berth-backup-1.',
      'Docker reloaded its settings (process 321).',
      'Berth checked: Docker now talks plain HTTP to 198.18.7.2:5000.',
    ]);
  });

  it('says when nothing had to be written, or there was no file to back up', () => {
    const unchanged = describeInsecureFix('reg.lan:5000', {
      written: null,
      applied: { method: 'signal', message: '', steps: [] },
      verified: null,
    });
    expect(unchanged.lines[0]).toContain('already listed reg.lan:5000');
    const fresh = describeInsecureFix('reg.lan:5000', {
      written: {
        path: '/etc/docker/daemon.json',
        backupPath: null,
        version: 'v1',
        elevated: true,
        hostsToml: { written: [], removed: [], problems: [] },
      },
      applied: { method: 'signal', message: '', steps: [] },
      verified: null,
    });
    expect(fresh.lines[1]).toBe('There was no such file before, so there was nothing to back up.');
  });
});
