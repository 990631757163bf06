/**
 * A registry's tag being dragged (issue 21): from a tag list onto another registry in the sidebar,
 * which copies it there. The data names the registry, the repository and the tag.
 */
import type { CopySource } from './CopyOptions';

export const TAG_DRAG_TYPE = 'application/x-berth-tag';

/** Puts a tag on a drag. */
export function startTagDrag(data: DataTransfer, tag: CopySource): void {
  data.setData(TAG_DRAG_TYPE, JSON.stringify(tag));
  data.setData('text/plain', `${tag.host}/${tag.repository}:${tag.reference}`);
  data.effectAllowed = 'copy';
}

/** The tag a drop carries, if it carries one (anything else, or malformed data, gives undefined). */
export function readDraggedTag(data: DataTransfer): CopySource | undefined {
  const text = data.getData(TAG_DRAG_TYPE);
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as Partial<CopySource>;
    if (
      typeof value.host === 'string' &&
      typeof value.repository === 'string' &&
      typeof value.reference === 'string'
    )
      return { host: value.host, repository: value.repository, reference: value.reference };
  } catch {
    // Not ours.
  }
  return undefined;
}
