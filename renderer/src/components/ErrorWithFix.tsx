/**
 * An error a beginner can act on: Docker's (or the registry's) raw message stays visible, under it
 * what happened in plain words, and the fix as one button — add the registry to Docker's insecure
 * registries (write daemon.json, reload, verify) and retry; log in and retry; where to put a CA
 * certificate; start the local registry; or simply retry.
 */
import { useState } from 'react';
import type { AppErrorData, FixAction } from '../../../electron/api/contract';
import type { DaemonConfigApplyResult, DaemonConfigStep } from '../../../electron/api/contract/daemon-config';
import { api, errorData } from '../api/client';
import { useAppStore } from '../stores/app-store';
import { useRegistryStore } from '../stores/registry-store';
import { useDialogStore } from './dialogs/dialog-store';
import './error-with-fix.css';
import { insecureRegistriesLines, tagCommand } from '../cli-commands';
import { pushImage } from '../stores/transfers-store';
import { CommandLine } from './CommandLine';
import { issueLines } from './error-issues';
import { describeInsecureFix, type FixNote } from './insecure-fix';

type Step = Pick<DaemonConfigStep, 'step' | 'state' | 'text'>;

/**
 * Add a host to insecure registries, make Docker reload, and check Docker now accepts it: one host
 * command (it finishes even if this window closes), whose steps arrive as events. Answers the manual
 * instructions when Docker must be restarted by hand.
 */
async function addInsecureRegistry(
  host: string,
  report: (steps: Step[]) => void,
): Promise<{ manual: DaemonConfigApplyResult } | { done: FixNote }> {
  const operationId = crypto.randomUUID();
  const steps = new Map<Step['step'], Step>();
  const stopListening = api.on('daemonConfig.step', (event) => {
    if (event.operationId !== operationId) return;
    steps.set(event.step, { step: event.step, state: event.state, text: event.text });
    report([...steps.values()]);
  });
  try {
    const outcome = await api.call('daemonConfig.save', {
      addInsecureRegistries: [host],
      operationId,
      confirm: true,
    });
    if (outcome.applied.method === 'manual') return { manual: outcome.applied };
    if (outcome.verified && !outcome.verified.ok) throw new Error(outcome.verified.message);
    return { done: describeInsecureFix(host, outcome) };
  } finally {
    stopListening();
  }
}

const STEP_MARKS: Record<Step['state'], string> = { done: '✓ ', failed: '✗ ', running: '… ', skipped: '– ' };

