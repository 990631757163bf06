/**
 * The transfers panel with a dozen transfers at once is a windowed list: the page holds the cards in
 * the panel's view, not all twelve; the header counts every one; scrolling brings the oldest into
 * view with its latest state (including one that finished while it was out of view); the big
 * image's layer list keeps its height while its last layers finish; and Tab reaches every card.
 * The whole renderer runs against the benchmarks' stub bridge (bench/lib/app-stub.ts), and
 * snapshots enter where the host's events would: a dozen real pushes at once would take minutes
 * here and prove nothing more about the panel.
 */
import type { Locator, Page } from '@playwright/test';
import type { LocalImage } from '../../electron/api/contract/images';
import type { TransferSnapshot } from '../../electron/api/contract/transfers';
import { makeLocalImages } from '../../bench/lib/image-fixture';
import { screenshotPath } from './fixtures';
import { expect, test } from './stub-app';

const COUNT = 12;
const LAYERS = 20;
const LAYER_BYTES = 1_000_000;

/** Transfer `index` with its first `finished` layers pushed and the rest waiting. */
function snapshot(index: number, finished: number): TransferSnapshot {
  const done = finished === LAYERS;
  const rows = Array.from({ length: LAYERS }, (_, layer) => ({
    id: `sha256:${(index * 100 + layer).toString(16).padStart(12, '0')}`,
    status: layer < finished ? 'Pushed' : 'Waiting',
    current: layer < finished ? LAYER_BYTES : 0,
    total: LAYER_BYTES,
    unit: 'bytes' as const,
    done: layer < finished,
  }));
  const bytesDone = finished * LAYER_BYTES;
  return {
    id: `t${index}`,
    kind: 'push',
    reference: `127.0.0.1:5000/windowed/app-${index}:1`,
    state: done ? 'succeeded' : 'running',
    rows,
    overall: finished / LAYERS,
    bytesDone,
    bytesTotal: LAYERS * LAYER_BYTES,
    speed: done ? 0 : 1_000_000,
    etaSeconds: done ? null : LAYERS - finished,
    ...(done ? { digest: `sha256:${'cd'.repeat(32)}`, finishedAt: 2000 + index } : {}),
    messages: [],
    cancelRequested: false,
    // Transfer 0 is the oldest, so it is listed last.
    startedAt: 1000 + index,
  };
}

/**
 * The whole renderer on the stub bridge with a dozen pushes running (each one layer in); `deliver`
 * hands it snapshots as the host's events would.
 */
async function openApp(page: Page, openStubApp: (images: LocalImage[]) => Promise<void>) {
  await openStubApp(makeLocalImages(5));
  const deliver = (snapshots: TransferSnapshot[]) =>
    page.evaluate(
      `(${JSON.stringify(snapshots)}).forEach((payload) => window.__listeners.forEach((listener) => listener({ event: 'transfers.progress', payload })))`,
    );
  await deliver(Array.from({ length: COUNT }, (_, index) => snapshot(index, 1)));
  const scrollListTo = (top: number | 'end') =>
    page.evaluate(
      `(() => { const list = document.querySelector('.transfers-list'); list.scrollTop = ${top === 'end' ? 'list.scrollHeight' : top}; })()`,
    );
  const card = (index: number) =>
    page.getByRole('article', { name: `Push 127.0.0.1:5000/windowed/app-${index}:1` });
  return { deliver, scrollListTo, card, panel: page.getByRole('region', { name: 'Transfers' }) };
}

