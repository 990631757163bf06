/** Page object for the Tag dialog (also opened as "Push to a registry" by Push to… and by a drop). */
import { expect, type Locator, type Page } from '@playwright/test';

export class TagDialogPage {
  readonly root: Locator;
  readonly registry: Locator;
  readonly registryHost: Locator;
  readonly namespace: Locator;
  readonly repository: Locator;
  readonly tag: Locator;
  readonly fullName: Locator;
  readonly tagButton: Locator;
  readonly tagAndPushButton: Locator;

  constructor(readonly page: Page) {
    this.root = page.getByRole('dialog', { name: /^(Tag image|Push to a registry)$/ });
    this.registry = this.root.getByLabel('Registry', { exact: true });
    this.registryHost = this.root.getByLabel('Registry host');
    this.namespace = this.root.getByLabel('Namespace');
    this.repository = this.root.getByLabel('Repository');
    this.tag = this.root.getByLabel('Tag', { exact: true });
    this.fullName = this.root.getByLabel('Full name');
    this.tagButton = this.root.getByRole('button', { name: 'Tag', exact: true });
    this.tagAndPushButton = this.root.getByRole('button', { name: 'Tag and push' });
  }

  async waitOpen(): Promise<void> {
    await expect(this.root).toBeVisible();
  }

  /** Pick a registry by the visible label of its option (e.g. /Local registry \(127/). */
  async chooseRegistry(label: string | RegExp): Promise<void> {
    const options = await this.registry.locator('option').allTextContents();
    const match = options.find((text) => (typeof label === 'string' ? text === label : label.test(text)));
    if (match === undefined)
      throw new Error(`no registry option ${String(label)} among ${options.join(' | ')}`);
    await this.registry.selectOption({ label: match });
  }

  async fill(parts: { namespace?: string; repository?: string; tag?: string }): Promise<void> {
    if (parts.namespace !== undefined) await this.namespace.fill(parts.namespace);
    if (parts.repository !== undefined) await this.repository.fill(parts.repository);
    if (parts.tag !== undefined) await this.tag.fill(parts.tag);
  }

  /** The reason shown under a field: its accessible description (help line, then the reason) contains it. */
  async expectFieldError(field: Locator, reason: string | RegExp): Promise<void> {
    await expect(field).toHaveAttribute('aria-invalid', 'true');
    const pattern =
      typeof reason === 'string' ? new RegExp(reason.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : reason;
    await expect(field).toHaveAccessibleDescription(pattern);
  }
}
