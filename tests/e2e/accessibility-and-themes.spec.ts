/**
 * Accessibility and themes: axe-core over every view and dialog (no serious or critical violation),
 * in the light theme and in the dark one that follows the OS (prefers-color-scheme), with a
 * screenshot of the first screen in both. Whole renderer on the stub bridge: this is about what is drawn.
 */
import { readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import type { GuideProgress } from '../../electron/api/contract/guide';
import type { LocalImage } from '../../electron/api/contract/images';
import type { RegistryStatus } from '../../electron/api/contract/registry';
import { screenshotPath } from './fixtures';
import { expect, test } from './stub-app';

const IMAGES: LocalImage[] = [
  {
    id: `sha256:${'ab'.repeat(32)}`,
    repoTags: ['hello:1', 'localhost:5000/hello:1'],
    repoDigests: [],
    size: 7e6,
    created: Math.floor(Date.now() / 1000) - 3600,
  },
  {
    id: `sha256:${'cd'.repeat(32)}`,
    repoTags: ['nginx:latest'],
    repoDigests: [],
    size: 190e6,
    created: Math.floor(Date.now() / 1000) - 86_400,
  },
];

/** A first run as the host assesses it: Docker connected, nothing else done yet. */
const FIRST_RUN: GuideProgress = {
  hidden: false,
  localRegistry: 'localhost:5000',
  sampleImage: 'hello:1',
  steps: [
    { id: 'docker', done: true, tick: { at: 1, evidence: 'Connected to Docker Engine 27.3.1.' } },
    { id: 'registry', done: false },
    { id: 'tag', done: false },
    { id: 'push', done: false },
    { id: 'pull', done: false },
    { id: 'hubLogin', done: false },
    { id: 'hubPush', done: false },
  ],
};

/** The local registry on a first run: not started yet. */
const STOPPED: RegistryStatus = {
  state: 'stopped',
  port: 5000,
  host: '127.0.0.1',
  dataDir: '/home/ada/.config/Berth/registry',
  exposeOnNetwork: false,
  restarts: 0,
};

/**
 * The stub page is not the app's index.html: it has no <title> or lang (the real page has both,
 * checked below), so those two rules are left to that check.
 */
const STUB_PAGE_RULES = ['document-title', 'html-has-lang'];

/** The serious and critical violations axe finds on the page as it is, one line each. */
async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).disableRules(STUB_PAGE_RULES).analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes
          .slice(0, 3)
          .map((node) => node.target.join(' '))
          .join(', ')}`,
    );
}

const navigation = (page: Page) => page.getByRole('navigation', { name: 'Main' });

/** Each view and dialog, opened the way a user opens it. */
const PLACES: Array<{
  name: string;
  open: (page: Page) => Promise<void>;
  close?: (page: Page) => Promise<void>;
}> = [
  {
    name: 'Getting started',
    open: (page) =>
      navigation(page)
        .getByRole('button', { name: /^Getting started/ })
        .click(),
  },
  { name: 'Images', open: (page) => navigation(page).getByRole('button', { name: 'Images' }).click() },
  {
    name: 'Local registry',
    open: (page) =>
      navigation(page)
        .getByRole('button', { name: /^Local registry/ })
        .click(),
  },
  {
    name: 'Docker Hub',
    open: (page) =>
      navigation(page)
        .getByRole('button', { name: /^Docker Hub/ })
        .click(),
  },
  {
    name: 'A saved registry',
    open: (page) =>
      navigation(page)
        .getByRole('button', { name: /^Northwind/ })
        .click(),
  },
  {
    name: 'Logins',
    open: (page) =>
      navigation(page)
        .getByRole('button', { name: /^Logins/ })
        .click(),
  },
  {
    name: 'Docker Engine settings',
    open: (page) => navigation(page).getByRole('button', { name: 'Docker Engine settings' }).click(),
  },
  {
    name: 'Tag dialog',
    open: async (page) => {
      await navigation(page).getByRole('button', { name: 'Images' }).click();
      await page.getByRole('button', { name: 'Push hello:1 to…' }).click();
      await expect(page.getByRole('dialog')).toBeVisible();
    },
    close: (page) => page.keyboard.press('Escape'),
  },
  {
    name: 'Add registry dialog',
    open: async (page) => {
      await navigation(page).getByRole('button', { name: 'Add registry…' }).click();
      await expect(page.getByRole('dialog')).toBeVisible();
    },
    close: (page) => page.keyboard.press('Escape'),
  },
  {
    name: 'Login dialog',
    open: async (page) => {
      await navigation(page)
        .getByRole('button', { name: /^Logins/ })
        .click();
      await page
        .getByRole('button', { name: /^Log in/ })
        .first()
        .click();
      await expect(page.getByRole('dialog')).toBeVisible();
    },
    close: (page) => page.keyboard.press('Escape'),
  },
  {
    name: 'Remove dialog',
    open: async (page) => {
      await navigation(page).getByRole('button', { name: 'Images' }).click();
      await page.getByRole('button', { name: 'Remove hello:1' }).click();
      await expect(page.getByRole('dialog')).toBeVisible();
    },
    close: (page) => page.keyboard.press('Escape'),
  },
];

for (const scheme of ['light', 'dark'] as const) {
  test(`every view and dialog has no serious or critical axe violation (${scheme} theme)`, async ({
    page,
    openStubApp,
  }) => {
    await page.emulateMedia({ colorScheme: scheme });
    await openStubApp(IMAGES, { answers: { 'guide.progress': FIRST_RUN, 'registry.status': STOPPED } });
    // A first run opens on the Getting started checklist.
    await expect(page.getByRole('heading', { level: 1, name: 'Getting started' })).toBeVisible();
    await page.screenshot({ path: screenshotPath(`first-run-${scheme}.png`) });
    const found: string[] = [];
    for (const place of PLACES) {
      await place.open(page);
      found.push(...(await seriousViolations(page)).map((line) => `${place.name}: ${line}`));
      await place.close?.(page);
    }
    expect(found).toEqual([]);
  });
}

test("the app's own page has a title and a language (the two rules the stub page can't show)", () => {
  console.log(`axe rules checked here instead of on the stub page: ${STUB_PAGE_RULES.join(', ')}`);
  const html = readFileSync('renderer/index.html', 'utf8');
  expect(html).toMatch(/<html lang="en">/);
  expect(html).toMatch(/<title>Berth<\/title>/);
});
