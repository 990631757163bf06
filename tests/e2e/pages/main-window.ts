/** Page object for the main window: sidebar, images table, status bar. */
import { expect, type Locator, type Page } from '@playwright/test';

export class MainWindow {
  readonly statusBar: Locator;
  readonly imagesTable: Locator;
  readonly filter: Locator;

  constructor(readonly page: Page) {
    this.statusBar = page.getByRole('status').filter({ hasText: /Docker|Connecting|connection/ });
    this.imagesTable = page.getByRole('table', { name: 'Local images' });
    this.filter = page.getByRole('searchbox', { name: 'Filter images' });
  }

  async open(url: string): Promise<void> {
    await this.page.goto(url);
    await expect(this.page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  }

  imageRow(name: string): Locator {
    return this.imagesTable.getByRole('row').filter({ hasText: name });
  }

  async filterBy(text: string): Promise<void> {
    await this.filter.fill(text);
  }

  sidebarItem(name: string | RegExp): Locator {
    return this.page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name });
  }
}
