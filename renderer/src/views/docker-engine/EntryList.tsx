/** One editable list of daemon.json entries (insecure registries, mirrors) with an add field. */
import { useId, useState } from 'react';

export interface EntryListProps {
  title: string;
  explanation: string;
  placeholder: string;
  addLabel: string;
  entries: string[];
  /** Answers whether the addition went through (its preview shows); the field is cleared only then. */
  onAdd: (value: string) => Promise<boolean>;
  onRemove: (value: string) => void;
  /** A save is running: no changes until it is done. */
  busy?: boolean;
}

export function EntryList({
  title,
  explanation,
  placeholder,
  addLabel,
  entries,
  onAdd,
  onRemove,
  busy = false,
}: EntryListProps) {
  const [value, setValue] = useState('');
  const inputId = useId();
  const duplicate = entries.includes(value.trim());
  return (
    <section className="entry-list" aria-label={title}>
      <h2>{title}</h2>
      <p className="muted">{explanation}</p>
      {entries.length === 0 ? (
        <p className="empty small">None.</p>
      ) : (
        <ul>
          {entries.map((entry) => (
            <li key={entry}>
              <code className="mono">{entry}</code>
              <button
                type="button"
                className="button small"
                aria-label={`Remove ${entry}`}
                disabled={busy}
                onClick={() => onRemove(entry)}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        className="entry-add"
        onSubmit={(event) => {
          event.preventDefault();
          const typed = value.trim();
          if (typed && !duplicate && !busy) {
            // Kept in the field when the preview refuses it (the error says why), to fix and retry.
            void onAdd(typed).then((added) => {
              if (added) setValue((current) => (current.trim() === typed ? '' : current));
            });
          }
        }}
      >
        <label htmlFor={inputId} className="visually-hidden">
          {addLabel}
        </label>
        <input
          id={inputId}
          className="search"
          placeholder={placeholder}
          value={value}
          onChange={(event) => setValue(event.target.value)}
        />
        <button type="submit" className="button" disabled={!value.trim() || duplicate || busy}>
          {addLabel.startsWith('Add') ? 'Add…' : addLabel}
        </button>
        {duplicate && <span className="warn-text">Already in the list.</span>}
      </form>
    </section>
  );
}
