/**
 * Cancel a large push mid-way (a 300 MiB layer of random data): the daemon's request is aborted, the
 * transfer and its unfinished layers say "Cancelled", and the registry never got the manifest.
 */
import { parseReference } from '../../electron/common/reference';
import { MiB } from '../helpers/test-images';
import { expect, screenshotPath, test, testImageForFile } from './fixtures';
import { ImageActions } from './pages/transfers-images';
import { TagDialogPage } from './pages/tag-dialog';
import { setLocalPush, startLocalRegistry, TransfersPanelPage } from './pages/transfers-panel';

const subject = testImageForFile('cancel', [300 * MiB], 300_000);

test('cancelling a large push mid-way stops it and says "Cancelled"', async ({
  page,
  mainWindow,
  webHost,
}) => {
  const { image } = subject;
  test.setTimeout(300_000);
  await mainWindow.open(webHost.url);
  const { host: registryHost, address: registryAddress } = await startLocalRegistry(page);
  // This journey is Docker's own push (its words, its cancel); the fast path has its own spec.
  await setLocalPush(page, { throughDocker: true });
  const target = `${registryHost}/${image.repository}:${image.tag}`;
  subject.removeLater(target);
  const expected = parseReference(target);
  if (!expected.ok) throw new Error(expected.reason);

  const images = new ImageActions(page);
  const dialog = new TagDialogPage(page);
  const panel = new TransfersPanelPage(page);
  await images.showOnly(image.repository);
  await images.openPushTo(image.reference);
  await dialog.chooseRegistry(`Local registry (${registryHost})`);
  await expect(dialog.fullName).toHaveText(target);
  await dialog.tagAndPushButton.click();

  const push = panel.transfer('Push', expected.ref.normalized);
  await test.step('bytes are moving', async () => {
    await expect.poll(() => push.overallPercent(), { timeout: 120_000 }).toBeGreaterThan(0);
    expect(await push.overallPercent()).toBeLessThan(100);
    // The big layer is moving (the small base layer may be pushing beside it, as docker pushes
    // layers in parallel), with its own bytes.
    const bigLayer = push.layers.filter({ hasText: '/ 315 MB' });
    await expect(bigLayer).toHaveCount(1);
    await expect(bigLayer).toContainText(/Pushing\s*[\d.]+ [kMG]?B \/ 315 MB/);
    // The overall line tells the bytes, the speed and the time left.
    await expect(push.root.locator('.transfer-details')).toHaveText(
      /^[\d.]+ [kMG]?B of [\d.]+ MB · [\d.]+ [kMG]?B\/s · (\d+ s|\d+ min \d+ s|\d+ h \d+ min|\d+ d \d+ h) left$/,
    );
    await page.screenshot({ path: screenshotPath('images-push-in-progress.png') });
  });

  await test.step('Cancel: the transfer and the unfinished layer say "Cancelled"', async () => {
    await push.cancelButton.click();
    await push.waitForState('Cancelled', 30_000);
    await expect(push.cancelButton).toHaveCount(0);
    await expect(push.dismissButton).toBeVisible();
    expect(await push.layerStatuses()).toContain('Cancelled');
    expect(await push.overallPercent()).toBeLessThan(100);
    await expect(push.digest).toHaveCount(0);
    await page.screenshot({ path: screenshotPath('images-push-cancelled.png') });
  });

  await test.step('the registry has no manifest for it', async () => {
    const response = await fetch(`http://${registryAddress}/v2/${image.repository}/manifests/${image.tag}`, {
      method: 'HEAD',
      headers: {
        Accept:
          'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json',
      },
    });
    expect(response.status).toBe(404);
  });
});
