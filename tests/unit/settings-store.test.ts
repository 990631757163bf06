/** Settings are validated, survive a restart, and a corrupt file is moved aside with a notice. */
import Conf from 'conf';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  defaultSettings,
  quarantineCorruptSettings,
  SETTINGS_FILE_NAME,
  SettingsStore,
} from '../../electron/settings/settings-store';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-settings-'));
  made.push(dir);
  return dir;
}

function open(dir: string) {
  return new SettingsStore(new Conf({ cwd: dir, configName: SETTINGS_FILE_NAME }));
}

describe('settings', () => {
  it('starts from defaults and keeps an update across a reopen', () => {
    const dir = tempDir();
    expect(open(dir).get()).toEqual(defaultSettings());
    open(dir).update({ registry: { port: 5001 } });
    expect(open(dir).get().registry).toEqual({ ...defaultSettings().registry, port: 5001 });
  });

  it('refuses an invalid value and keeps the old one', () => {
    const dir = tempDir();
    const store = open(dir);
    expect(() => store.update({ registry: { port: 70_000 } })).toThrow();
    expect(store.get().registry.port).toBe(5000);
  });

  it('moves a corrupt file aside, tells the user, and opens with defaults', () => {
    const dir = tempDir();
    const file = join(dir, `${SETTINGS_FILE_NAME}.json`);
    writeFileSync(file, '{"registry": {"port": 5001,,}');
    const notice = quarantineCorruptSettings(dir);
    expect(notice?.level).toBe('warning');
    expect(notice?.title).toMatch(/default settings/);
    expect(existsSync(file)).toBe(false);
    const aside = readdirSync(dir).find((name) => name.includes('.corrupt-'));
    expect(aside).toBeDefined();
    expect(readFileSync(join(dir, aside!), 'utf8')).toBe('{"registry": {"port": 5001,,}');
    expect(open(dir).get()).toEqual(defaultSettings());
  });

  it('moves aside a file that is JSON but not valid settings, and leaves a good file alone', () => {
    const dir = tempDir();
    const file = join(dir, `${SETTINGS_FILE_NAME}.json`);
    writeFileSync(file, JSON.stringify({ registry: { port: 'five thousand' } }));
    expect(quarantineCorruptSettings(dir)).toBeDefined();
    open(dir).update({ registry: { port: 5002 } });
    expect(quarantineCorruptSettings(dir)).toBeUndefined();
    expect(open(dir).get().registry.port).toBe(5002);
  });
});
