/**
 * A repository left with no tags (its last tag deleted, or a push cancelled after its layers went up)
 * is listed with the bytes its layers hold, and can be deleted; one that still has tags is refused.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { Inventory } from '../../electron/registry/server/inventory';
import { TempStorages, uploadBlob } from '../helpers/registry-storage';

const storages = new TempStorages();
afterEach(() => storages.removeAll());

describe('a repository with no tags', () => {
  it('is listed with its size and can be deleted, leaving the others', async () => {
    const storage = await storages.create();
    const inventory = new Inventory(storage);
    // A cancelled push: two layers went up, no manifest, no tag.
    await uploadBlob(storage, 'left/over', randomBytes(3000));
    await uploadBlob(storage, 'left/over', randomBytes(2000));
    await uploadBlob(storage, 'other/app', randomBytes(100));

    const listed = await inventory.repositories();
    expect(listed).toContainEqual({ name: 'left/over', tags: [], untaggedSize: 5000 });
    expect((await inventory.stats()).repositories).toBe(2);

    await inventory.deleteUntaggedRepository('left/over');
    expect((await inventory.repositories()).map((repository) => repository.name)).toEqual(['other/app']);
    expect((await inventory.stats()).repositories).toBe(1);
    await expect(inventory.deleteUntaggedRepository('left/over')).rejects.toMatchObject({
      code: 'NAME_UNKNOWN',
    });
  });
});
