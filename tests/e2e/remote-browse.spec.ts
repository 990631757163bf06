/**
 * Browsing another registry (issue 20), in Chromium against the real browser host: add a registry that
 * needs a login (Debian's docker-registry with htpasswd, deletes on), see it ask for the login, log in
 * through the fix, browse repositories and tags, see a multi-arch tag's platforms and size, copy its
 * pull command, and delete a tag (the registry can only delete by digest: the warning says every tag on
 * it goes). Takes docs/screenshot-browse.png.
 */
import { formatBytes } from '../../renderer/src/format';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startTokenIssuer, type TokenIssuer } from '../helpers/token-issuer';
import { basicAuth, bearerAuth, pushMultiArch, pushTaggedImage } from '../helpers/registry-populate';
import { bcryptHtpasswdLine, startTestRegistry, type TestRegistry } from '../helpers/test-images';
import { expect, test } from './fixtures';
import { LoginDialog } from './pages/logins';

const USER = 'browser';
const PASSWORD = 'correct-horse-battery-staple';
let registry: TestRegistry | undefined;
let tokenRegistry: TestRegistry | undefined;
let issuer: TokenIssuer | undefined;
let imageBytes = 0;

test.beforeAll(async () => {
  const htpasswd = bcryptHtpasswdLine(USER, PASSWORD);
  if (htpasswd === undefined)
    throw new Error('python3 with crypt (bcrypt) is needed to make the htpasswd file');
  registry = await startTestRegistry({ htpasswd });
  const base = `http://${registry.host}`;
  const auth = basicAuth(USER, PASSWORD);
  const image = await pushTaggedImage(base, 'team/app', ['1.0', '1.1'], { auth, layerSize: 3 * 1024 * 1024 });
  imageBytes = image.config.size + image.layer.size;
  await pushTaggedImage(base, 'team/app', ['2.0'], { auth });
  await pushMultiArch(base, 'team/app', 'multi', auth);
  for (const name of ['team/api', 'team/worker', 'tools/ci', 'web/site'])
    await pushTaggedImage(base, name, ['latest'], { auth });
  // Token auth: bob may read, but not list the catalog (as GHCR or Harbor treat most users).
  issuer = await startTokenIssuer({
    users: { ada: 'lovelace', bob: 'builder' },
    grant: (user, access) =>
      access.type === 'registry' ? (user === 'ada' ? ['*'] : []) : user ? ['pull', 'push'] : [],
  });
  tokenRegistry = await startTestRegistry({ token: issuer.registryConfig });
  await pushTaggedImage(`http://${tokenRegistry.host}`, 'private/app', ['1.0', '2.0'], {
    auth: bearerAuth(issuer.realm, issuer.service, 'ada', 'lovelace'),
  });
});

test.afterAll(async () => {
  await registry?.stop();
  await tokenRegistry?.stop();
  await issuer?.stop();
});

