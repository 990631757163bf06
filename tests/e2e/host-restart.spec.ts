/**
 * Trip-up #12, end to end with the real browser host: an open tab whose host stops says so, and once a
 * new host runs on the same port (a restart: new token, so this tab's cookie no longer opens it) the
 * tab says the host restarted and how to reopen it, instead of "reconnecting…" forever. The address
 * the new host printed opens the app again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../helpers/test-images';
import { startWebHost, type RunningWebHost } from '../helpers/web-host';
import { expect, test } from './fixtures';

const hosts: RunningWebHost[] = [];
let userDataDir = '';

test.beforeEach(() => {
  userDataDir = mkdtempSync(join(tmpdir(), 'berth-e2e-restart-'));
});

test.afterEach(async () => {
  for (const host of hosts.splice(0)) await host.stop();
  rmSync(userDataDir, { recursive: true, force: true });
});

test('#12 a tab whose host restarted says so and how to reopen it', async ({ page }) => {
  const port = await freePort();
  const first = await startWebHost({ userDataDir, args: ['--port', String(port)] });
  hosts.push(first);
  expect(first.port).toBe(port);
  await page.goto(first.url);
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();

  await first.stop();
  const alert = page.getByRole('alert').filter({ hasText: "Berth's host" });
  await expect(alert).toContainText("Berth's host stopped.");

  const second = await startWebHost({ userDataDir, args: ['--port', String(port)] });
  hosts.push(second);
  await expect(alert).toContainText("Berth's host restarted, and this tab belongs to the one before it.");
  await expect(alert).toContainText('Open the address it printed when it started');
  await expect(page.getByText('reconnecting…')).toHaveCount(0);

  await page.goto(second.url);
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  await expect(alert).toHaveCount(0);
});
