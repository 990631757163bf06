/**
 * An error a beginner can act on: pushing to a registry that needs a login fails with Docker's own
 * message kept visible, what happened in plain words under it, and "Log in to <registry> and retry".
 * A wrong password is refused in the dialog; the right one logs in through the daemon and the push
 * is retried and succeeds. (Debian's docker-registry with htpasswd auth, on 127.0.0.1.)
 */
import {
  bcryptHtpasswdLine,
  buildTestImage,
  removeImages,
  startTestRegistry,
  type TestImage,
  type TestRegistry,
} from '../helpers/test-images';
import { expect, screenshotPath, test } from './fixtures';
import { ImageActions } from './pages/transfers-images';
import { TransfersPanelPage } from './pages/transfers-panel';

const USER = 'berth';
const PASSWORD = 'correct-horse-battery';
let image: TestImage;
let registry: TestRegistry | undefined;
const cleanup: string[] = [];

test.beforeAll(async ({ docker }) => {
  const htpasswd = bcryptHtpasswdLine(USER, PASSWORD);
  if (htpasswd === undefined)
    throw new Error('python3 with crypt (bcrypt) is needed to make the htpasswd file');
  registry = await startTestRegistry({ htpasswd });
  image = await buildTestImage(docker, 'needslogin', [256 * 1024]);
  cleanup.push(image.reference);
});

test.afterAll(async ({ docker }) => {
  await removeImages(docker, cleanup);
  await registry?.stop();
});

test('a push that needs a login explains itself, and "Log in and retry" fixes it', async ({
  page,
  mainWindow,
  webHost,
}) => {
  test.setTimeout(180_000);
  const host = registry!.host;
  await mainWindow.open(webHost.url);
  const panel = new TransfersPanelPage(page);
  cleanup.push(`${host}/${image.repository}:${image.tag}`);
  const pushed = await new ImageActions(page).pushToAnotherRegistry(image, host);

  const push = panel.transfer('Push', pushed);
  await test.step('the failure keeps Docker’s words and offers the fix', async () => {
    await push.waitForState('Push failed');
    const box = push.root.getByRole('alert', { name: 'Push failed' });
    await expect(box.getByLabel("Docker's message")).toContainText(
      /no basic auth credentials|unauthorized|authentication required/i,
    );
    await expect(box).toContainText(`${host} refused access`);
    await expect(box.getByRole('button', { name: `Log in to ${host} and retry` })).toBeVisible();
    await page.screenshot({ path: screenshotPath('error-with-fix.png') });
  });

  await test.step('a wrong password is refused in the login dialog', async () => {
    await push.root.getByRole('button', { name: `Log in to ${host} and retry` }).click();
    const login = page.getByRole('dialog', { name: `Log in to ${host}` });
    await login.getByLabel('User name').fill(USER);
    await login.getByLabel('Password or access token').fill('wrong-password');
    await login.getByRole('button', { name: 'Log in and retry' }).click();
    await expect(login.getByRole('alert')).toBeVisible();
    await expect(login).toBeVisible();

    await login.getByLabel('Password or access token').fill(PASSWORD);
    await login.getByRole('button', { name: 'Log in and retry' }).click();
    await expect(login).toBeHidden();
  });

  await test.step('the retried push succeeds and replaces the failed one', async () => {
    const retried = panel.transfer('Push', pushed);
    await retried.waitForState('Pushed');
    await expect(retried.overall).toHaveAttribute('aria-valuenow', '100');
    await expect(panel.root.getByRole('article', { name: `Push ${pushed}`, exact: true })).toHaveCount(1);
  });
});
