/**
 * When Docker isn't running the window says so in plain words, and when the daemon comes up it
 * connects by itself. Uses a private dockerd started on a socket the host was told to use.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { expect, test } from './fixtures';
import { startWebHost } from '../helpers/web-host';

test('shows "Docker isn\'t running" and recovers by itself when the daemon starts', async ({ page }) => {
  test.setTimeout(120_000);
  const dir = mkdtempSync('/tmp/berth-late-');
  const host = await startWebHost({ env: { DOCKER_HOST: `unix://${dir}/docker.sock` } });
  try {
    await page.goto(host.url);
    const disconnected = page.locator('[data-docker-state="disconnected"]');
    await expect(disconnected).toContainText("Docker isn't running");
    await expect(disconnected).toContainText('DOCKER_HOST');

    execFileSync('bash', ['scripts/dockerd-private.sh', 'start', dir], { stdio: 'pipe' });
    await expect(page.locator('[data-docker-state="connected"]')).toContainText('Connected to', {
      timeout: 20_000,
    });
    await expect(page.getByRole('table', { name: 'Local images' })).toBeVisible();
  } finally {
    await host.stop();
    execFileSync('bash', ['scripts/dockerd-private.sh', 'stop', dir], { stdio: 'pipe' });
    rmSync(dir, { recursive: true, force: true });
  }
});
