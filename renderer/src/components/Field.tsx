/**
 * A form field as every dialog writes it: its label, the control, a line of help and the error, with
 * the ids that tie them together for assistive technology (the control is described by its help and,
 * when there is one, its error, and marked invalid then). The control itself is the caller's: it
 * receives the props to spread on it.
 *
 *   <Field id="login-username" label="User name" help="…" error={problem}>
 *     {(control) => <input {...control} className="text-input" value={…} onChange={…} />}
 *   </Field>
 */
import type { ReactNode } from 'react';

/** What the control gets: its id, and its description and validity. */
export interface FieldControlProps {
  id: string;
  'aria-describedby'?: string;
  'aria-invalid'?: true;
}

export function Field({
  id,
  label,
  help,
  error,
  className,
  children,
}: {
  id: string;
  label: ReactNode;
  help?: ReactNode;
  /** Shown under the help, announced, and the control is marked invalid. */
  error?: string | undefined;
  /** More classes beside `field` (e.g. `grow`). */
  className?: string;
  children: (control: FieldControlProps) => ReactNode;
}) {
  const helpId = help === undefined ? undefined : `${id}-help`;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [helpId, errorId].filter(Boolean).join(' ');
  const control: FieldControlProps = {
    id,
    ...(describedBy ? { 'aria-describedby': describedBy } : {}),
    ...(error ? { 'aria-invalid': true } : {}),
  };
  return (
    <div className={className ? `field ${className}` : 'field'}>
      <label htmlFor={id}>{label}</label>
      {children(control)}
      {help !== undefined && (
        <p id={helpId} className="field-help">
          {help}
        </p>
      )}
      {error && (
        <p id={errorId} className="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
