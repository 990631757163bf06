/**
 * A modal dialog: labelled by its title, closed with Escape, the backdrop or its cancel button (the
 * first in the footer, before the dialog's own actions). Focus moves to the first field (or what is
 * marked `data-autofocus`), not the header's ×, so Enter submits; Tab and Shift+Tab stay inside it,
 * and focus goes back to what opened it.
 */
import { useEffect, useId, useRef, type KeyboardEvent, type ReactNode } from 'react';
import './dialogs.css';

const FOCUSABLE = [
  'input:not([disabled])',
  'select:not([disabled])',
  'textarea:not([disabled])',
  'button:not([disabled])',
  'a[href]',
  '[tabindex]:not([tabindex="-1"])',
].join(', ');

export function Dialog({
  title,
  onClose,
  children,
  actions,
  cancelLabel = 'Cancel',
  wide = false,
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  /** The buttons after the cancel button. */
  actions: ReactNode;
  cancelLabel?: string;
  wide?: boolean;
}) {
  const titleId = useId();
  const panel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
    const first =
      panel.current?.querySelector<HTMLElement>('[data-autofocus]') ??
      panel.current?.querySelector<HTMLElement>(`.dialog-body :is(${FOCUSABLE})`) ??
      panel.current?.querySelector<HTMLElement>('.dialog-footer button');
    first?.focus();
    return () => previous?.focus();
  }, []);
  /** Tab from the last control goes to the first, Shift+Tab from the first to the last. */
  const keepFocusInside = (event: KeyboardEvent<HTMLDivElement>) => {
    const inside = [...(panel.current?.querySelectorAll<HTMLElement>(FOCUSABLE) ?? [])];
    if (inside.length === 0) return;
    const first = inside[0]!;
    const last = inside[inside.length - 1]!;
    const active = document.activeElement;
    // The key reached the panel's handler, so the focus is inside it.
    if (event.shiftKey && active === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && active === last) {
      event.preventDefault();
      first.focus();
    }
  };
  return (
    <div
      className="dialog-backdrop"
      onMouseDown={(event) => {
        if (event.target === event.currentTarget) onClose();
      }}
    >
      <div
        ref={panel}
        className={`dialog${wide ? ' wide' : ''}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            event.stopPropagation();
            onClose();
          } else if (event.key === 'Tab') {
            keepFocusInside(event);
          }
        }}
      >
        <header className="dialog-header">
          <h2 id={titleId}>{title}</h2>
          <button type="button" className="icon-button" aria-label="Close" onClick={onClose}>
            ×
          </button>
        </header>
        <div className="dialog-body">{children}</div>
        <footer className="dialog-footer">
          <button type="button" className="button" onClick={onClose}>
            {cancelLabel}
          </button>
          {actions}
        </footer>
      </div>
    </div>
  );
}
