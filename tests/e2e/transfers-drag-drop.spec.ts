/**
 * Drag an image row onto a registry in the sidebar: the Tag dialog opens prefilled for that registry
 * ("Push to a registry"), and "Tag and push" pushes it for real. The keyboard equivalent, the row's
 * "Push to…" action, opens the same dialog.
 */
import { parseReference } from '../../electron/common/reference';
import { expect, test, testImageForFile } from './fixtures';
import { TagDialogPage } from './pages/tag-dialog';
import { ImageActions, RegistryNavigation } from './pages/transfers-images';
import { setLocalPush, startLocalRegistry, TransfersPanelPage } from './pages/transfers-panel';

const subject = testImageForFile('dragdrop', [2 * 1024 * 1024]);

test('dropping an image on the local registry opens the Tag dialog for it, and Tag and push pushes', async ({
  page,
  mainWindow,
  webHost,
}, testInfo) => {
  const { image } = subject;
  test.setTimeout(240_000);
  await mainWindow.open(webHost.url);
  const { host: registryHost, address: registryAddress, port } = await startLocalRegistry(page);
  // This journey is Docker's own push (its words, its cancel); the fast path has its own spec.
  await setLocalPush(page, { throughDocker: true });
  const navigation = new RegistryNavigation(page);
  const localRegistry = navigation.item(/Local registry/);
  await expect(localRegistry).toContainText(`:${port}`);

  const images = new ImageActions(page);
  const dialog = new TagDialogPage(page);
  await images.showOnly(image.repository);
  const row = images.row(image.reference);

  await test.step('the keyboard equivalent: Tab from the filter to Push to…, Enter opens the same dialog', async () => {
    await images.filter.focus();
    const pushTo = `Push ${image.reference} to…`;
    const focusedName = () =>
      page.evaluate<string | null>(
        "document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent ?? null",
      );
    let presses = 0;
    while ((await focusedName()) !== pushTo) {
      expect(presses, `Tab never reached "${pushTo}"`).toBeLessThan(12);
      await page.keyboard.press('Tab');
      presses += 1;
    }
    await page.keyboard.press('Enter');
    await expect(page.getByRole('dialog', { name: 'Push to a registry' })).toBeVisible();
    // Focus lands on the dialog's first field (not its × button, where Enter would close it), and
    // Tab and Shift+Tab stay inside the dialog: the rows behind it can't be reached.
    const focusIn = (selector: string) =>
      page.evaluate<boolean>(`!!document.activeElement?.closest(${JSON.stringify(selector)})`);
    expect(await focusIn('.dialog-body')).toBe(true);
    for (let press = 0; press < 25; press += 1) {
      await page.keyboard.press(press < 12 ? 'Shift+Tab' : 'Tab');
      expect(await focusIn('[role=dialog]'), `focus left the dialog after ${press + 1} presses`).toBe(true);
    }
    await page.keyboard.press('Escape');
    await expect(dialog.root).toBeHidden();
    // Focus is back on the button that opened it.
    expect(await focusedName()).toBe(pushTo);
    // The mouse path opens it too.
    await images.openPushTo(image.reference);
    await expect(page.getByRole('dialog', { name: 'Push to a registry' })).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(dialog.root).toBeHidden();
  });

  await test.step('drag the row onto "Local registry"', async () => {
    await row.dragTo(localRegistry);
    const native = await dialog.root.isVisible();
    testInfo.annotations.push({
      type: 'drag-and-drop',
      description: native ? 'native mouse drag (dragTo)' : 'dispatched DataTransfer events',
    });
    console.log(`drag and drop: ${native ? 'native mouse drag (dragTo)' : 'dispatched DataTransfer events'}`);
    if (!native) {
      // Some Chromium builds don't run HTML5 drag and drop from synthetic mouse moves: dispatch the
      // same events with one DataTransfer, as a real drag does.
      const dataTransfer = await page.evaluateHandle('new DataTransfer()');
      await row.dispatchEvent('dragstart', { dataTransfer });
      await localRegistry.dispatchEvent('dragenter', { dataTransfer });
      await localRegistry.dispatchEvent('dragover', { dataTransfer });
      await localRegistry.dispatchEvent('drop', { dataTransfer });
      await row.dispatchEvent('dragend', { dataTransfer });
    }
    await expect(page.getByRole('dialog', { name: 'Push to a registry' })).toBeVisible();
  });

  const target = `${registryHost}/${image.repository}:${image.tag}`;
  subject.removeLater(target);
  await test.step('the dialog is prefilled for the local registry', async () => {
    await expect(dialog.registry.locator('option:checked')).toHaveText(`Local registry (${registryHost})`);
    await expect(dialog.fullName).toHaveText(target);
    await expect(dialog.tagAndPushButton).toHaveClass(/primary/);
  });

  await test.step('Tag and push: it is pushed', async () => {
    const panel = new TransfersPanelPage(page);
    await dialog.tagAndPushButton.click();
    const expected = parseReference(target);
    if (!expected.ok) throw new Error(expected.reason);
    const push = panel.transfer('Push', expected.ref.normalized);
    await push.waitForState('Pushed');
    await expect(push.overall).toHaveAttribute('aria-valuenow', '100');
    const digest = await push.digest.textContent();
    const response = await fetch(`http://${registryAddress}/v2/${image.repository}/manifests/${image.tag}`, {
      method: 'HEAD',
      headers: {
        Accept:
          'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json',
      },
    });
    expect(response.headers.get('docker-content-digest')).toBe(digest);
  });
});
