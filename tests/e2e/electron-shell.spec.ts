/**
 * The Electron shell itself: the window opens with the secure defaults and the same renderer talks to
 * the same core over IPC. Electron's binary is downloaded from GitHub on install, which this machine
 * cannot reach, so here these tests skip and say why; where Electron is installed they run.
 */
import { _electron as electron, expect, test } from '@playwright/test';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

function electronBinary(): string | undefined {
  try {
    const path = createRequire(import.meta.url)('electron') as unknown;
    return typeof path === 'string' && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

const binary = electronBinary();
if (!binary) {
  console.log(
    'electron-shell: skipped — the Electron binary is not installed (its download from GitHub is not reachable on this machine).',
  );
}

test.describe('Electron shell', () => {
  test.skip(!binary, 'The Electron binary is not installed here (its download from GitHub is unreachable).');

  test('opens the main window with contextIsolation, sandbox and no Node in the renderer', async () => {
    const app = await electron.launch({
      executablePath: binary!,
      args: ['.'],
      env: { ...process.env, BERTH_E2E: '1' },
    });
    try {
      const page = await app.firstWindow();
      await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
      const prefs = await app.evaluate(({ BrowserWindow }) => {
        const web = BrowserWindow.getAllWindows()[0]!.webContents;
        const preferences = (
          web as unknown as { getLastWebPreferences(): Record<string, unknown> }
        ).getLastWebPreferences();
        return {
          contextIsolation: preferences.contextIsolation,
          sandbox: preferences.sandbox,
          nodeIntegration: preferences.nodeIntegration,
        };
      });
      expect(prefs).toEqual({ contextIsolation: true, sandbox: true, nodeIntegration: false });
      expect(await page.evaluate('typeof require')).toBe('undefined');
      await expect(page.locator('[data-docker-state]')).toBeVisible();
    } finally {
      await app.close();
    }
  });

  test('navigation away from the app and new windows are blocked', async () => {
    const app = await electron.launch({ executablePath: binary!, args: ['.'] });
    try {
      const page = await app.firstWindow();
      const before = page.url();
      await page.evaluate("location.href = 'https://example.invalid/'");
      // A round trip through the renderer after the attempt: a navigation would have replaced it.
      await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
      expect(page.url()).toBe(before);
      expect(await page.evaluate("window.open('https://example.invalid/') === null")).toBe(true);
    } finally {
      await app.close();
    }
  });
});
