/** Page objects for the Logins view and the Log in dialog. */
import { expect, type Locator, type Page } from '@playwright/test';

export class LoginsPage {
  readonly heading: Locator;
  readonly table: Locator;
  readonly empty: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { name: 'Logins', level: 1 });
    this.table = page.getByRole('table', { name: 'Logins' });
    this.empty = page.getByText('No logins yet.');
  }

  async open(): Promise<void> {
    await this.page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('button', { name: /^Logins/ })
      .click();
    await expect(this.heading).toBeVisible();
  }

  row(registry: string): Locator {
    return this.table.getByRole('row', { name: registry, exact: true });
  }

  async logOut(registryLabel: string, registry: string): Promise<void> {
    await this.row(registry)
      .getByRole('button', { name: `Log out of ${registryLabel}` })
      .click();
  }

  async openLoginDialog(): Promise<LoginDialog> {
    await this.page.getByRole('button', { name: 'Log in to a registry…' }).click();
    const dialog = new LoginDialog(this.page, 'Log in to a registry');
    await expect(dialog.root).toBeVisible();
    return dialog;
  }
}

export class LoginDialog {
  readonly root: Locator;
  readonly registry: Locator;
  readonly username: Locator;
  readonly secret: Locator;
  readonly hubExplainer: Locator;
  readonly storage: Locator;

  constructor(
    readonly page: Page,
    title: string,
  ) {
    this.root = page.getByRole('dialog', { name: title });
    this.registry = this.root.getByLabel('Registry', { exact: true });
    this.username = this.root.getByLabel(/^(User name|Docker ID \(user name\))$/);
    this.secret = this.root.getByLabel(/^(Password or access token|Personal access token)$/);
    this.hubExplainer = this.root.getByRole('region', { name: 'Docker Hub uses personal access tokens' });
    this.storage = this.root.getByLabel('Where the login is kept');
  }

  async logIn(username: string, secret: string): Promise<void> {
    await this.username.fill(username);
    await this.secret.fill(secret);
    await this.root.getByRole('button', { name: 'Log in', exact: true }).click();
  }
}
