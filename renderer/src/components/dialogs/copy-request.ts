/** The Tag dialog's request to copy a registry's tag (issue 21): named after it, to `registry` if given. */
import { sourceReference } from '../../../../electron/common/copy-command';
import type { CopySource } from './CopyOptions';
import type { TagDialogRequest } from './dialog-store';

export function copyRequest(tag: CopySource, registry?: string): TagDialogRequest {
  return {
    source: sourceReference({ source: tag }),
    intent: 'copy',
    copy: tag,
    ...(registry !== undefined ? { registry } : {}),
  };
}
