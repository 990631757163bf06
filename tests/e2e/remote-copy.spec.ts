/**
 * Copy an image from one registry to another by dragging a tag (issue 21), in Chromium against the
 * real browser host: two of Debian's docker-registry on 127.0.0.1 (a source holding a 3-layer image
 * and a two-platform index, an empty target), both added in the sidebar; a tag dragged from the
 * source's tag list onto the target opens the Copy dialog named after the source; Copy shows the copy
 * in the transfers panel with a row per blob and its skopeo command, and the target then has the same
 * digest. "Copy to…" (the keyboard's way) copies one platform of the index into a new index.
 * Screenshots of the dialog and of a copy in progress go to /work/notes/shots/21/ (SHOTS_DIR).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pushMultiArch, pushSmallImage, pushBlobTo, putManifestTo } from '../helpers/registry-populate';
import { startTestRegistry, type TestRegistry } from '../helpers/test-images';
import { expect, test, screenshotPath } from './fixtures';
import { startLocalRegistry, TransfersPanelPage } from './pages/transfers-panel';

let source: TestRegistry | undefined;
let target: TestRegistry | undefined;
let imageDigest = '';
let indexDigest = '';
const shots = process.env.SHOTS_DIR;

function shot(name: string): string {
  if (!shots) return screenshotPath(`copy-${name}`);
  mkdirSync(shots, { recursive: true });
  return join(shots, name);
}

test.beforeAll(async () => {
  source = await startTestRegistry();
  target = await startTestRegistry();
  const base = `http://${source.host}`;
  // Three big layers, so the copy is seen moving.
  const image = await pushSmallImage(base, 'team/app', { layerSize: 48 * 1024 * 1024 });
  const more = [
    await pushBlobTo(
      base,
      'team/app',
      Buffer.alloc(40 * 1024 * 1024, 1),
      'application/vnd.oci.image.layer.v1.tar+gzip',
    ),
    await pushBlobTo(
      base,
      'team/app',
      Buffer.alloc(40 * 1024 * 1024, 2),
      'application/vnd.oci.image.layer.v1.tar+gzip',
    ),
  ];
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: image.mediaType,
      config: image.config,
      layers: [image.layer, ...more],
    }),
  );
  imageDigest = await putManifestTo(base, 'team/app', '1.0', manifest, image.mediaType);
  indexDigest = (await pushMultiArch(base, 'team/app', 'multi')).digest;
});

test.afterAll(async () => {
  await source?.stop();
  await target?.stop();
});

test('drag a tag onto another registry: the Copy dialog, the copy in the transfers panel, the same digest there', async ({
  page,
  mainWindow,
  webHost,
}) => {
  test.setTimeout(180_000);
  const from = source!.host;
  const to = target!.host;
  await page.setViewportSize({ width: 1380, height: 900 });
  await mainWindow.open(webHost.url);
  for (const host of [from, to]) {
    await mainWindow.sidebarItem('Add registry…').click();
    const add = page.getByRole('dialog', { name: 'Add a registry' });
    await add.getByLabel('Registry host').fill(host);
    await add.getByRole('button', { name: /^Add/ }).click();
    await expect(add).toBeHidden();
  }
  await mainWindow.sidebarItem(from).click();
  await page.getByRole('list', { name: 'Repositories' }).getByRole('button', { name: 'team/app' }).click();
  const tags = page.getByRole('list', { name: 'Tags of team/app' });
  const dialog = page.getByRole('dialog', { name: 'Copy to a registry' });

  await test.step('drag the tag 1.0 onto the target registry: the Copy dialog, named after the source', async () => {
    const row = tags.getByRole('button', { name: '1.0' });
    const targetItem = mainWindow.sidebarItem(to);
    await row.dragTo(targetItem);
    if (!(await dialog.isVisible())) {
      // Where Chromium doesn't run HTML5 drag and drop from synthetic mouse moves: the same events.
      const dataTransfer = await page.evaluateHandle('new DataTransfer()');
      await row.dispatchEvent('dragstart', { dataTransfer });
      await targetItem.dispatchEvent('dragenter', { dataTransfer });
      await targetItem.dispatchEvent('dragover', { dataTransfer });
      await targetItem.dispatchEvent('drop', { dataTransfer });
      await row.dispatchEvent('dragend', { dataTransfer });
    }
    await expect(dialog).toBeVisible();
    await expect(dialog.getByLabel('Registry', { exact: true }).locator('option:checked')).toHaveText(to);
    await expect(dialog.getByLabel('Full name')).toHaveText(`${to}/team/app:1.0`);
    await expect(dialog).toContainText('one image; its manifest is copied byte for byte');
    await expect(dialog.getByRole('group', { name: 'Same result with the CLI' })).toContainText(
      `skopeo copy --all --src-tls-verify=false --dest-tls-verify=false docker://${from}/team/app:1.0 docker://${to}/team/app:1.0`,
    );
    await dialog.getByLabel('Namespace').fill('mirror');
    await expect(dialog.getByLabel('Full name')).toHaveText(`${to}/mirror/app:1.0`);
    await page.screenshot({ path: shot('copy-dialog.png') });
  });

  const panel = new TransfersPanelPage(page);
  await test.step('Copy: the transfers panel shows it moving, then Copied, and the target has the same digest', async () => {
    await dialog.getByRole('button', { name: 'Copy', exact: true }).click();
    await expect(dialog).toBeHidden();
    const card = panel.transfer('Copy', `${to}/mirror/app:1.0`);
    await expect(card.root).toContainText(`${from}/team/app:1.0`);
    await expect(card.root).toContainText('Registry to registry, without Docker');
    // A screenshot while it runs (if it is still running by then: a fast machine may have finished).
    await expect(card.root.getByRole('progressbar', { name: /^Layer / }).first()).toBeVisible();
    await page.screenshot({ path: shot('copy-in-progress.png') });
    await card.waitForState('Copied');
    await expect(card.overall).toHaveAttribute('aria-valuenow', '100');
    await expect(card.digest).toHaveText(imageDigest);
    await expect(card.root).toContainText('4 blobs copied');
    const head = await fetch(`http://${to}/v2/mirror/app/manifests/1.0`, {
      method: 'HEAD',
      headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' },
    });
    expect(head.headers.get('docker-content-digest')).toBe(imageDigest);
    await page.screenshot({ path: shot('copy-done.png') });
  });

  await test.step('Copy to… from the keyboard: one platform of an index, into a new index', async () => {
    await tags.getByRole('button', { name: 'multi' }).click();
    const copyTo = page.getByLabel('Details of team/app:multi').getByRole('button', { name: 'Copy to…' });
    await copyTo.focus();
    await page.keyboard.press('Enter');
    await expect(dialog).toBeVisible();
    await dialog.getByLabel('Registry', { exact: true }).selectOption({ label: to });
    await dialog.getByLabel('Tag', { exact: true }).fill('arm64-only');
    await expect(dialog).toContainText('an index of 2 platforms');
    await dialog.getByRole('checkbox', { name: 'linux/amd64' }).uncheck();
    await expect(dialog).toContainText('its digest differs from the source’s');
    await expect(dialog.getByRole('group', { name: 'Same result with the CLI' })).toContainText(
      '--override-os linux --override-arch arm64',
    );
    await dialog.getByRole('button', { name: 'Copy', exact: true }).click();
    const card = panel.transfer('Copy', `${to}/team/app:arm64-only`);
    await card.waitForState('Copied');
    await expect(card.root).toContainText('its digest differs');
    const written = await fetch(`http://${to}/v2/team/app/manifests/arm64-only`, {
      headers: { Accept: 'application/vnd.oci.image.index.v1+json' },
    });
    const index = (await written.json()) as { manifests: Array<{ platform: { architecture: string } }> };
    expect(index.manifests.map((entry) => entry.platform.architecture)).toEqual(['arm64']);
    expect(written.headers.get('docker-content-digest')).not.toBe(indexDigest);
  });

  await test.step('into the local registry with Copy to…, then from its list out again', async () => {
    const { host: local, address } = await startLocalRegistry(page);
    await mainWindow.sidebarItem(from).click();
    await page.getByRole('list', { name: 'Repositories' }).getByRole('button', { name: 'team/app' }).click();
    await tags.getByRole('button', { name: '1.0' }).click();
    await page.getByLabel('Details of team/app:1.0').getByRole('button', { name: 'Copy to…' }).click();
    await dialog.getByLabel('Registry', { exact: true }).selectOption({ label: `Local registry (${local})` });
    await expect(dialog.getByLabel('Full name')).toHaveText(`${local}/team/app:1.0`);
    await dialog.getByRole('button', { name: 'Copy', exact: true }).click();
    await panel.transfer('Copy', `${local}/team/app:1.0`).waitForState('Copied');
    const head = await fetch(`http://${address}/v2/team/app/manifests/1.0`, {
      method: 'HEAD',
      headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' },
    });
    expect(head.headers.get('docker-content-digest')).toBe(imageDigest);

    await mainWindow.sidebarItem(/Local registry/).click();
    await page.getByRole('button', { name: `Copy team/app:1.0 to…` }).click();
    await dialog.getByLabel('Registry', { exact: true }).selectOption({ label: to });
    await dialog.getByLabel('Repository').fill('from-local');
    await dialog.getByRole('button', { name: 'Copy', exact: true }).click();
    const out = panel.transfer('Copy', `${to}/team/from-local:1.0`);
    await out.waitForState('Copied');
    await expect(out.digest).toHaveText(imageDigest);
  });
});
