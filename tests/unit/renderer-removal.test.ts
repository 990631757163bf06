/** The Remove dialog says exactly what will be lost. */
import { describe, expect, it } from 'vitest';
import { removalConsequence, WHOLE_IMAGE } from '../../renderer/src/components/dialogs/removal';

const image = { shortId: '3135db2f0c2c', size: 69_100_000 };

describe('removalConsequence', () => {
  it('untagging one of several tags keeps the image', () => {
    expect(removalConsequence({ ...image, names: ['app:1', 'localhost:5000/app:1'] }, 'app:1')).toBe(
      'Untags app:1; the image stays because it has other tags (localhost:5000/app:1).',
    );
  });

  it('untagging the last tag deletes the image and says how big it is', () => {
    expect(removalConsequence({ ...image, names: ['app:1'] }, 'app:1')).toBe(
      'Untags app:1 and deletes the image 3135db2f0c2c and its 69.1 MB, because it has no other tag (layers other images share stay).',
    );
  });

  it('removing the whole image counts its tags; an untagged image is just deleted', () => {
    expect(removalConsequence({ ...image, names: ['a:1', 'b:2'] }, WHOLE_IMAGE)).toBe(
      'Removes all 2 tags and deletes the image 3135db2f0c2c and its 69.1 MB (layers other images share stay).',
    );
    expect(removalConsequence({ ...image, names: [] }, WHOLE_IMAGE)).toBe(
      'Deletes the image 3135db2f0c2c and its 69.1 MB (layers other images share stay).',
    );
  });
});
