/** Page object for what the transfers journeys do in the images view and the registry views. */
import { expect, type Locator, type Page } from '@playwright/test';
import { parseReference } from '../../../electron/common/reference';
import { TagDialogPage } from './tag-dialog';

export class ImageActions {
  readonly table: Locator;
  readonly filter: Locator;

  constructor(readonly page: Page) {
    this.table = page.getByRole('table', { name: 'Local images' });
    this.filter = page.getByRole('searchbox', { name: 'Filter images' });
  }

  row(name: string): Locator {
    return this.table.getByRole('row').filter({ hasText: name });
  }

  async showOnly(text: string): Promise<void> {
    await this.filter.fill(text);
  }

  async openTag(name: string): Promise<void> {
    await this.row(name)
      .getByRole('button', { name: `Tag ${name}` })
      .click();
  }

  async openPushTo(name: string): Promise<void> {
    await this.row(name)
      .getByRole('button', { name: `Push ${name} to…` })
      .click();
  }

  /** The inline Push button next to a name that points at a registry. */
  async push(name: string): Promise<void> {
    await this.table.getByRole('button', { name: `Push ${name}`, exact: true }).click();
  }

  /**
   * "Push to…" another registry by address: the Tag dialog's "Another registry…", the host, the full
   * name checked, Tag and push. Answers the target name as the host normalises it (the card's name).
   */
  async pushToAnotherRegistry(
    image: { repository: string; tag: string; reference: string },
    registryAddress: string,
  ): Promise<string> {
    const target = `${registryAddress}/${image.repository}:${image.tag}`;
    const expected = parseReference(target);
    if (!expected.ok) throw new Error(expected.reason);
    const dialog = new TagDialogPage(this.page);
    await this.showOnly(image.repository);
    await this.openPushTo(image.reference);
    await dialog.chooseRegistry('Another registry…');
    await dialog.registryHost.fill(registryAddress);
    await expect(dialog.fullName).toHaveText(target);
    await dialog.tagAndPushButton.click();
    return expected.ref.normalized;
  }

  async openRemove(firstName: string): Promise<Locator> {
    await this.row(firstName)
      .getByRole('button', { name: `Remove ${firstName}` })
      .click();
    const dialog = this.page.getByRole('dialog', { name: /^Remove/ });
    await expect(dialog).toBeVisible();
    return dialog;
  }
}

/** The sidebar's registry items and the registry view's pull form. */
export class RegistryNavigation {
  readonly nav: Locator;

  constructor(readonly page: Page) {
    this.nav = page.getByRole('navigation', { name: 'Main' });
  }

  item(name: string | RegExp): Locator {
    return this.nav.getByRole('button', { name });
  }

  async addRegistry(host: string, name?: string): Promise<void> {
    await this.item('Add registry…').click();
    const dialog = this.page.getByRole('dialog', { name: 'Add a registry' });
    await dialog.getByLabel('Registry host').fill(host);
    if (name !== undefined) await dialog.getByLabel('Name in the sidebar').fill(name);
    await dialog.getByRole('button', { name: 'Add' }).click();
    await expect(dialog).toBeHidden();
  }

  async pull(name: string): Promise<void> {
    const form = this.page.getByRole('region', { name: 'Pull an image' });
    await form.getByLabel('Image name').fill(name);
    await form.getByRole('button', { name: 'Pull' }).click();
  }
}
