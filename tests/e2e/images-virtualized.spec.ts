/**
 * The images view with 2,000 images is a virtualized list: the DOM holds the rows in view (tens, not
 * 2,000), scrolling to the end shows the last image, and the filter finds one among them. No daemon
 * holds 2,000 distinct images here, so the whole renderer (its own entry, every store, the app's
 * CSS) runs against the benchmarks' stub bridge answering `images.list` with 2,000 images in the
 * contract's shape (bench/lib). `npm run bench:images` measures how smooth it is; this checks what
 * it is.
 */
import { makeLocalImages } from '../../bench/lib/image-fixture';
import { expect, test } from './stub-app';

const COUNT = 2000;
/** A viewport of 800 px shows about 15 rows; the list may render a few screens' worth, never all. */
const MOST_ROWS_IN_DOM = 80;

test('2,000 images: only the rows in view are in the DOM, the end scrolls into view, the filter finds one', async ({
  page,
  openStubApp,
}) => {
  test.setTimeout(120_000);
  const images = makeLocalImages(COUNT);
  await openStubApp(images);

  const table = page.getByRole('table', { name: 'Local images' });
  const rows = page.locator('.table-row');
  await expect(page.getByText(`${COUNT} images in your local Docker`)).toBeVisible();
  await expect(table).toHaveAttribute('aria-rowcount', String(COUNT + 1));
  await expect(rows.first()).toBeVisible();
  expect(await rows.count()).toBeLessThan(MOST_ROWS_IN_DOM);

  // Newest first (ties by ID): after scrolling to the end, the oldest image's row is on screen.
  const oldest = [...images].sort((a, b) => b.created - a.created || a.id.localeCompare(b.id)).at(-1)!;
  await page.evaluate(
    "(() => { const body = document.querySelector('.table-body'); body.scrollTop = body.scrollHeight; })()",
  );
  await expect(
    rows.filter({ hasText: oldest.id.slice('sha256:'.length, 'sha256:'.length + 12) }),
  ).toBeVisible();
  expect(await rows.count()).toBeLessThan(MOST_ROWS_IN_DOM);

  const wanted = images[1234]!.repoTags[0]!;
  await page.getByRole('searchbox', { name: 'Filter images' }).fill(wanted);
  await expect(rows.filter({ hasText: wanted }).first()).toBeVisible();
  expect(await rows.count()).toBeLessThan(10);
});
