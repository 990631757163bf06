/**
 * When Docker isn't running the window says so in plain words, and when the daemon comes up it
 * connects by itself; a daemon that goes away mid-push leaves a transfer that says so, and the
 * window reconnects when it is back. Each test uses a private dockerd started on a socket the host
 * was told to use, so the shared test daemon keeps running.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import Docker from 'dockerode';
import { parseReference } from '../../electron/common/reference';
import { buildTestImage, MiB } from '../helpers/test-images';
import { expect, screenshotPath, test } from './fixtures';
import { startWebHost } from '../helpers/web-host';
import { ImageActions } from './pages/transfers-images';
import { setLocalPush, startLocalRegistry, TransfersPanelPage } from './pages/transfers-panel';

test('shows "Docker isn\'t running" and recovers by itself when the daemon starts', async ({ page }) => {
  test.setTimeout(120_000);
  const dir = mkdtempSync('/tmp/berth-late-');
  const host = await startWebHost({ env: { DOCKER_HOST: `unix://${dir}/docker.sock` } });
  try {
    await page.goto(host.url);
    const disconnected = page.locator('[data-docker-state="disconnected"]');
    await expect(disconnected).toContainText("Docker isn't running");
    await expect(disconnected).toContainText('DOCKER_HOST');
    // The images view says the same, and doesn't guess that there are no images.
    const imagesView = page.getByRole('region', { name: 'Images' });
    await expect(imagesView.getByRole('alert')).toContainText(
      "Docker isn't running, so Berth can't list your images.",
    );
    await expect(imagesView).not.toContainText('Something went wrong inside Berth');
    await expect(imagesView).not.toContainText('No images yet');
    await expect(imagesView).not.toContainText('0 images');

    execFileSync('bash', ['scripts/dockerd-private.sh', 'start', dir], { stdio: 'pipe' });
    await expect(page.locator('[data-docker-state="connected"]')).toContainText('Connected to', {
      timeout: 20_000,
    });
    await expect(page.getByRole('table', { name: 'Local images' })).toBeVisible();
    // Connected, the error leaves by itself and the (empty) daemon's list is shown.
    await expect(imagesView.getByRole('alert')).toHaveCount(0);
    await expect(imagesView).toContainText('0 images in your local Docker');
  } finally {
    await host.stop();
    execFileSync('bash', ['scripts/dockerd-private.sh', 'stop', dir], { stdio: 'pipe' });
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Docker stopping mid-push: the transfer says "Docker stopped", and the window reconnects when it is back', async ({
  page,
}) => {
  test.setTimeout(300_000);
  // A short path: unix socket paths are limited to ~100 characters.
  const dir = mkdtempSync('/tmp/bd-');
  const dockerd = (command: 'start' | 'stop') =>
    execFileSync('bash', ['scripts/dockerd-private.sh', command, dir], { stdio: 'pipe', timeout: 60_000 });
  dockerd('start');
  const host = await startWebHost({ env: { DOCKER_HOST: `unix://${dir}/docker.sock` } });
  try {
    const docker = new Docker({ socketPath: `${dir}/docker.sock` });
    const image = await buildTestImage(docker, 'stops', [200 * MiB]);
    await page.goto(host.url);
    const { host: registryHost } = await startLocalRegistry(page);
    // This journey is Docker's own push (its words, its cancel); the fast path has its own spec.
    await setLocalPush(page, { throughDocker: true });
    const target = `${registryHost}/${image.repository}:${image.tag}`;
    await docker
      .getImage(image.reference)
      .tag({ repo: `${registryHost}/${image.repository}`, tag: image.tag });
    const expected = parseReference(target);
    if (!expected.ok) throw new Error(expected.reason);

    const images = new ImageActions(page);
    await images.showOnly(image.repository);
    await images.push(target);
    const push = new TransfersPanelPage(page).transfer('Push', expected.ref.normalized);
    await expect.poll(() => push.overallPercent(), { timeout: 120_000 }).toBeGreaterThan(0);
    expect(await push.overallPercent()).toBeLessThan(100);

    dockerd('stop');
    await push.waitForState('Push failed', 60_000);
    expect(await push.layerStatuses()).toContain('Docker stopped');
    // The layer that was moving still shows how far it got.
    const stopped = push.layers.filter({ hasText: 'Docker stopped' }).first();
    await expect(stopped.getByRole('progressbar')).toHaveAttribute('aria-valuenow', /^[1-9]\d?$/);
    await expect(stopped).toContainText(' / ');
    await expect(push.root).toContainText('The connection to Docker said:');
    await expect(push.root).toContainText('Docker stopped while this was running.');
    await expect(page.locator('[data-docker-state="disconnected"]')).toContainText("Docker isn't running", {
      timeout: 30_000,
    });
    await page.screenshot({ path: screenshotPath('images-push-docker-stopped.png') });

    dockerd('start');
    await expect(page.locator('[data-docker-state="connected"]')).toContainText('Connected to', {
      timeout: 30_000,
    });
    // The daemon kept the image: the list shows it again.
    await expect(images.row(target)).toBeVisible();
  } finally {
    await host.stop();
    dockerd('stop');
    rmSync(dir, { recursive: true, force: true });
  }
});
