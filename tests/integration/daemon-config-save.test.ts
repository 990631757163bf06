/**
 * `daemonConfig.save`, the one host command behind the one-click insecure-registry fix and the
 * Docker Engine view's save, against a real private dockerd reading a temp daemon.json: it writes,
 * makes dockerd reload, checks /info, and tells each step as an event; a second save of the same
 * entry writes nothing; a stale version is refused before anything is written.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands, type EventPayload } from '../../electron/api/contract';
import { createDaemonConfigHandlers } from '../../electron/daemon-config/handlers';
import { DaemonConfigService, systemLocateEnvironment } from '../../electron/daemon-config/service';
import { noElevation, startDaemonConfigSetup, type DaemonConfigSetup } from '../helpers/daemon-config-setup';

const ORIGINAL = '{\n  "log-level": "info",\n  "insecure-registries": ["10.1.2.3:5000"]\n}\n';

describe('daemonConfig.save against a private dockerd', () => {
  let setup: DaemonConfigSetup;
  const steps: EventPayload<'daemonConfig.step'>[] = [];
  const changed: EventPayload<'daemonConfig.changed'>[] = [];
  let handlers: ReturnType<typeof createDaemonConfigHandlers>;
  const context = { clientId: 'test' };

  beforeAll(async () => {
    setup = await startDaemonConfigSetup(ORIGINAL, '/tmp/bdc-save-');
    handlers = createDaemonConfigHandlers({
      service: new DaemonConfigService({
        docker: setup.dockerd.docker,
        settings: { daemonConfigPath: () => null },
        elevator: noElevation,
        environment: systemLocateEnvironment(),
      }),
      events: {
        emit: (event, payload) => {
          if (event === 'daemonConfig.step') steps.push(payload as EventPayload<'daemonConfig.step'>);
          else changed.push(payload as EventPayload<'daemonConfig.changed'>);
        },
      },
    });
  });
  afterAll(async () => {
    await setup?.stop();
  });

  const save = async (input: Record<string, unknown>) => {
    const parsed = commands['daemonConfig.save'].input.parse({ confirm: true, ...input });
    return commands['daemonConfig.save'].output.parse(await handlers['daemonConfig.save'](parsed, context));
  };
  const stepsOf = (operationId: string) =>
    steps.filter((step) => step.operationId === operationId).map((step) => `${step.step} ${step.state}`);

  it('adds a registry in one call: written, reloaded, verified, each step told', async () => {
    const outcome = await save({ addInsecureRegistries: ['fix.lan:5000'], operationId: 'fix-1' });
    expect(stepsOf('fix-1')).toEqual([
      'write running',
      'write done',
      'apply running',
      'apply done',
      'verify running',
      'verify done',
    ]);
    expect(outcome.written?.backupPath).toBeTruthy();
    expect(outcome.applied.method).toBe('signal');
    expect(outcome.verified?.ok, outcome.verified?.message).toBe(true);
    expect(outcome.verified?.reported.insecureRegistries).toContain('fix.lan:5000');
    expect(await readFile(setup.configFile, 'utf8')).toContain('"fix.lan:5000"');
    expect(changed).toEqual([
      { path: setup.configFile, version: outcome.written!.version, backupPath: outcome.written!.backupPath },
    ]);
  });

  it('writes nothing when the file already lists the registry, and still checks Docker', async () => {
    const before = await readFile(setup.configFile, 'utf8');
    const outcome = await save({ addInsecureRegistries: ['fix.lan:5000'], operationId: 'fix-2' });
    expect(outcome.written).toBeNull();
    expect(stepsOf('fix-2')).toEqual([
      'write skipped',
      'apply running',
      'apply done',
      'verify running',
      'verify done',
    ]);
    expect(outcome.verified?.ok).toBe(true);
    expect(await readFile(setup.configFile, 'utf8')).toBe(before);
    expect(changed).toHaveLength(1);
  });

  it('refuses a stale version before anything is written or reloaded', async () => {
    const before = await readFile(setup.configFile, 'utf8');
    await expect(
      save({ addInsecureRegistries: ['late.lan:5000'], baseVersion: 'stale-version', operationId: 'stale' }),
    ).rejects.toMatchObject({ code: 'DAEMON_CONFIG_CHANGED' });
    expect(stepsOf('stale')).toEqual(['write running', 'write failed']);
    expect(await readFile(setup.configFile, 'utf8')).toBe(before);
  });
});
