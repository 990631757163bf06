/** Page object for the Local registry view. */
import { expect, type Locator, type Page } from '@playwright/test';

export class LocalRegistryPage {
  readonly startStop: Locator;
  readonly state: Locator;
  readonly repositories: Locator;
  readonly activity: Locator;
  readonly details: Locator;

  constructor(readonly page: Page) {
    const view = page.getByRole('region', { name: 'Local registry' });
    this.startStop = view.getByRole('button', { name: /^(Start|Stop|Starting…)$/ });
    this.state = page.locator('[data-registry-state]');
    this.repositories = page.getByRole('table', { name: 'Registry repositories' });
    this.activity = page.getByRole('list', { name: 'Registry activity' });
    this.details = page.getByRole('definition').filter({ hasText: /./ });
  }

  async open(): Promise<void> {
    await this.page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('button', { name: /Local registry/ })
      .click();
    await expect(this.page.getByRole('heading', { name: 'Local registry' })).toBeVisible();
  }

  async start(): Promise<void> {
    await this.page.getByRole('button', { name: 'Start', exact: true }).click();
    await expect(this.state).toHaveAttribute('data-registry-state', 'running');
  }

  async stop(): Promise<void> {
    await this.page.getByRole('button', { name: 'Stop', exact: true }).click();
    await expect(this.state).toHaveAttribute('data-registry-state', 'stopped');
  }

  tagRow(reference: string): Locator {
    return this.repositories.locator(`[data-reference="${reference}"]`);
  }
}
