/**
 * "Start with Berth": the user's first start of the local registry turns it on, so the registry is
 * back after the app restarts; once set (by that start or by the switch) Berth leaves it alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Conf from 'conf';
import { afterAll, describe, expect, it } from 'vitest';
import type { RegistryStatus } from '../../electron/api/contract/registry';
import { createRegistryHandlers } from '../../electron/registry/host/handlers';
import type { RegistrySupervisor } from '../../electron/registry/host/supervisor';
import { defaultSettings, SettingsStore } from '../../electron/settings/settings-store';

const folder = mkdtempSync(join(tmpdir(), 'berth-auto-start-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const running: RegistryStatus = {
  state: 'running',
  url: 'http://127.0.0.1:5000',
  port: 5000,
  host: '127.0.0.1',
  dataDir: folder,
  exposeOnNetwork: false,
  restarts: 0,
};

describe('Start with Berth', () => {
  it('is turned on by the first start, and a later choice to turn it off is kept', async () => {
    const store = new SettingsStore(new Conf({ cwd: folder, defaults: defaultSettings() }));
    const supervisor = { start: () => Promise.resolve(running) } as unknown as RegistrySupervisor;
    const handlers = createRegistryHandlers({
      supervisor,
      settings: {
        saveRegistry: (patch) => void store.update({ registry: patch }),
        autoStartChosen: () => store.get().registry.autoStartChosen === true,
      },
    });
    expect(store.get().registry.autoStart).toBe(false);
    await handlers['registry.start']({}, { clientId: 'test' });
    expect(store.get().registry.autoStart).toBe(true);

    store.update({ registry: { autoStart: false } });
    await handlers['registry.start']({}, { clientId: 'test' });
    expect(store.get().registry.autoStart).toBe(false);
  });
});
