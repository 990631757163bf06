/** What removing a tag or an image loses, in one sentence; pure, so the wording is unit-tested. */
import { formatBytes } from '../../format';

/** The Remove dialog's choice that means "the whole image" rather than one tag. */
export const WHOLE_IMAGE = '';

/** What removing `choice` (a tag, or WHOLE_IMAGE) does to an image with these names and size. */
export function removalConsequence(
  group: { names: readonly string[]; shortId: string; size: number },
  choice: string,
): string {
  const size = formatBytes(group.size);
  if (choice !== WHOLE_IMAGE) {
    const others = group.names.filter((name) => name !== choice);
    if (others.length > 0) {
      return `Untags ${choice}; the image stays because it has other tags (${others.join(', ')}).`;
    }
    return `Untags ${choice} and deletes the image ${group.shortId} and its ${size}, because it has no other tag (layers other images share stay).`;
  }
  const tags = group.names.length;
  return tags === 0
    ? `Deletes the image ${group.shortId} and its ${size} (layers other images share stay).`
    : `Removes all ${tags} tag${tags === 1 ? '' : 's'} and deletes the image ${group.shortId} and its ${size} (layers other images share stay).`;
}
