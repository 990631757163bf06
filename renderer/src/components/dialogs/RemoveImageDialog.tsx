/**
 * Remove a tag or a whole image, saying exactly what will be lost: a tag of an image with other tags
 * only untags it; the last tag (or the image itself) deletes the image and frees its layers unless
 * other images share them.
 */
import { useState } from 'react';
import type { AppErrorData } from '../../../../electron/api/contract';
import { api, errorData } from '../../api/client';
import { useAppStore } from '../../stores/app-store';
import type { ImageGroup } from '../../stores/images-store';
import { ErrorWithFix } from '../ErrorWithFix';
import { Dialog } from './Dialog';
import { removalConsequence, WHOLE_IMAGE } from './removal';
import { removeCommand } from '../../cli-commands';
import { CommandLine } from '../CommandLine';

export function RemoveImageDialog({ group, onClose }: { group: ImageGroup; onClose: () => void }) {
  const notify = useAppStore((state) => state.notify);
  const [choice, setChoice] = useState(
    group.names.length === 1 ? group.names[0]! : group.names.length === 0 ? WHOLE_IMAGE : group.names[0]!,
  );
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<AppErrorData | undefined>(undefined);

  const remove = async () => {
    setBusy(true);
    setFailure(undefined);
    try {
      const wholeWithTags = choice === WHOLE_IMAGE && group.names.length > 1;
      const result = await api.call('images.remove', {
        reference: choice === WHOLE_IMAGE ? group.id : choice,
        force: wholeWithTags,
      });
      const freed = result.deleted.length > 0 ? `Deleted ${group.shortId}.` : 'The image stays.';
      notify({
        level: 'success',
        title:
          result.untagged.length > 0 ? `Untagged ${result.untagged.join(', ')}` : `Removed ${group.shortId}`,
        detail: freed,
      });
      onClose();
    } catch (error) {
      setFailure(errorData(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={group.names.length > 0 ? 'Remove a tag or the image' : 'Remove image'}
      onClose={onClose}
      cancelLabel="Keep it"
      actions={
        <>
          <button
            type="button"
            className="button primary danger-fill"
            disabled={busy}
            onClick={() => void remove()}
          >
            {busy ? 'Removing…' : choice !== WHOLE_IMAGE && group.names.length > 1 ? 'Untag' : 'Delete'}
          </button>
        </>
      }
    >
      {group.names.length > 1 && (
        <fieldset className="choice-list">
          <legend>What to remove</legend>
          {[...group.names, WHOLE_IMAGE].map((name) => (
            <label key={name || 'whole'} className="choice">
              <input
                type="radio"
                name="remove-choice"
                value={name}
                checked={choice === name}
                onChange={() => setChoice(name)}
              />
              <span className={name ? 'mono' : ''}>
                {name || `The whole image (all ${group.names.length} tags)`}
              </span>
            </label>
          ))}
        </fieldset>
      )}
      <p className="consequence" role="note">
        {removalConsequence(group, choice)}
      </p>
      <CommandLine
        cli={removeCommand(
          choice === WHOLE_IMAGE ? group.shortId : choice,
          choice === WHOLE_IMAGE && group.names.length > 1,
        )}
      />
      {failure && <ErrorWithFix error={failure} />}
    </Dialog>
  );
}
