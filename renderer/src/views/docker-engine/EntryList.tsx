/** One editable list of daemon.json entries (insecure registries, mirrors) with an add field. */
import { useId, useState } from 'react';

export interface EntryListProps {
  title: string;
  explanation: string;
  placeholder: string;
  addLabel: string;
  entries: string[];
  onAdd: (value: string) => void;
  onRemove: (value: string) => void;
}

export function EntryList({
  title,
  explanation,
  placeholder,
  addLabel,
  entries,
  onAdd,
  onRemove,
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
          if (value.trim() && !duplicate) {
            onAdd(value.trim());
            setValue('');
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
        <button type="submit" className="button" disabled={!value.trim() || duplicate}>
          {addLabel.startsWith('Add') ? 'Add…' : addLabel}
        </button>
        {duplicate && <span className="warn-text">Already in the list.</span>}
      </form>
    </section>
  );
}