test('add a registry that needs a login, browse it, see a tag, copy its pull command, delete a tag', async ({
  page,
  context,
  mainWindow,
  webHost,
}) => {
  const host = registry!.host;
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: webHost.origin });
  await mainWindow.open(webHost.url);

  await test.step('add the registry: it asks for a login', async () => {
    await mainWindow.sidebarItem('Add registry…').click();
    const add = page.getByRole('dialog', { name: 'Add a registry' });
    await add.getByLabel('Registry host').fill(host);
    await add.getByRole('button', { name: /^Add/ }).click();
    await mainWindow.sidebarItem(host).click();
    const problem = page.getByRole('alert').filter({ hasText: 'wants a login' });
    await expect(problem).toContainText(`${host} wants a login to list the repositories of it`);
    await problem.getByRole('button', { name: `Log in to ${host} and retry` }).click();
    const dialog = new LoginDialog(page, `Log in to ${host}`);
    await dialog.username.fill(USER);
    await dialog.secret.fill(PASSWORD);
    await dialog.root.getByRole('button', { name: 'Log in and retry' }).click();
    await expect(dialog.root).toBeHidden();
  });

  const repositories = page.getByRole('list', { name: 'Repositories' });
  await test.step('repositories, then the tags of one', async () => {
    await expect(repositories.getByRole('button', { name: 'team/app' })).toBeVisible();
    await expect(repositories.getByRole('listitem')).toHaveCount(5);
    await expect(page.getByTestId('connection')).toContainText('Plain HTTP — a loopback address');
    await expect(page.getByTestId('connection')).toContainText('password (Basic) auth');
    await page.getByRole('searchbox', { name: 'Filter repositories' }).fill('team/');
    await expect(repositories.getByRole('listitem')).toHaveCount(3);
    await repositories.getByRole('button', { name: 'team/app' }).click();
    const tags = page.getByRole('list', { name: 'Tags of team/app' });
    await expect(tags.getByRole('listitem')).toHaveCount(4);
  });

  await test.step("a multi-arch tag's platforms, size and pull command; the screenshot", async () => {
    await page.getByRole('list', { name: 'Tags of team/app' }).getByRole('button', { name: 'multi' }).click();
    const details = page.getByLabel('Details of team/app:multi');
    const platforms = details.getByRole('list', { name: 'Platforms' });
    await expect(platforms.getByRole('listitem')).toHaveText([/^linux\/amd64 · \d/, /^linux\/arm64 · \d/]);
    await expect(details.getByTestId('tag-size')).toContainText('(largest platform)');
    await expect(details).toContainText('OCI image index');
    await expect(details.getByTestId('pull-command')).toHaveText(`docker pull ${host}/team/app:multi`);
    await page.setViewportSize({ width: 1380, height: 900 });
    await page.screenshot({ path: 'docs/screenshot-browse.png' });
    await details.getByRole('button', { name: 'Copy pull command' }).click();
    await expect(details.getByRole('button', { name: 'Copy pull command' })).toHaveText('Copied');
    expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(
      `docker pull ${host}/team/app:multi`,
    );
  });

  await test.step('an image tag: its size and OS/architecture', async () => {
    await page.getByRole('list', { name: 'Tags of team/app' }).getByRole('button', { name: '1.1' }).click();
    const details = page.getByLabel('Details of team/app:1.1');
    await expect(details.getByTestId('tag-size')).toHaveText(formatBytes(imageBytes));
    await expect(details).toContainText('linux/amd64');
  });

  await test.step('delete a tag: the registry deletes by digest, after the warning', async () => {
    const details = page.getByLabel('Details of team/app:1.1');
    await details.getByRole('button', { name: 'Delete tag team/app:1.1' }).click();
    await details.getByRole('button', { name: 'Delete 1.1' }).click();
    const warning = details.getByRole('alert');
    await expect(warning).toContainText('removes every tag that points at it');
    await warning.getByRole('button', { name: 'Delete the image and all its tags' }).click();
    const tags = page.getByRole('list', { name: 'Tags of team/app' });
    // 1.0 and 1.1 were one image: both went; 2.0 and multi stay.
    await expect(tags.getByRole('listitem')).toHaveCount(2);
    await expect(tags.getByRole('button', { name: '2.0' })).toBeVisible();
    await expect(tags.getByRole('button', { name: 'multi' })).toBeVisible();
  });
});

test('a registry with no list for this login: type a repository name, Berth remembers it', async ({
  page,
  mainWindow,
  webHost,
}) => {
  const host = tokenRegistry!.host;
  // bob's login, as `docker login` writes it; the host notices config.json change.
  await writeFile(
    join(webHost.dockerConfigDir, 'config.json'),
    JSON.stringify(
      { auths: { [host]: { auth: Buffer.from('bob:builder').toString('base64') } } },
      null,
      '\t',
    ),
  );
  await mainWindow.open(webHost.url);
  await mainWindow.sidebarItem('Add registry…').click();
  const add = page.getByRole('dialog', { name: 'Add a registry' });
  await add.getByLabel('Registry host').fill(host);
  await add.getByRole('button', { name: /^Add/ }).click();
  await mainWindow.sidebarItem(host).click();
  await expect(page.getByText(`${host} does not let bob list its repositories.`)).toBeVisible();
  await expect(page.getByTestId('connection')).toContainText('token auth');
  await page.getByRole('textbox', { name: 'Repository name' }).fill('private/app');
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  const tags = page.getByRole('list', { name: 'Tags of private/app' });
  await expect(tags.getByRole('listitem')).toHaveText(['1.0', '2.0']);

  await page.reload();
  await mainWindow.sidebarItem(host).click();
  await expect(
    page
      .getByRole('list', { name: 'Repositories' })
      .getByRole('button', { name: 'private/app', exact: true }),
  ).toBeVisible();
});
