/**
 * A registry on another machine with a certificate Docker doesn't trust (self-signed, as many
 * company and home registries start out): Debian's reference registry over HTTPS in a
 * network-namespace test host. The push fails with Docker's "x509: certificate signed by unknown
 * authority" kept visible; the app says what it means and where Docker looks for the CA. Saving the
 * certificate exactly there and pressing Retry pushes — proof that the path shown is the right one.
 */
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  createNetnsHost,
  startTlsRegistryIn,
  type NetnsHost,
  type NetnsTlsRegistry,
} from '../helpers/netns-host';
import { expect, screenshotPath, test, testImageForFile } from './fixtures';
import { ImageActions } from './pages/transfers-images';
import { TransfersPanelPage } from './pages/transfers-panel';

const subject = testImageForFile('untrusted', [256 * 1024]);
let testHost: NetnsHost;
let registry: NetnsTlsRegistry;
let caPath = '';

test.beforeAll(async () => {
  testHost = createNetnsHost();
  registry = await startTlsRegistryIn(testHost);
});

test.afterAll(async () => {
  if (caPath) rmSync(dirname(caPath), { recursive: true, force: true });
  await registry?.stop();
  testHost?.destroy();
});

test('an untrusted certificate: the error says where Docker looks for the CA, and with it there Retry pushes', async ({
  page,
  mainWindow,
  webHost,
}) => {
  test.setTimeout(180_000);
  const { image } = subject;
  await mainWindow.open(webHost.url);
  const panel = new TransfersPanelPage(page);
  subject.removeLater(`${registry.address}/${image.repository}:${image.tag}`);
  const pushed = await new ImageActions(page).pushToAnotherRegistry(image, registry.address);
  const push = panel.transfer('Push', pushed);
  const box = push.root.getByRole('alert', { name: 'Push failed' });
  await test.step('Docker’s words stay; the meaning and where the CA goes are under them', async () => {
    await push.waitForState('Push failed');
    await expect(box.getByLabel("Docker's message")).toContainText(
      'x509: certificate signed by unknown authority',
    );
    await expect(box).toContainText(`Docker does not trust the certificate of ${registry.address}`);
    await box.getByRole('button', { name: 'Where Docker looks for the certificate' }).click();
    caPath = `/etc/docker/certs.d/${registry.address}/ca.crt`;
    await expect(box.locator('pre.raw').filter({ hasText: caPath })).toHaveText(caPath);
    await page.screenshot({ path: screenshotPath('error-with-fix-untrusted-certificate.png') });
  });

  await test.step('the CA saved where the app said: Retry pushes, no daemon restart', async () => {
    mkdirSync(dirname(caPath), { recursive: true });
    copyFileSync(registry.caFile, caPath);
    await box.getByRole('button', { name: 'Retry' }).click();
    const retried = panel.transfer('Push', pushed);
    await retried.waitForState('Pushed', 120_000);
    await expect(retried.overall).toHaveAttribute('aria-valuenow', '100');
  });
});
