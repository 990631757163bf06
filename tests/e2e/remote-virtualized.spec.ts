/**
 * A registry with thousands of repositories stays light: 3,000 names in the stub app (as the catalog
 * would page them in), only the rows in view are in the DOM, the last one scrolls into view, and the
 * filter finds one.
 */
import { expect, test } from './stub-app';

const COUNT = 3_000;
const names = Array.from({ length: COUNT }, (_, index) => `team-${String(index).padStart(4, '0')}/service`);

test(`${COUNT} repositories: a few rows in the DOM, the end reachable, the filter finds one`, async ({
  page,
  openStubApp,
}) => {
  await openStubApp([], {
    answers: {
      'remote.repositories': {
        source: 'catalog',
        repositories: names.map((name) => ({ name })),
        connection: { scheme: 'https', auth: 'bearer', loggedInAs: 'ada' },
      },
      'remote.cancel': { cancelled: false },
    },
  });
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('button', { name: /Northwind/ })
    .click();
  const list = page.getByRole('list', { name: 'Repositories' });
  await expect(list.getByRole('listitem').first()).toHaveText(names[0]!);
  await expect(page.getByTestId('repository-count')).toHaveText(String(COUNT));
  expect(await list.getByRole('listitem').count()).toBeLessThan(40);
  await list.hover();
  await page.mouse.wheel(0, COUNT * 50);
  await expect(list.getByRole('button', { name: names.at(-1)!, exact: true })).toBeVisible();
  expect(await list.getByRole('listitem').count()).toBeLessThan(40);
  await page.getByRole('searchbox', { name: 'Filter repositories' }).fill('team-1234');
  await expect(list.getByRole('listitem')).toHaveText(['team-1234/service']);
});
