/**
 * The before/after diff of a proposed daemon.json change; nothing is written until "Save and apply".
 * A labelled region (not a dialog: the page stays usable), whose heading takes the focus when a new
 * preview appears, so keyboard and screen-reader users land on what they must confirm.
 */
import { useEffect, useRef } from 'react';
import { useDaemonConfigStore } from '../../stores/daemon-config-store';

function lineKind(line: string): string {
  if (line.startsWith('+++') || line.startsWith('---')) return 'header';
  if (line.startsWith('@@')) return 'hunk';
  if (line.startsWith('+')) return 'added';
  if (line.startsWith('-')) return 'removed';
  return 'context';
}

export function ChangeReview() {
  const { preview, phase, confirm, discard } = useDaemonConfigStore();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (preview) heading.current?.focus();
  }, [preview]);
  if (!preview) return null;
  return (
    <section className="change-review" aria-label="Review the change">
      <h2 ref={heading} tabIndex={-1}>
        Review the change to {preview.path}
      </h2>
      {preview.advice.map((advice) => (
        <p key={advice.host} className={advice.needsEntry ? 'muted' : 'warn-text'}>
          {advice.message}
        </p>
      ))}
      <pre className="diff" aria-label="Changes">
        {preview.diff.split('\n').map((line, index) => (
          <span key={index} className={`diff-line ${lineKind(line)}`}>
            {line || ' '}
          </span>
        ))}
      </pre>
      <p className="muted">
        Berth keeps a backup next to the file, writes the new one in a single step, and leaves every other
        setting exactly as it is.
      </p>
      <div className="review-actions">
        <button
          type="button"
          className="button primary"
          disabled={phase !== 'idle' || !preview.changed}
          onClick={() => void confirm()}
        >
          Save and apply
        </button>
        <button type="button" className="button" onClick={discard}>
          Cancel
        </button>
      </div>
    </section>
  );
}
