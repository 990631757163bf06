/**
 * When daemon.json doesn't parse, Berth never overwrites it: it shows the parse error with line and
 * column and the raw text in an editor, and saves only text that Docker will accept.
 */
import { useState } from 'react';
import type { AppErrorData } from '../../../../electron/api/contract';
import type { DaemonConfigRaw } from '../../../../electron/api/contract/daemon-config';
import { isSaving, useDaemonConfigStore } from '../../stores/daemon-config-store';

function strictProblem(text: string): string | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      return 'daemon.json must be one JSON object ({ … }).';
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

export function RawEditor({ error, raw }: { error: AppErrorData; raw: DaemonConfigRaw }) {
  const [text, setText] = useState(raw.text);
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
      <div className="muted mono">{raw.location.path}</div>
      <textarea
        id="daemon-json-raw"
        className="raw-text mono"
        spellCheck={false}
        value={text}
        onChange={(event) => setText(event.target.value)}
        rows={14}
      />
      <div className="review-actions">
        <button
          type="button"
          className="button primary"
          // 'done' (an earlier save finished) must not keep it disabled: only a save under way does.
          disabled={problem !== undefined || phase === 'previewing' || isSaving(phase)}
          onClick={() => void saveRaw(text, raw.version)}
        >
          Save fixed file
        </button>
        <span className={problem ? 'warn-text' : 'muted'}>
          {problem ? `Not yet valid: ${problem}` : 'Valid JSON — ready to save.'}
        </span>
      </div>
    </div>
  );
}
