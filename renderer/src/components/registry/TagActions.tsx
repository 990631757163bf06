/**
 * Pull and Delete for one tag, as the local registry's list and any other registry's view show them:
 * Delete asks once more in place ("Delete 1.0" / "Keep") before anything goes.
 */
import { useState } from 'react';

export interface TagActionsProps {
  /** `repository:tag`, for the accessible names. */
  reference: string;
  tag: string;
  onPull?: (() => void) | undefined;
  onDelete?: (() => void) | undefined;
  /** What deleting does here, as the Delete button's tooltip. */
  deleteTitle?: string;
  /** A delete is under way. */
  busy?: boolean;
}

export function TagActions({ reference, tag, onPull, onDelete, deleteTitle, busy }: TagActionsProps) {
  const [confirming, setConfirming] = useState(false);
  return (
    <>
      {onPull && (
        <button type="button" className="button small" onClick={onPull}>
          Pull
        </button>
      )}
      {onDelete &&
        (confirming ? (
          <>
            <button
              type="button"
              className="button small danger"
              onClick={() => {
                setConfirming(false);
                onDelete();
              }}
            >
              Delete {tag}
            </button>
            <button type="button" className="button small" onClick={() => setConfirming(false)}>
              Keep
            </button>
          </>
        ) : (
          <button
            type="button"
            className="button small"
            aria-label={`Delete tag ${reference}`}
            title={deleteTitle}
            disabled={busy}
            onClick={() => setConfirming(true)}
          >
            {busy ? 'Deleting…' : 'Delete'}
          </button>
        ))}
    </>
  );
}

/** A Copy button for a line of text (a pull command, a digest); says "Copied" once it is. */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="button small"
      aria-label={label}
      onClick={() => {
        void navigator.clipboard
          ?.writeText(text)
          .then(() => setCopied(true))
          .catch(() => setCopied(false));
      }}
    >
      {copied ? 'Copied' : 'Copy'}
    </button>
  );
}
