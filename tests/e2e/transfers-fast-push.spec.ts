/**
 * The fast local push in the window (issue 23): push an image to the local registry; its card shows
 * each layer "Written", the bar at 100 %, which way it went (fast local push, layers uncompressed,
 * the size stored) and the CLI command with the same outcome. The Local registry view shows the two
 * settings and changes them.
 */
import { parseReference } from '../../electron/common/reference';
import { MiB } from '../helpers/test-images';
import { expect, screenshotPath, test, testImageForFile } from './fixtures';
import { ImageActions } from './pages/transfers-images';
import { callApi, setLocalPush, startLocalRegistry, TransfersPanelPage } from './pages/transfers-panel';

const subject = testImageForFile('fastpush', [4 * MiB, 6 * MiB]);

test('a push to the local registry takes the fast path and its card says so, with the CLI command', async ({
  page,
  mainWindow,
  webHost,
  docker,
}) => {
  const { image } = subject;
  test.setTimeout(180_000);
  await mainWindow.open(webHost.url);
  const { host: registryHost } = await startLocalRegistry(page);
  await setLocalPush(page, { throughDocker: false, layerCompression: 'none' });
  const target = `${registryHost}/${image.repository}:${image.tag}`;
  await docker.getImage(image.reference).tag({ repo: `${registryHost}/${image.repository}`, tag: image.tag });
  subject.removeLater(target);
  const expected = parseReference(target);
  if (!expected.ok) throw new Error(expected.reason);

  const images = new ImageActions(page);
  const panel = new TransfersPanelPage(page);
  await images.showOnly(image.repository);
  await images.push(target);
  const push = panel.transfer('Push', expected.ref.normalized);

  await test.step('every layer is written and the card says which path was taken', async () => {
    await push.waitForState('Pushed', 120_000);
    await expect(push.overall).toHaveAttribute('aria-valuenow', '100');
    // The two new layers are written; busybox's may be in the registry already (an earlier spec of
    // this worker pushed it), and is then linked, not written again.
    const statuses = await push.layerStatuses();
    expect(statuses).toHaveLength(3);
    expect(statuses.filter((status) => status === 'Written').length).toBeGreaterThanOrEqual(2);
    for (const status of statuses) expect(status).toMatch(/^(Written|Already exists|Mounted from .+)$/);
    await expect(push.root).toContainText(
      /Fast local push · layers uncompressed \(OCI tar\) · [\d.]+ MB stored/,
    );
    await expect(push.root.getByLabel('Equivalent command')).toHaveText(`docker push ${target}`);
    await push.root.screenshot({ path: screenshotPath('fast-push-finished-card.png') });
  });

  await test.step('the Local registry view shows the settings and changes them', async () => {
    await mainWindow.sidebarItem(/Local registry/).click();
    const throughDocker = page.getByRole('checkbox', { name: 'Push to the local registry through Docker' });
    await expect(throughDocker).not.toBeChecked();
    const layers = page.getByRole('combobox', { name: /Layers/ });
    await layers.selectOption('gzip');
    await expect(page.getByRole('region', { name: 'Pushes to this registry' })).toContainText(
      'layers gzip-compressed on every core',
    );
    await page.screenshot({ path: screenshotPath('fast-push-settings.png') });
    expect(await callApi<{ localPush: unknown }>(page, 'settings.get', {})).toMatchObject({
      localPush: { throughDocker: false, layerCompression: 'gzip' },
    });
    await throughDocker.click();
    await expect(throughDocker).toBeChecked();
    await expect(layers).toBeDisabled();
    await setLocalPush(page, { throughDocker: false, layerCompression: 'none' });
  });
});
