/** Page object for Docker Engine settings (daemon.json). */
import { expect, type Locator, type Page } from '@playwright/test';

export class DockerEnginePage {
  readonly location: Locator;
  readonly insecure: Locator;
  readonly review: Locator;
  readonly outcome: Locator;

  constructor(readonly page: Page) {
    this.location = page.getByLabel('daemon.json location');
    this.insecure = page.getByRole('region', { name: 'Insecure registries' });
    this.review = page.getByRole('region', { name: 'Review the change' });
    this.outcome = page.getByRole('status', { name: 'Save result' });
  }

  async open(): Promise<void> {
    await this.page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('button', { name: 'Docker Engine settings' })
      .click();
    await expect(this.page.getByRole('heading', { name: 'Docker Engine settings' })).toBeVisible();
  }

  async addInsecureRegistry(host: string): Promise<void> {
    await this.insecure.getByLabel('Add insecure registry').fill(host);
    await this.insecure.getByRole('button', { name: 'Add…' }).click();
    await expect(this.review).toBeVisible();
    // Focus moves to what must be confirmed (the review's heading).
    await expect(this.review.getByRole('heading', { level: 2 })).toBeFocused();
  }
}
