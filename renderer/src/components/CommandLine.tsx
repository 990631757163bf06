/**
 * "In a terminal": the exact Docker CLI command behind a click (cli-commands.ts), copyable, with one
 * sentence on what it does. Beginners learn the CLI while they use the app.
 */
import { useState } from 'react';
import type { CliCommand } from '../cli-commands';
import './command-line.css';

export function CommandLine({ cli, label = 'In a terminal' }: { cli: CliCommand; label?: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="command-line" role="group" aria-label={label}>
      <span className="command-line-label">{label}</span>
      <div className="command-line-row">
        <code className="mono command-line-text" aria-label="Command">
          {cli.command}
        </code>
        <button
          type="button"
          className="button small"
          aria-label={`Copy the command ${cli.command}`}
          onClick={() => {
            void navigator.clipboard
              ?.writeText(cli.command)
              .then(() => setCopied(true))
              .catch(() => setCopied(false));
          }}
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
      <p className="command-line-explanation">{cli.explanation}</p>
    </div>
  );
}
