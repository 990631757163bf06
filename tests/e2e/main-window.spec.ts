/**
 * The first journey: open Berth in a browser, see Docker connected with its version and the local
 * images, and watch the list follow `docker tag` / `docker rmi` typed in a terminal — no reload.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, screenshotPath, test } from './fixtures';
import { buildTestImage, removeImages, type TestImage } from '../helpers/test-images';
import { startWebHost } from '../helpers/web-host';

let image: TestImage;

test.beforeAll(async ({ docker }) => {
  image = await buildTestImage(docker, 'main-window', [64 * 1024]);
});

test.afterAll(async ({ docker }) => {
  await removeImages(docker, [image.reference, `${image.repository}:retagged`]);
});

test('shows Docker connected with its version and lists the local images', async ({
  mainWindow,
  webHost,
  docker,
}, testInfo) => {
  const version = await docker.version();
  await mainWindow.open(webHost.url);
  await expect(mainWindow.page.locator('[data-docker-state="connected"]')).toContainText(`Connected to`);
  await expect(mainWindow.page.locator('[data-docker-state="connected"]')).toContainText(version.Version);
  await expect(mainWindow.page.locator('[data-docker-state="connected"]')).toContainText(
    `API ${version.ApiVersion}`,
  );

  await mainWindow.filterBy(image.repository);
  const row = mainWindow.imageRow(image.reference);
  await expect(row).toBeVisible();
  const inspected = await docker.getImage(image.reference).inspect();
  await expect(row).toContainText(inspected.Id.replace('sha256:', '').slice(0, 12));

  await mainWindow.filterBy('');
  const path = screenshotPath('main-window.png');
  await mainWindow.page.screenshot({ path });
  await testInfo.attach('main-window', { path, contentType: 'image/png' });
});

test('a tag or rmi made with the docker CLI shows up without reloading', async ({ mainWindow, webHost }) => {
  await mainWindow.open(webHost.url);
  await mainWindow.filterBy(image.repository);
  await expect(mainWindow.imageRow(image.reference)).toBeVisible();

  const retagged = `${image.repository}:retagged`;
  execFileSync('docker', ['tag', image.reference, retagged]);
  // Docker's event stream drives the refresh; a second is the promise, two allow for a busy machine.
  await expect(mainWindow.imagesTable).toContainText(retagged, { timeout: 2_000 });

  execFileSync('docker', ['rmi', retagged]);
  await expect(mainWindow.imagesTable).not.toContainText(retagged, { timeout: 2_000 });
  await expect(mainWindow.imageRow(image.reference)).toBeVisible();
});

test('a damaged settings file is moved aside, defaults are used, and the window says so', async ({
  page,
}) => {
  const userDataDir = mkdtempSync(join(tmpdir(), 'berth-e2e-corrupt-'));
  writeFileSync(join(userDataDir, 'config.json'), '{"registry": {"port": 5001,,');
  const host = await startWebHost({ userDataDir });
  try {
    await page.goto(host.url);
    await expect(page.getByRole('status').filter({ hasText: 'settings file was damaged' })).toBeVisible();
    expect(readdirSync(userDataDir).some((name) => name.startsWith('config.json.corrupt-'))).toBe(true);
  } finally {
    await host.stop();
    rmSync(userDataDir, { recursive: true, force: true });
  }
});
