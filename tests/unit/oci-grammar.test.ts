/**
 * The one OCI grammar (common/oci-grammar.ts) and the three places that rely on it: the contract's
 * schemas, the registry's checks, and the image-reference parser. Both sides of every limit, once,
 * through each of them: a limit moved in one place alone fails here.
 */
import { describe, expect, it } from 'vitest';
import { repositoryNameSchema, tagSchema } from '../../electron/api/contract/registry';
import {
  isValidRepositoryName,
  isValidTag,
  NAME_MAX_LENGTH,
  TAG_MAX_LENGTH,
} from '../../electron/common/oci-grammar';
import { parseReference as parseImageReference } from '../../electron/common/reference';
import { isValidName, parseReference as parseRegistryReference } from '../../electron/registry/server/names';

/** A valid repository name of exactly `length` characters. */
function nameOf(length: number): string {
  return `${'a'.repeat(length - 2)}/b`;
}

describe('limits, both sides, through every user of the grammar', () => {
  it(`takes a name of ${NAME_MAX_LENGTH} characters and refuses ${NAME_MAX_LENGTH + 1}`, () => {
    expect(NAME_MAX_LENGTH).toBe(255);
    const longest = nameOf(NAME_MAX_LENGTH);
    const over = nameOf(NAME_MAX_LENGTH + 1);
    expect([isValidRepositoryName(longest), isValidRepositoryName(over)]).toEqual([true, false]);
    expect([isValidName(longest), isValidName(over)]).toEqual([true, false]);
    expect([
      repositoryNameSchema.safeParse(longest).success,
      repositoryNameSchema.safeParse(over).success,
    ]).toEqual([true, false]);
    // The reference parser counts the host too (`localhost/` is 10 more characters).
    expect(parseImageReference(`localhost/${nameOf(NAME_MAX_LENGTH - 10)}`).ok).toBe(true);
    expect(parseImageReference(`localhost/${nameOf(NAME_MAX_LENGTH - 9)}`).ok).toBe(false);
  });

  it(`takes a tag of ${TAG_MAX_LENGTH} characters and refuses ${TAG_MAX_LENGTH + 1}`, () => {
    expect(TAG_MAX_LENGTH).toBe(128);
    const longest = 'v'.repeat(TAG_MAX_LENGTH);
    const over = 'v'.repeat(TAG_MAX_LENGTH + 1);
    expect([isValidTag(longest), isValidTag(over)]).toEqual([true, false]);
    expect([tagSchema.safeParse(longest).success, tagSchema.safeParse(over).success]).toEqual([true, false]);
    expect(parseRegistryReference(longest)).toEqual({ kind: 'tag', tag: longest });
    expect(() => parseRegistryReference(over)).toThrow(
      expect.objectContaining({ code: 'MANIFEST_INVALID' }) as Error,
    );
    expect(parseImageReference(`app:${longest}`).ok).toBe(true);
    expect(parseImageReference(`app:${over}`)).toMatchObject({ ok: false, part: 'tag' });
  });

  it('agrees on the characters a name and a tag may hold', () => {
    for (const name of ['a', 'a.b', 'a_b', 'a__b', 'a---b', 'a/b/c', '0'])
      expect([
        isValidName(name),
        repositoryNameSchema.safeParse(name).success,
        parseImageReference(name).ok,
      ]).toEqual([true, true, true]);
    for (const name of ['A', 'a___b', 'a.', '-a', 'a//b', 'a/', '', 'a b'])
      expect([isValidName(name), repositoryNameSchema.safeParse(name).success]).toEqual([false, false]);
    for (const tag of ['_', 'A.b-c_1'])
      expect([isValidTag(tag), tagSchema.safeParse(tag).success, parseImageReference(`a:${tag}`).ok]).toEqual(
        [true, true, true],
      );
    for (const tag of ['.a', '-a', 'a/b', 'é', ''])
      expect([isValidTag(tag), tagSchema.safeParse(tag).success]).toEqual([false, false]);
  });
});
