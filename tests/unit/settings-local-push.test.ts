/** The fast local push's settings (issue 23): defaults for files written before them, partial updates. */
import Conf from 'conf';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { settingsPatchSchema } from '../../electron/api/contract/app';
import {
  quarantineCorruptSettings,
  SETTINGS_FILE_NAME,
  SettingsStore,
} from '../../electron/settings/settings-store';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('localPush settings', () => {
  it('a settings file from before them is kept, with the fast path and uncompressed layers', () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-settings-'));
    made.push(dir);
    writeFileSync(
      join(dir, `${SETTINGS_FILE_NAME}.json`),
      JSON.stringify({
        registry: { port: 5005, dataDir: null, exposeOnNetwork: false, autoStart: true },
        registries: [],
        daemonConfigPath: null,
      }),
    );
    expect(quarantineCorruptSettings(dir)).toBeUndefined();
    const store = new SettingsStore(new Conf({ cwd: dir, configName: SETTINGS_FILE_NAME }));
    expect(store.get().registry.port).toBe(5005);
    expect(store.get().localPush).toEqual({ throughDocker: false, layerCompression: 'none' });
    expect(store.update({ localPush: { layerCompression: 'gzip' } }).localPush).toEqual({
      throughDocker: false,
      layerCompression: 'gzip',
    });
    expect(store.update({ localPush: { throughDocker: true } }).localPush).toEqual({
      throughDocker: true,
      layerCompression: 'gzip',
    });
  });

  it('the renderer may set only the two known choices', () => {
    expect(settingsPatchSchema.safeParse({ localPush: { layerCompression: 'zstd' } }).success).toBe(false);
    expect(settingsPatchSchema.safeParse({ localPush: { other: true } }).success).toBe(false);
    expect(settingsPatchSchema.safeParse({ localPush: { throughDocker: true } }).success).toBe(true);
  });
});
