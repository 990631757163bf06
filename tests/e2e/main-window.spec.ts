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
import { formatBytes } from '../../renderer/src/format';
import { ImageActions } from './pages/transfers-images';
import { COMPILE_HINT } from '../../renderer/compile-hint';

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

test('the app’s script reaches the browser with V8’s compile hint on its first line', async ({
  mainWindow,
  webHost,
}) => {
  // Without it Chromium compiles the app's functions on the main thread as they are first called
  // (renderer/compile-hint.ts); a minifier or plugin change that drops the comment fails here.
  await mainWindow.open(webHost.url);
  const source = await mainWindow.page.locator('script[type="module"]').getAttribute('src');
  expect(source).toMatch(/\.js$/);
  const response = await mainWindow.page.request.get(new URL(source!, mainWindow.page.url()).href);
  expect(response.status()).toBe(200);
  const script = await response.text();
  expect(script.slice(0, COMPILE_HINT.length + 1)).toBe(`${COMPILE_HINT}\n`);
  expect(script.length).toBeGreaterThan(100_000); // the whole app follows it
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

test('one image with two tags is one row with its size and age; Remove can untag just one of them', async ({
  mainWindow,
  webHost,
  docker,
}) => {
  await mainWindow.open(webHost.url);
  const second = `${image.repository}:second`;
  execFileSync('docker', ['tag', image.reference, second]);
  try {
    await mainWindow.filterBy(image.repository);
    const images = new ImageActions(mainWindow.page);
    // Grouped by image ID: both names on one row, with the image's size and age.
    const rows = images.table.getByRole('row').filter({ hasText: image.repository });
    await expect(rows).toHaveCount(1);
    await expect(rows).toContainText(image.reference);
    await expect(rows).toContainText(second);
    const inspected = await docker.getImage(image.reference).inspect();
    await expect(rows).toContainText(formatBytes(inspected.Size));
    await expect(rows).toContainText(/seconds? ago|minutes? ago/);

    // Names are sorted: ":1" comes before ":second" and labels the row's actions.
    const remove = await images.openRemove(image.reference);
    await remove.getByRole('radio', { name: second }).check();
    await expect(remove.getByRole('note')).toHaveText(
      `Untags ${second}; the image stays because it has other tags (${image.reference}).`,
    );
    await remove.getByRole('button', { name: 'Untag' }).click();
    await expect(remove).toBeHidden();
    await expect(mainWindow.imagesTable).not.toContainText(second);
    await expect(mainWindow.imageRow(image.reference)).toBeVisible();
    // Docker agrees: the other tag and the image are still there.
    expect((await docker.getImage(image.reference).inspect()).Id).toBe(inspected.Id);
    await expect(docker.getImage(second).inspect()).rejects.toMatchObject({ statusCode: 404 });
  } finally {
    await removeImages(docker, [second]);
  }
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
