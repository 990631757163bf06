/**
 * The daemon.json service against a real, private dockerd started with `--config-file` pointing at a
 * temp daemon.json: locate finds that file from dockerd's command line, edits keep every other byte,
 * SIGHUP makes dockerd reload, and `/info` shows the change. Broken files and concurrent writers are
 * refused without touching the file.
 */
import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppError } from '../../electron/api/app-error';
import { commands } from '../../electron/api/contract';
import { findDockerd, systemProcReader, type ProcReader } from '../../electron/daemon-config/dockerd-process';
import { createDaemonConfigHandlers } from '../../electron/daemon-config/handlers';
import { DaemonConfigService, systemLocateEnvironment } from '../../electron/daemon-config/service';
import { noElevation, startDaemonConfigSetup, type DaemonConfigSetup } from '../helpers/daemon-config-setup';
import type { PrivateDockerd } from '../helpers/private-dockerd';

// Unrelated keys in a deliberately personal layout (4 spaces, inline arrays, unicode)
// that must survive every edit byte for byte. None of them clash with the flags the script passes.
const ORIGINAL = [
  '{',
  '    "log-level": "info",',
  '    "labels": ["berth=test", "ünï=çødé ✓"],',
  '    "max-concurrent-downloads": 3,',
  '    "log-opts": {"max-size": "10m", "max-file": "2"},',
  '    "max-concurrent-uploads": 4,',
  '    "insecure-registries": ["10.1.2.3:5000"]',
  '}',
  '',
].join('\n');

async function expectAppError(promise: Promise<unknown>, code: string): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    expect((error as AppError).code).toBe(code);
    return error as AppError;
  }
  throw new Error(`expected ${code}, but the call succeeded`);
}

