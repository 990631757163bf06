/**
 * Cancel a large push mid-way (a 300 MiB layer of random data): the daemon's request is aborted, the
 * transfer and its unfinished layers say "Cancelled", and the registry never got the manifest.
 */
import { mkdirSync } from 'node:fs';
import { parseReference } from '../../electron/common/reference';
import { buildTestImage, freePort, MiB, removeImages, type TestImage } from '../helpers/test-images';
import { expect, test } from './fixtures';
import { ImageActions } from './pages/transfers-images';
import { TagDialogPage } from './pages/tag-dialog';
import { callApi, TransfersPanelPage } from './pages/transfers-panel';

const SCREENSHOTS = 'test-results/screenshots';
let image: TestImage;
const cleanup: string[] = [];

test.beforeAll(async ({ docker }) => {
  test.setTimeout(300_000);
  mkdirSync(SCREENSHOTS, { recursive: true });
  image = await buildTestImage(docker, 'cancel', [300 * MiB]);
  cleanup.push(image.reference);
});

test.afterAll(async ({ docker }) => {
  await removeImages(docker, cleanup);
});

test('cancelling a large push mid-way stops it and says "Cancelled"', async ({
  page,
  mainWindow,
  webHost,
}) => {
  test.setTimeout(300_000);
  await mainWindow.open(webHost.url);
  const port = await freePort();
  await callApi(page, 'registry.start', { port });
  const registryHost = `127.0.0.1:${port}`;
  const target = `${registryHost}/${image.repository}:${image.tag}`;
  cleanup.push(target);
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
    await expect(push.layers.filter({ hasText: 'Pushing' })).toHaveCount(1);
    await page.screenshot({ path: `${SCREENSHOTS}/images-push-in-progress.png` });
  });

  await test.step('Cancel: the transfer and the unfinished layer say "Cancelled"', async () => {
    await push.cancelButton.click();
    await push.waitForState('Cancelled', 30_000);
    await expect(push.cancelButton).toHaveCount(0);
    await expect(push.dismissButton).toBeVisible();
    expect(await push.layerStatuses()).toContain('Cancelled');
    expect(await push.overallPercent()).toBeLessThan(100);
    await expect(push.digest).toHaveCount(0);
    await page.screenshot({ path: `${SCREENSHOTS}/images-push-cancelled.png` });
  });

  await test.step('the registry has no manifest for it', async () => {
    const response = await fetch(`http://${registryHost}/v2/${image.repository}/manifests/${image.tag}`, {
      method: 'HEAD',
      headers: {
        Accept:
          'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json',
      },
    });
    expect(response.status).toBe(404);
  });
});