function FixButton({ fix, onRetry }: { fix: FixAction; onRetry?: (note?: FixNote) => void }) {
  const [done, setDone] = useState<FixNote | undefined>(undefined);
  const [steps, setSteps] = useState<Step[]>([]);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<AppErrorData | undefined>(undefined);
  const [manual, setManual] = useState<DaemonConfigApplyResult | undefined>(undefined);
  const [showCerts, setShowCerts] = useState(false);
  const showDialog = useDialogStore((state) => state.show);
  const startRegistry = useRegistryStore((state) => state.start);
  const setView = useAppStore((state) => state.setView);

  switch (fix.kind) {
    case 'addInsecureRegistry':
      return (
        <div className="fix">
          <button
            type="button"
            className="button primary"
            disabled={busy}
            onClick={() => {
              setBusy(true);
              setProblem(undefined);
              setManual(undefined);
              addInsecureRegistry(fix.host, setSteps)
                .then((result) => {
                  if ('manual' in result) setManual(result.manual);
                  // The retried transfer's card says what changed; without one, this box does.
                  else if (onRetry) onRetry(result.done);
                  else setDone(result.done);
                })
                .catch((error: unknown) => setProblem(errorData(error)))
                .finally(() => setBusy(false));
            }}
          >
            {onRetry
              ? `Add ${fix.host} to insecure registries and retry`
              : `Add ${fix.host} to insecure registries`}
          </button>
          {steps.length > 0 && (
            <ol className="fix-steps" aria-label="What Berth is doing">
              {steps.map((entry) => (
                <li key={entry.step} className={entry.state}>
                  {STEP_MARKS[entry.state]}
                  {entry.text}
                </li>
              ))}
            </ol>
          )}
          {done && <FixNoteView note={done} />}
          {manual && (
            <div className="fix-manual">
              <p>{manual.message}</p>
              <ol>
                {manual.steps.map((text) => (
                  <li key={text}>{text}</li>
                ))}
              </ol>
              {manual.command && <pre className="raw">{manual.command}</pre>}
              {onRetry && (
                <button type="button" className="button" onClick={() => onRetry()}>
                  Docker restarted — retry
                </button>
              )}
            </div>
          )}
          {problem && <ErrorWithFix error={problem} />}
        </div>
      );
    case 'login':
      return (
        <div className="fix">
          <button
            type="button"
            className="button primary"
            onClick={() =>
              showDialog({
                kind: 'login',
                registry: fix.registry,
                ...(onRetry ? { onLoggedIn: () => onRetry() } : {}),
              })
            }
          >
            Log in to {fix.registry}
            {onRetry ? ' and retry' : ''}
          </button>
        </div>
      );
    case 'showCertsHelp':
      return (
        <div className="fix">
          <button
            type="button"
            className="button"
            aria-expanded={showCerts}
            onClick={() => setShowCerts(!showCerts)}
          >
            Where Docker looks for the certificate
          </button>
          {showCerts && (
            <div className="fix-manual">
              <p>
                Docker trusts a registry&apos;s certificate when the certificate of the authority that signed
                it (the CA) is saved as <span className="mono">ca.crt</span> in a folder named after the
                registry:
              </p>
              <pre className="raw">{`${fix.certsDir.replace(/\/$/, '')}/ca.crt`}</pre>
              <p>
                The folder is <span className="mono">certs.d/{fix.host}</span> — host and port exactly as in
                the image name. Ask the registry&apos;s owner for the CA file; no restart is needed, Docker
                reads it on the next push or pull.
              </p>
              {onRetry && (
                <button type="button" className="button" onClick={() => onRetry()}>
                  Retry
                </button>
              )}
            </div>
          )}
        </div>
      );
    case 'startRegistry':
      return (
        <div className="fix">
          <button
            type="button"
            className="button primary"
            disabled={busy}
            onClick={() => {
              setBusy(true);
              void startRegistry()
                .then(() => {
                  if (useRegistryStore.getState().status?.state === 'running') onRetry?.();
                })
                .finally(() => setBusy(false));
            }}
          >
            Start the local registry{onRetry ? ' and retry' : ''}
          </button>
        </div>
      );
    case 'retagForLocalRegistry':
      return (
        <div className="fix">
          <button
            type="button"
            className="button primary"
            disabled={busy}
            onClick={() => {
              setBusy(true);
              setProblem(undefined);
              // The new name for the same image, then a push of it (the failed card can be dismissed).
              api
                .call('images.tag', { source: fix.source, target: fix.target })
                .then(({ target }) => pushImage(target))
                .catch((error: unknown) => setProblem(errorData(error)))
                .finally(() => setBusy(false));
            }}
          >
            Name it {fix.target} and push
          </button>
          <CommandLine cli={tagCommand(fix.source, fix.target)} />
          {problem && <ErrorWithFix error={problem} />}
        </div>
      );
    case 'openDaemonConfig':
      return (
        <div className="fix">
          <button type="button" className="button" onClick={() => setView({ kind: 'docker-engine' })}>
            Open Docker Engine settings
          </button>
        </div>
      );
    case 'retry':
      return onRetry ? (
        <div className="fix">
          <button type="button" className="button primary" onClick={() => onRetry()}>
            Retry
          </button>
        </div>
      ) : null;
    case 'useNextFreePort':
      return null;
  }
}

/** The error box; `onRetry` runs the failed work again after a fix (or on "Retry"). */
export function ErrorWithFix({
  error,
  onRetry,
  title,
  rawLabel,
}: {
  error: AppErrorData;
  onRetry?: (note?: FixNote) => void;
  title?: string;
  /** Whose words the raw message is, when not Docker's ("The registry said:"). */
  rawLabel?: string;
}) {
  return (
    <div className="error-box error-with-fix" role="alert" aria-label={title ?? 'Error'}>
      {title && <strong className="error-title">{title}</strong>}
      {error.raw && error.raw !== error.message ? (
        <>
          {/* When Docker stopped, the words are the broken connection's, not Docker's. */}
          <p className="raw-label">
            {rawLabel ??
              (error.code === 'DOCKER_STOPPED' ? 'The connection to Docker said:' : 'Docker said:')}
          </p>
          <pre className="raw raw-first" aria-label="Docker's message">
            {error.raw}
          </pre>
          <p className="error-plain">{error.message}</p>
        </>
      ) : (
        <p className="error-plain">
          <strong>{error.message}</strong>
        </p>
      )}
      {error.hint && <p className="error-hint">{error.hint}</p>}
      {/* The reasons a user reads: no internal paths (`addInsecureRegistries.0`), none the message says. */}
      {issueLines(error).length > 0 && (
        <ul className="error-issues">
          {issueLines(error).map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      )}
      {error.fix ? (
        <FixButton fix={error.fix} {...(onRetry ? { onRetry } : {})} />
      ) : onRetry && error.code !== 'NAME_INVALID' ? (
        <FixButton fix={{ kind: 'retry' }} onRetry={onRetry} />
      ) : null}
    </div>
  );
}

/** What a one-click fix changed (file, backup, reload, check), and the same change by hand. */
export function FixNoteView({ note }: { note: FixNote }) {
  return (
    <div className="fix-note" role="note" aria-label="What Berth changed">
      <ul>
        {note.lines.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
      <CommandLine cli={insecureRegistriesLines([note.host])} label="The same by hand, in daemon.json" />
    </div>
  );
}
