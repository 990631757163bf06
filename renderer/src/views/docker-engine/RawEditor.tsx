/**
 * When daemon.json doesn't parse, Berth never overwrites it: it shows the parse error with line and
 * column and the raw text in an editor, and saves only text that Docker will accept.
 */
import { useState } from 'react';
import type { AppErrorData } from '../../../../electron/api/contract';
import { useDaemonConfigStore } from '../../stores/daemon-config-store';

/** The version token of a text, computed as the host does (SHA-256 of its UTF-8 bytes). */
async function versionOf(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return `sha256:${[...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}

function strictProblem(text: string): string | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'daemon.json must be one JSON object ({ … }).';
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

export function RawEditor({ error }: { error: AppErrorData }) {
  const original = error.raw ?? '';
  const [text, setText] = useState(original);
  const saveRaw = useDaemonConfigStore((state) => state.saveRaw);
  const phase = useDaemonConfigStore((state) => state.phase);
  const problem = strictProblem(text);
  return (
    <div className="raw-editor error-box" role="alert" aria-label="daemon.json is broken">
      <strong>{error.message}</strong>
      {error.hint && <div>{error.hint}</div>}
      <label className="raw-label" htmlFor="daemon-json-raw">
        daemon.json as it is on disk
      </label>
      <textarea id="daemon-json-raw" className="raw-text mono" spellCheck={false} value={text} onChange={(event) => setText(event.target.value)} rows={14} />
      <div className="review-actions">
        <button
          type="button"
          className="button primary"
          disabled={problem !== undefined || phase !== 'idle'}
          onClick={() => void versionOf(original).then((baseVersion) => saveRaw(text, baseVersion))}
        >
          Save fixed file
        </button>
        <span className={problem ? 'warn-text' : 'muted'}>{problem ? `Not yet valid: ${problem}` : 'Valid JSON — ready to save.'}</span>
      </div>
    </div>
  );
}
