/**
 * Trip-up #14, end to end: a registry added in Berth that needs no login (Debian's docker-registry,
 * no auth, on 127.0.0.1) says so from what it answered when Berth listed it, and never that pushing
 * needs a login; one that asks for a login (htpasswd) says that instead.
 */
import type { Page } from '@playwright/test';
import { bcryptHtpasswdLine, startTestRegistry, type TestRegistry } from '../helpers/test-images';
import { expect, test } from './fixtures';

let open: TestRegistry | undefined;
let guarded: TestRegistry | undefined;

test.beforeAll(async () => {
  open = await startTestRegistry();
  const htpasswd = bcryptHtpasswdLine('ada', 'lovelace-password');
  if (htpasswd === undefined)
    throw new Error('python3 with crypt (bcrypt) is needed to make the htpasswd file');
  guarded = await startTestRegistry({ htpasswd });
});

test.afterAll(async () => {
  await open?.stop();
  await guarded?.stop();
});

async function addRegistry(page: Page, host: string, name: string) {
  await page.getByRole('button', { name: /Add registry/ }).click();
  const dialog = page.getByRole('dialog', { name: 'Add a registry' });
  await dialog.getByLabel('Registry host').fill(host);
  await dialog.getByLabel(/Name/).fill(name);
  await dialog.getByRole('button', { name: 'Add' }).click();
  await expect(dialog).toBeHidden();
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('button', { name: new RegExp(`^${name}`) })
    .click();
}

test('#14 an added registry that needs no login says so from its own answer', async ({
  page,
  mainWindow,
  webHost,
}) => {
  await mainWindow.open(webHost.url);
  await addRegistry(page, open!.host, 'Open lab');
  const account = page.getByRole('region', { name: 'Account' });
  await expect(account).toContainText('none is needed: this registry answered Berth without a login');
  await expect(account).not.toContainText('pushing needs one');

  await addRegistry(page, guarded!.host, 'Guarded lab');
  await expect(page.getByRole('region', { name: 'Account' })).toContainText(
    'Not logged in, and this registry asked for a login',
  );
});