describe('daemon.json service against a private dockerd', () => {
  let folder: string;
  let configFile: string;
  let dockerd: PrivateDockerd;
  let service: DaemonConfigService;

  let setup: DaemonConfigSetup;

  beforeAll(async () => {
    setup = await startDaemonConfigSetup(ORIGINAL, '/tmp/bdc-');
    ({ folder, configFile, dockerd, service } = setup);
  });

  afterAll(async () => {
    await setup?.stop();
  });

  it('locates the --config-file from dockerd’s own command line, with its pid', async () => {
    const location = await service.locate();
    expect(location).toMatchObject({
      path: configFile,
      source: 'cmdline',
      canSignal: true,
      pid: dockerd.pid,
    });
    expect(location.reason).toContain('--config-file');
  });

  it('also finds dockerd by who holds its socket, as for systemd’s -H fd://, from the real /proc', () => {
    // Hide the --host flag so only /proc/net/unix and /proc/<pid>/fd can lead to the daemon.
    const withoutHostFlags: ProcReader = {
      ...systemProcReader,
      cmdline: (pid) =>
        systemProcReader.cmdline(pid)?.filter((arg) => !arg.startsWith('unix://') && arg !== '--host'),
    };
    expect(systemProcReader.unixSocketInodes(dockerd.socketPath).length).toBeGreaterThan(0);
    expect(findDockerd(dockerd.socketPath, withoutHostFlags, [])).toMatchObject({
      pid: dockerd.pid,
      matchedBy: 'socket-owner',
      configFile,
    });
  });

  it('adds entries, keeps every other byte, reloads with SIGHUP and /info shows them', async () => {
    const snapshot = await service.read();
    expect(snapshot).toMatchObject({
      exists: true,
      text: ORIGINAL,
      insecureRegistries: ['10.1.2.3:5000'],
      registryMirrors: [],
      imageStore: 'classic',
    });

    const changes = {
      addInsecureRegistries: ['registry.lan:5000', '10.99.0.0/16'],
      removeInsecureRegistries: [],
      addRegistryMirrors: ['https://mirror.example.com'],
      removeRegistryMirrors: [],
      baseVersion: snapshot.version,
    };
    const preview = await service.preview(changes);
    expect(preview.changed).toBe(true);
    expect(preview.diff).toContain(
      '+    "insecure-registries": ["10.1.2.3:5000", "registry.lan:5000", "10.99.0.0/16"],',
    );
    expect(preview.diff).toContain('+    "registry-mirrors": ["https://mirror.example.com"]');
    expect(await readFile(configFile, 'utf8')).toBe(ORIGINAL); // a preview writes nothing

    const written = await service.update(changes);
    expect(written.elevated).toBe(false);
    const after = await readFile(configFile, 'utf8');
    expect(after).toBe(preview.after);
    expect(after).toBe(
      ORIGINAL.replace(
        '"insecure-registries": ["10.1.2.3:5000"]',
        '"insecure-registries": ["10.1.2.3:5000", "registry.lan:5000", "10.99.0.0/16"],\n    "registry-mirrors": ["https://mirror.example.com"]',
      ),
    );
    expect(Object.keys(JSON.parse(after) as object)).toEqual([
      'log-level',
      'labels',
      'max-concurrent-downloads',
      'log-opts',
      'max-concurrent-uploads',
      'insecure-registries',
      'registry-mirrors',
    ]);
    expect(written.backupPath).toMatch(/daemon\.json\.berth-backup-\d{8}-\d{6}$/);
    expect(await readFile(written.backupPath!, 'utf8')).toBe(ORIGINAL);

    const applied = await service.apply();
    expect(applied).toMatchObject({ method: 'signal', pid: dockerd.pid });

    const host = await service.verify({ host: 'registry.lan:5000', expect: 'present' }, 10_000);
    expect(host.ok, host.message).toBe(true);
    expect(host.message).toBe('Docker now accepts registry.lan:5000 over HTTP.');
    expect((await service.verify({ host: '10.99.0.0/16', expect: 'present' }, 10_000)).ok).toBe(true);
    expect((await service.verify({ host: '10.99.7.7:5000', expect: 'present' }, 1_000)).ok).toBe(true); // inside the CIDR
    expect(
      (await service.verify({ mirror: 'https://mirror.example.com', expect: 'present' }, 10_000)).ok,
    ).toBe(true);

    // And straight from the daemon, in its own words.
    const info = (await dockerd.docker.info()) as {
      RegistryConfig: {
        IndexConfigs: Record<string, { Secure: boolean }>;
        InsecureRegistryCIDRs: string[];
        Mirrors: string[];
      };
    };
    expect(info.RegistryConfig.IndexConfigs['registry.lan:5000']?.Secure).toBe(false);
    expect(info.RegistryConfig.InsecureRegistryCIDRs).toContain('10.99.0.0/16');
    expect(info.RegistryConfig.Mirrors).toEqual(['https://mirror.example.com/']);
  });

  it('removes entries the same way, and /info stops reporting them', async () => {
    const snapshot = await service.read();
    const written = await service.update({
      addInsecureRegistries: [],
      removeInsecureRegistries: ['registry.lan:5000', '10.99.0.0/16'],
      addRegistryMirrors: [],
      removeRegistryMirrors: ['https://mirror.example.com/'],
      baseVersion: snapshot.version,
    });
    const after = await readFile(configFile, 'utf8');
    expect(after).toBe(
      ORIGINAL.replace(
        '"insecure-registries": ["10.1.2.3:5000"]',
        '"insecure-registries": ["10.1.2.3:5000"],\n    "registry-mirrors": []',
      ),
    );
    expect(written.version).not.toBe(snapshot.version);

    expect((await service.apply()).method).toBe('signal');
    const gone = await service.verify({ host: 'registry.lan:5000', expect: 'absent' }, 10_000);
    expect(gone.ok, gone.message).toBe(true);
    expect(
      (await service.verify({ mirror: 'https://mirror.example.com', expect: 'absent' }, 10_000)).ok,
    ).toBe(true);
    const stillThere = await service.verify({ host: '10.1.2.3:5000', expect: 'present' }, 1_000);
    expect(stillThere.reported.insecureRegistries).toContain('10.1.2.3:5000');
    expect(stillThere.reported.insecureRegistryCidrs).toEqual(['127.0.0.0/8']);
  });

  it('answers exactly what the daemon reports when the change did not take', async () => {
    // Never written, never reloaded: the daemon cannot know this host.
    const result = await service.verify({ host: '10.55.0.1:5000', expect: 'present' }, 600);
    expect(result.ok).toBe(false);
    expect(result.message).toContain('does not accept 10.55.0.1:5000 over HTTP');
    expect(result.message).toContain('insecure registries: 10.1.2.3:5000');
  });

  it('reports broken JSON with line and column and leaves the file alone', async () => {
    const good = await readFile(configFile, 'utf8');
    const broken = good.replace('"log-level": "info",', '"log-level": "info",,');
    await writeFile(configFile, broken);
    try {
      const error = await expectAppError(service.read(), 'DAEMON_CONFIG_INVALID');
      expect(error.message).toContain('line 2, column 25');
      expect(error.raw).toBe(broken);
      await expectAppError(
        service.update({
          addInsecureRegistries: ['x.lan:5000'],
          removeInsecureRegistries: [],
          addRegistryMirrors: [],
          removeRegistryMirrors: [],
          baseVersion: 'anything',
        }),
        'DAEMON_CONFIG_INVALID',
      );
      // The raw editor refuses strict-JSON violations in what it is asked to save, too.
      const withComment = `// mine\n${good}`;
      const rawError = await expectAppError(
        service.writeRaw(withComment, 'anything'),
        'DAEMON_CONFIG_INVALID',
      );
      expect(rawError.message).toContain('comment');
      expect(await readFile(configFile, 'utf8')).toBe(broken);

      // The raw editor's way out: readRaw never fails on syntax, and its version lets the fix be saved.
      const raw = await service.readRaw();
      expect(raw).toMatchObject({ exists: true, text: broken, problem: { line: 2, column: 25 } });
      const fixed = await service.writeRaw(good, raw.version);
      expect(fixed.backupPath).not.toBeNull();
      expect(await readFile(fixed.backupPath!, 'utf8')).toBe(broken);
      expect((await service.readRaw()).problem).toBeUndefined();

      // Bytes that aren't UTF-8 are shown to the raw editor with the problem that says so, not as
      // a clean file whose next save would write the damaged bytes back.
      await writeFile(
        configFile,
        Buffer.concat([Buffer.from('{"log-level": "'), Buffer.from([0xff]), Buffer.from('"}\n')]),
      );
      const notUtf8 = await service.readRaw();
      expect(notUtf8.problem?.message).toContain('not valid UTF-8');
    } finally {
      await writeFile(configFile, good);
    }
  });

  it('refuses to write when someone changed the file since it was read, and keeps their change', async () => {
    const snapshot = await service.read();
    const theirs = snapshot.text.replace('"log-level": "info"', '"log-level": "warn"');
    await writeFile(configFile, theirs);
    const backupsBefore = (await readdir(folder)).filter((name) => name.includes('berth-backup'));
    const error = await expectAppError(
      service.update({
        addInsecureRegistries: ['other.lan:5000'],
        removeInsecureRegistries: [],
        addRegistryMirrors: [],
        removeRegistryMirrors: [],
        baseVersion: snapshot.version,
      }),
      'DAEMON_CONFIG_CHANGED',
    );
    expect(error.fix).toEqual({ kind: 'retry' });
    expect(await readFile(configFile, 'utf8')).toBe(theirs);
    expect((await readdir(folder)).filter((name) => name.includes('berth-backup'))).toEqual(backupsBefore);
    await writeFile(configFile, snapshot.text);
  });

  it('saves the raw editor’s text after strict validation, keeping the file’s mode', async () => {
    const snapshot = await service.read();
    const modeBefore = (await stat(configFile)).mode & 0o777;
    const invalidEntry = snapshot.text.replace('"10.1.2.3:5000"', '"http://10.1.2.3:5000"');
    const error = await expectAppError(service.writeRaw(invalidEntry, snapshot.version), 'INVALID_INPUT');
    expect(error.issues?.[0]?.message).toContain('Leave out "http://"');

    const text = snapshot.text.replace('"log-level": "info"', '"log-level": "debug"');
    const written = await service.writeRaw(text, snapshot.version);
    expect(await readFile(configFile, 'utf8')).toBe(text);
    expect((await stat(configFile)).mode & 0o777).toBe(modeBefore);
    expect(written.backupPath).not.toBeNull();
    await service.writeRaw(snapshot.text, written.version);
  });

  it('works through the handlers: answers match the contract and writes announce daemonConfig.changed', async () => {
    const events: unknown[] = [];
    const handlers = createDaemonConfigHandlers({
      service: new DaemonConfigService({
        docker: dockerd.docker,
        settings: { daemonConfigPath: () => null },
        elevator: noElevation,
        environment: systemLocateEnvironment(),
      }),
      events: { emit: (_event, payload) => events.push(payload) },
    });
    const context = { clientId: 'test' };
    const read = commands['daemonConfig.read'].output.parse(await handlers['daemonConfig.read']({}, context));
    const input = commands['daemonConfig.update'].input.parse({
      addInsecureRegistries: ['handler.lan:5000'],
      baseVersion: read.version,
      confirm: true,
    });
    const updated = commands['daemonConfig.update'].output.parse(
      await handlers['daemonConfig.update'](input, context),
    );
    expect(events).toEqual([{ path: configFile, version: updated.version, backupPath: updated.backupPath }]);
    commands['daemonConfig.apply'].output.parse(await handlers['daemonConfig.apply']({}, context));
    const verified = commands['daemonConfig.verify'].output.parse(
      await handlers['daemonConfig.verify'](
        commands['daemonConfig.verify'].input.parse({ host: 'handler.lan:5000' }),
        context,
      ),
    );
    expect(verified.ok, verified.message).toBe(true);
    const previewInput = commands['daemonConfig.preview'].input.parse({
      addInsecureRegistries: ['localhost:5000'],
      baseVersion: updated.version,
    });
    const preview = commands['daemonConfig.preview'].output.parse(
      await handlers['daemonConfig.preview'](previewInput, context),
    );
    expect(preview.advice[0]).toMatchObject({ kind: 'loopback', needsEntry: false });
  });
});
