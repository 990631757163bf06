/** Where a saved change stands: written (with backup), applied (reload or restart), and verified by the daemon. */
import { useDaemonConfigStore } from '../../stores/daemon-config-store';

const phaseText: Record<string, string> = {
  saving: 'Saving daemon.json…',
  applying: 'Asking Docker to reload its settings…',
  verifying: 'Checking what Docker now reports…',
};

export function SaveOutcome() {
  const { phase, written, applied, verified, error, readError } = useDaemonConfigStore();
  if (phase !== 'done' && !phaseText[phase]) return null;
  // A newer error (or a file broken since) is the news: an earlier save's box must not sit under it.
  if ((error || readError) && phase === 'done') return null;
  return (
    <div
      className={`save-outcome ${verified ? (verified.ok ? 'ok' : 'bad') : ''}`}
      role="status"
      aria-label="Save result"
    >
      {phaseText[phase] && <div>{phaseText[phase]}</div>}
      {written && (
        <div>
          Saved {written.path}
          {written.backupPath ? ` (backup: ${written.backupPath})` : ''}
          {written.elevated ? ' with administrator rights' : ''}.
          {written.hostsToml.written.length > 0 && ` Also wrote ${written.hostsToml.written.join(', ')}.`}
        </div>
      )}
      {applied && (
        <div>
          {applied.message}
          {applied.method === 'manual' && (
            <ol>
              {applied.steps.map((step) => (
                <li key={step}>{step}</li>
              ))}
            </ol>
          )}
          {applied.command && <code className="mono">{applied.command}</code>}
        </div>
      )}
      {verified && <strong className="verify-message">{verified.message}</strong>}
    </div>
  );
}
