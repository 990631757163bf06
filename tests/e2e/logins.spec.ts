/**
 * Logins shared with Docker: open the Logins view, log in through the dialog (Docker Hub's
 * explanation of personal access tokens checked first), see the login listed with where it is kept,
 * see a `docker login` made in a terminal appear without a reload, and log out. The browser host runs
 * with its own temp DOCKER_CONFIG (tests/helpers/web-host.ts); the registry is Debian's
 * docker-registry with htpasswd auth on 127.0.0.1. The two screenshots it takes are the ones in docs/.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { cliOnlyBin, runDocker } from '../helpers/docker-cli';
import { bcryptHtpasswdLine, startTestRegistry, type TestRegistry } from '../helpers/test-images';
import { expect, screenshotPath, test } from './fixtures';
import { LoginDialog, LoginsPage } from './pages/logins';

const USER = 'berth';
const PASSWORD = 'correct-horse-battery-staple';
let registry: TestRegistry | undefined;
let cliBin: string | undefined;

test.beforeAll(async () => {
  const htpasswd = bcryptHtpasswdLine(USER, PASSWORD);
  if (htpasswd === undefined)
    throw new Error('python3 with crypt (bcrypt) is needed to make the htpasswd file');
  registry = await startTestRegistry({ htpasswd });
  cliBin = await cliOnlyBin();
});

test.afterAll(async () => {
  await registry?.stop();
  if (cliBin) await rm(cliBin, { recursive: true, force: true });
});

test('log in through the dialog, see the login listed (also one made in a terminal), log out', async ({
  page,
  mainWindow,
  webHost,
}) => {
  const host = registry!.host;
  const configPath = join(webHost.dockerConfigDir, 'config.json');
  const logins = new LoginsPage(page);
  await mainWindow.open(webHost.url);
  await logins.open();
  await expect(logins.empty).toBeVisible();

  await test.step('Docker Hub’s dialog explains personal access tokens', async () => {
    await mainWindow.sidebarItem('Docker Hub').click();
    await page.getByRole('button', { name: 'Log in…' }).click();
    const hub = new LoginDialog(page, 'Log in to Docker Hub');
    await expect(hub.hubExplainer).toContainText('personal access token');
    await expect(hub.hubExplainer).toContainText('Account Settings → Personal access tokens');
    await expect(hub.hubExplainer).toContainText('Read & Write');
    await expect(hub.hubExplainer).toContainText('works like your password');
    await expect(hub.hubExplainer).toContainText('shows a token only once');
    await expect(hub.username).toHaveAccessibleName('Docker ID (user name)');
    await expect(hub.secret).toHaveAccessibleName('Personal access token');
    // No credential helper is set up in this DOCKER_CONFIG: the dialog says the login is stored unencrypted.
    await expect(hub.storage).toContainText('Stored unencrypted');
    await expect(hub.storage).toContainText(configPath);
    await page.screenshot({ path: screenshotPath('screenshot-login-hub.png') });
    await hub.root.getByRole('button', { name: 'Cancel' }).click();
    await expect(hub.root).toBeHidden();
  });

  await logins.open();
  const dialog = await logins.openLoginDialog();
  await expect(dialog.registry).toHaveValue('docker.io');
  await expect(dialog.hubExplainer).toBeVisible();

  await test.step('a wrong password is refused; the right one is stored where docker login keeps it', async () => {
    await dialog.registry.fill(host);
    await expect(dialog.hubExplainer).toBeHidden();
    await dialog.logIn(USER, 'wrong-password');
    await expect(dialog.root.getByRole('alert')).toContainText(`${host} did not accept`);
    await dialog.secret.fill(PASSWORD);
    await dialog.root.getByRole('button', { name: 'Log in', exact: true }).click();
    await expect(dialog.root).toBeHidden();
    const row = logins.row(host);
    await expect(row).toContainText(USER);
    await expect(row).toContainText(`${configPath} (not encrypted)`);
    const config = JSON.parse(await readFile(configPath, 'utf8')) as { auths: Record<string, unknown> };
    expect(Object.keys(config.auths)).toEqual([host]);
    await page.screenshot({ path: screenshotPath('screenshot-logins.png') });
  });

  await test.step('the registry’s own page says who is logged in', async () => {
    await mainWindow.sidebarItem('Add registry…').click();
    const add = page.getByRole('dialog', { name: 'Add a registry' });
    await add.getByLabel('Registry host').fill(host);
    await add.getByRole('button', { name: /^Add/ }).click();
    await mainWindow.sidebarItem(host).click();
    await expect(page.getByRole('region', { name: 'Account' })).toContainText(`Logged in as ${USER}`);
    await logins.open();
  });

  await test.step('log out: the row goes, and the file no longer holds the login', async () => {
    await logins.logOut(host, host);
    await expect(logins.empty).toBeVisible();
    const config = JSON.parse(await readFile(configPath, 'utf8')) as { auths: Record<string, unknown> };
    expect(config.auths).toEqual({});
  });

  await test.step('a docker login in a terminal shows up without a reload', async () => {
    const env = { PATH: cliBin!, HOME: webHost.dockerConfigDir, DOCKER_CONFIG: webHost.dockerConfigDir };
    const login = await runDocker(['login', host, '-u', USER, '--password-stdin'], env, `${PASSWORD}\n`);
    expect(login.code, login.stderr).toBe(0);
    await expect(logins.row(host)).toContainText(USER, { timeout: 3000 });
    const logout = await runDocker(['logout', host], env);
    expect(logout.code, logout.stderr).toBe(0);
    await expect(logins.empty).toBeVisible({ timeout: 3000 });
  });
});
