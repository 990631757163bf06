/**
 * The everyday journey against the real dockerd and Berth's embedded registry: tag an image for the
 * local registry in the Tag dialog, push it and watch its layers go through the daemon's states to
 * "Pushed" with the overall bar at 100 %, check the registry holds the manifest with the digest the UI
 * showed, push again ("Layer already exists"), delete the image locally and pull it back from the UI
 * ("Pull complete", same digest).
 */
import { parseReference } from '../../electron/common/reference';
import { MiB } from '../helpers/test-images';
import { expect, screenshotPath, test, testImageForFile } from './fixtures';
import { TagDialogPage } from './pages/tag-dialog';
import { ImageActions, RegistryNavigation } from './pages/transfers-images';
import { setLocalPush, startLocalRegistry, TransfersPanelPage } from './pages/transfers-panel';

const MANIFEST_TYPES = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
].join(', ');

const subject = testImageForFile('pushpull', [6 * MiB, 10 * MiB]);

test('tag for the local registry, push with live layers, push again, delete, pull back', async ({
  page,
  mainWindow,
  webHost,
}) => {
  const { image } = subject;
  test.setTimeout(300_000);
  await mainWindow.open(webHost.url);
  const { host: registryHost, address: registryAddress, port } = await startLocalRegistry(page);
  // This journey is Docker's own push (its words, its cancel); the fast path has its own spec.
  await setLocalPush(page, { throughDocker: true });
  await expect(mainWindow.sidebarItem(/Local registry/)).toContainText(`:${port}`);

  const images = new ImageActions(page);
  const dialog = new TagDialogPage(page);
  const panel = new TransfersPanelPage(page);
  const target = `${registryHost}/${image.repository}:${image.tag}`;
  subject.removeLater(target);
  const expected = parseReference(target);
  if (!expected.ok) throw new Error(expected.reason);
  let pushedDigest = '';

  await test.step('tag it for the local registry in the Tag dialog and push', async () => {
    await images.showOnly(image.repository);
    await images.openTag(image.reference);
    await dialog.waitOpen();
    await dialog.chooseRegistry(`Local registry (${registryHost})`);
    // The fields were prefilled from the image's name.
    await expect(dialog.namespace).toHaveValue('berth-test');
    await expect(dialog.repository).toHaveValue(image.repository.split('/')[1]!);
    await expect(dialog.tag).toHaveValue(image.tag);
    await expect(dialog.fullName).toHaveText(target);
    await panel.recordLayerStates();
    await dialog.tagAndPushButton.click();
    await expect(dialog.root).toBeHidden();
  });

  await test.step('the layers go through the real states to "Pushed" and the bar reaches 100 %', async () => {
    const push = panel.transfer('Push', expected.ref.normalized);
    await push.waitForState('Pushed');
    await expect(push.overall).toHaveAttribute('aria-valuenow', '100');
    // busybox + two random layers, each pushed.
    await expect(push.layers).toHaveCount(3);
    expect(await push.layerStatuses()).toEqual(['Pushed', 'Pushed', 'Pushed']);
    for (const bar of await push.layerBars.all()) await expect(bar).toHaveAttribute('aria-valuenow', '100');
    const seen = await panel.recordedLayerStates();
    expect(seen).toContain('Pushed');
    // The daemon's intermediate words were on screen before "Pushed".
    expect(seen.some((status) => ['Preparing', 'Waiting', 'Pushing'].includes(status))).toBe(true);
    pushedDigest = (await push.digest.textContent()) ?? '';
    expect(pushedDigest).toMatch(/^sha256:[a-f0-9]{64}$/);
    // The in-app notice tells the digest too.
    await expect(
      page.getByRole('status').filter({ hasText: `Pushed ${expected.ref.normalized}` }),
    ).toContainText(pushedDigest);
    await page.screenshot({ path: screenshotPath('images-push-finished.png') });
  });

  await test.step('the registry has the manifest with the digest the UI showed', async () => {
    const response = await fetch(`http://${registryAddress}/v2/${image.repository}/manifests/${image.tag}`, {
      headers: { Accept: MANIFEST_TYPES },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('docker-content-digest')).toBe(pushedDigest);
  });

  await test.step('push again: every layer already exists', async () => {
    await panel.resetRecordedLayerStates();
    const cards = panel.root.getByRole('article', { name: `Push ${expected.ref.normalized}`, exact: true });
    await images.push(target);
    await expect(cards).toHaveCount(2);
    const again = panel.transfer('Push', expected.ref.normalized);
    await again.waitForState('Pushed');
    expect(await again.layerStatuses()).toEqual([
      'Layer already exists',
      'Layer already exists',
      'Layer already exists',
    ]);
    await expect(again.overall).toHaveAttribute('aria-valuenow', '100');
    await expect(again.digest).toHaveText(pushedDigest);
  });

  await test.step('remove the image locally; the dialog says what will be lost', async () => {
    // Dismissed transfers leave the panel.
    await panel.dismissAll();
    // Names are sorted, so the test image's own name (berth-test/…) comes before localhost:… and
    // labels the row's actions.
    const remove = await images.openRemove(image.reference);
    await expect(remove.getByRole('note')).toHaveText(
      `Untags ${image.reference}; the image stays because it has other tags (${target}).`,
    );
    await remove.getByRole('radio', { name: /The whole image/ }).check();
    await expect(remove.getByRole('note')).toContainText('Removes all 2 tags and deletes the image');
    await remove.getByRole('button', { name: 'Delete' }).click();
    await expect(remove).toBeHidden();
    await expect(images.row(image.repository)).toHaveCount(0);
  });

  await test.step('pull it back from the registry view: "Pull complete" and the same digest', async () => {
    const navigation = new RegistryNavigation(page);
    await navigation.addRegistry(registryHost, 'Team registry');
    await expect(page.getByRole('heading', { name: 'Team registry' })).toBeVisible();
    await panel.resetRecordedLayerStates();
    await navigation.pull(`${image.repository}:${image.tag}`);
    const pull = panel.transfer('Pull', expected.ref.normalized);
    await pull.waitForState('Pulled');
    const statuses = await pull.layerStatuses();
    // The busybox layer is shared with other test images still on this daemon: "Already exists".
    expect(statuses).toHaveLength(3);
    expect(statuses.every((status) => status === 'Pull complete' || status === 'Already exists')).toBe(true);
    expect(statuses.filter((status) => status === 'Pull complete').length).toBeGreaterThanOrEqual(2);
    await expect(pull.overall).toHaveAttribute('aria-valuenow', '100');
    await expect(pull.digest).toHaveText(pushedDigest);
    const seen = await panel.recordedLayerStates();
    expect(seen).toContain('Pull complete');
    await navigation.item('Images').click();
    await images.showOnly(image.repository);
    await expect(images.row(target)).toBeVisible();
  });
});