test('a dozen transfers: the panel holds the cards in view, counts them all, and scrolls to the oldest in its latest state', async ({
  page,
  openStubApp,
}) => {
  test.setTimeout(60_000);
  const { deliver, panel } = await openApp(page, openStubApp);
  const cards = panel.getByRole('article');
  await expect(panel.getByRole('button', { name: /Transfers/ })).toContainText(`${COUNT} running`);
  const newest = panel.getByRole('article', { name: `Push 127.0.0.1:5000/windowed/app-${COUNT - 1}:1` });
  await expect(newest).toBeVisible();
  await expect(newest).toHaveAttribute('aria-posinset', '1');
  await expect(newest).toHaveAttribute('aria-setsize', String(COUNT));
  const inPage = await cards.count();
  expect(inPage).toBeGreaterThan(0);
  expect(inPage).toBeLessThan(COUNT / 2);

  // The newest lists its next eight unfinished layers; as its last ones finish, the list tops up
  // with the last finished ones, so it keeps its height.
  const layers = newest.getByRole('list', { name: /^Layers of/ });
  const statuses = layers.locator('[data-layer-status]');
  await expect(statuses).toHaveText(Array<string>(8).fill('Waiting'));
  const heightWhileBusy = (await layers.boundingBox())!.height;
  await deliver([snapshot(COUNT - 1, LAYERS - 2)]);
  await expect(statuses).toHaveText([...Array<string>(6).fill('Pushed'), 'Waiting', 'Waiting']);
  expect((await layers.boundingBox())!.height).toBe(heightWhileBusy);

  // The oldest finishes while it is out of view; scrolled to, it shows that, with its digest.
  await deliver([snapshot(0, LAYERS)]);
  await expect(panel.getByRole('button', { name: /Transfers/ })).toContainText('1 done');
  const oldest = panel.getByRole('article', { name: 'Push 127.0.0.1:5000/windowed/app-0:1' });
  await expect(oldest).toHaveCount(0);
  await page.evaluate(
    "(() => { const list = document.querySelector('.transfers-list'); list.scrollTop = list.scrollHeight; })()",
  );
  await expect(oldest).toBeVisible();
  await expect(oldest).toHaveAttribute('aria-posinset', String(COUNT));
  await expect(oldest.getByRole('status')).toHaveText('Pushed');
  await expect(oldest.getByLabel('Digest', { exact: true })).toHaveText(`sha256:${'cd'.repeat(32)}`);
  await expect(newest).toHaveCount(0);
  expect(await cards.count()).toBeLessThan(COUNT / 2);

  // By keyboard: from the newest card, Tab goes card by card down to the oldest; a focused card
  // scrolled out of view stays in the page, so the focus isn't lost.
  await expect(page.getByRole('feed', { name: 'Pushes and pulls' })).toBeVisible();
  await page.evaluate("document.querySelector('.transfers-list').scrollTop = 0");
  await newest.getByRole('button', { name: 'Cancel' }).focus();
  await page.evaluate(
    "(() => { const list = document.querySelector('.transfers-list'); list.scrollTop = list.scrollHeight; })()",
  );
  await expect(newest.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await page.evaluate("document.querySelector('.transfers-list').scrollTop = 0");
  const focusedCard = () =>
    page.evaluate<string | null>(
      "document.activeElement?.closest('[data-transfer-id]')?.getAttribute('data-transfer-id') ?? null",
    );
  const visited = new Set<string>();
  for (let presses = 0; presses < 120 && (await focusedCard()) !== 't0'; presses += 1) {
    await page.keyboard.press('Tab');
    const id = await focusedCard();
    if (id) visited.add(id);
  }
  expect(await focusedCard()).toBe('t0');
  expect(visited.size).toBe(COUNT);
});

test('windowed cards keep what the user opened, stay put when a transfer starts above them, and Page Down moves card by card', async ({
  page,
  openStubApp,
}) => {
  test.setTimeout(60_000);
  const { deliver, scrollListTo, card, panel } = await openApp(page, openStubApp);
  await expect(card(COUNT - 1)).toBeVisible();

  // Open the layers of a card further down, scroll it out of view and back: still open.
  await scrollListTo(500);
  // A card wholly in the list's view once the list has rendered its new place (the next frame): one
  // Playwright must scroll into view before clicking re-windows the list between mousedown and
  // mouseup, and the click lands beside the button.
  const id = await page.evaluate(`(async () => {
    for (let frame = 0; frame < 2; frame += 1) await new Promise((resolve) => requestAnimationFrame(resolve));
    const view = document.querySelector('.transfers-list').getBoundingClientRect();
    const whole = [...document.querySelectorAll('[data-transfer-id]')].filter((card) => {
      const box = card.getBoundingClientRect();
      return box.top >= view.top && box.bottom <= view.bottom;
    });
    return whole.at(-1).dataset.transferId;
  })()`);
  const second = card(Number(String(id).slice(1)));
  await expect(second).toBeInViewport({ ratio: 1 });
  const show = second.getByRole('button', { name: /layers$/ });
  await show.click();
  await expect(show).toHaveAttribute('aria-expanded', 'true');
  await page.getByRole('searchbox', { name: 'Filter images' }).focus();
  await scrollListTo('end');
  await expect(second).toHaveCount(0);
  await scrollListTo(500);
  await expect(second.getByRole('button', { name: /layers$/ })).toHaveAttribute('aria-expanded', 'true');

  // A new transfer starts while the user looks further down: what they look at doesn't move.
  const before = (await second.boundingBox())!.y;
  const place = Number(await second.getAttribute('aria-posinset'));
  await deliver([{ ...snapshot(COUNT, 1), startedAt: 5000 }]);
  await expect(panel.getByRole('button', { name: /Transfers/ })).toContainText(`${COUNT + 1} running`);
  await expect(second).toHaveAttribute('aria-posinset', String(place + 1));
  expect(Math.abs((await second.boundingBox())!.y - before)).toBeLessThan(2);

  // Page Down / Page Up: the focus goes to the next / previous card, which scrolls into view.
  await scrollListTo(0);
  await card(COUNT).focus();
  for (let presses = 0; presses < 5; presses += 1) await page.keyboard.press('PageDown');
  await expect(card(COUNT - 5)).toBeFocused();
  await expect(card(COUNT - 5)).toBeInViewport();
  await page.keyboard.press('PageUp');
  await expect(card(COUNT - 4)).toBeFocused();
});

/** Asserts `upper` ends above the top of `lower` (to the pixel). */
async function expectAbove(upper: Locator, lower: Locator): Promise<void> {
  const [a, b] = await Promise.all([upper.boundingBox(), lower.boundingBox()]);
  expect(a!.y + a!.height).toBeLessThanOrEqual(b!.y + 0.5);
}

test('a dozen transfers ending together tell the user in one notice each way, not a stack of toasts', async ({
  page,
  openStubApp,
}) => {
  test.setTimeout(60_000);
  const { deliver, panel } = await openApp(page, openStubApp);
  const toggle = panel.getByRole('button', { name: /Transfers/ });
  await expect(toggle).toContainText(`${COUNT} running`);

  // All succeed at once: one success notice naming the first three (the panel keeps the digests).
  await deliver(Array.from({ length: COUNT }, (_, index) => snapshot(index, LAYERS)));
  const successes = page.locator('.notices').getByRole('status');
  await expect(successes).toHaveCount(1);
  await expect(successes).toContainText(`Pushed ${COUNT} images`);
  await expect(successes).toContainText(`and ${COUNT - 3} more. Digests are in the Transfers panel.`);
  // Above the open panel: over it, the toast covered the newest card's digest and its Copy button.
  await expectAbove(successes, panel);
  await expect(panel.getByRole('button', { name: 'Copy' }).first()).toBeVisible();
  await panel.getByRole('button', { name: 'Copy' }).first().click({ trial: true, timeout: 2000 });
  await successes.getByRole('button', { name: 'Dismiss' }).click();
  await page.getByRole('button', { name: 'Clear finished' }).click();

  // With the panel folded, a dozen fail at once: one error notice (error notices stay until
  // dismissed, so one each pushed the others out), naming the first three.
  await deliver(Array.from({ length: COUNT }, (_, index) => snapshot(COUNT + index, 1)));
  await expect(toggle).toContainText(`${COUNT} running`);
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await deliver(
    Array.from({ length: COUNT }, (_, index) => ({
      ...snapshot(COUNT + index, 1),
      state: 'failed' as const,
      error: { code: 'UNAUTHORIZED' as const, message: 'unauthorized: authentication required' },
    })),
  );
  // The folded panel's header says how they ended.
  await expect(toggle).toContainText(`${COUNT} failed`);
  const alerts = page.locator('.notices').getByRole('alert');
  await expect(alerts).toHaveCount(1);
  await expectAbove(alerts, panel);
  await expect(alerts).toContainText(`${COUNT} pushes failed`);
  await expect(alerts).toContainText(
    `127.0.0.1:5000/windowed/app-${COUNT}:1, 127.0.0.1:5000/windowed/app-${COUNT + 1}:1, 127.0.0.1:5000/windowed/app-${COUNT + 2}:1 and ${COUNT - 3} more. Each error and its fix are in the Transfers panel.`,
  );
  await page.screenshot({ path: screenshotPath('transfers-failures-grouped.png') });
});
