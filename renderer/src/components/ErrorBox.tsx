/**
 * An error as the host reported it: the message, the hint, which fields were wrong, and the raw cause
 * (Docker's or the registry's own words) kept visible. Actions, if any, go below as children.
 */
import type { ReactNode } from 'react';
import type { AppErrorData } from '../../../electron/api/contract';
import { issueLines } from './error-issues';

export function ErrorBox({ error, children }: { error: AppErrorData; children?: ReactNode }) {
  return (
    <div className="error-box" role="alert">
      <strong>{error.message}</strong>
      {error.hint && <div>{error.hint}</div>}
      {issueLines(error).map((line) => (
        <div key={line}>{line}</div>
      ))}
      {error.raw && <pre className="raw">{error.raw}</pre>}
      {children && <div className="error-actions">{children}</div>}
    </div>
  );
}
