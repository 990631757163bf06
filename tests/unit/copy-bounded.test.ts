/** eachBounded: at most `limit` at once, and no new start after the first failure (which is thrown). */
import { expect, it } from 'vitest';
import { eachBounded } from '../../electron/remote/copy/bounded';

it('runs at most limit at a time, every item once', async () => {
  let running = 0;
  let most = 0;
  const seen: number[] = [];
  await eachBounded([1, 2, 3, 4, 5, 6, 7], 3, async (item) => {
    running += 1;
    most = Math.max(most, running);
    await new Promise((resolve) => setTimeout(resolve, 2));
    seen.push(item);
    running -= 1;
  });
  expect(most).toBe(3);
  expect(seen.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
});

it('starts nothing new after a failure, and throws the first one', async () => {
  const started: number[] = [];
  await expect(
    eachBounded([1, 2, 3, 4, 5], 2, async (item) => {
      started.push(item);
      await new Promise((resolve) => setTimeout(resolve, item === 1 ? 1 : 5));
      if (item === 1) throw new Error('first');
      if (item === 2) throw new Error('second');
    }),
  ).rejects.toThrow('first');
  expect(started).toEqual([1, 2]);
});
