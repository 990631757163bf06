/** Page object for the Getting started checklist. */
import { expect, type Locator, type Page } from '@playwright/test';

/** Each step's title, as the checklist shows it (guide-text.ts). */
export const STEP_TITLES = {
  docker: 'Docker is connected',
  registry: 'Start the local registry',
  tag: /^Tag an image for localhost:\d+/,
  push: 'Push it',
  pull: 'Remove the local copy and pull it back',
  hubLogin: 'Log in to Docker Hub with an access token',
  hubPush: 'Push to Docker Hub',
} as const;

export type StepName = keyof typeof STEP_TITLES;

export class GettingStartedPage {
  readonly root: Locator;
  readonly heading: Locator;
  readonly count: Locator;

  constructor(readonly page: Page) {
    this.root = page.getByRole('region', { name: 'Getting started' });
    this.heading = page.getByRole('heading', { level: 1, name: 'Getting started' });
    this.count = this.root.getByText(/\d+ of \d+ steps done/);
  }

  step(name: StepName): Locator {
    const title = STEP_TITLES[name];
    return this.root
      .getByRole('list', { name: 'Getting started steps' })
      .getByRole('listitem')
      .filter({ has: this.page.getByRole('heading', { level: 2, name: title }) });
  }

  async expectDone(name: StepName, evidence?: string | RegExp): Promise<void> {
    const step = this.step(name);
    await expect(step.getByRole('heading', { level: 2 })).toContainText('— done');
    if (evidence !== undefined) await expect(step).toContainText(evidence);
  }

  async expectNotDone(name: StepName): Promise<void> {
    await expect(this.step(name).getByRole('heading', { level: 2 })).not.toContainText('— done');
  }

  button(name: StepName, label: string | RegExp): Locator {
    return this.step(name).getByRole('button', { name: label, exact: true });
  }
}
