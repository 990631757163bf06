/**
 * Getting started: the first push, step by step (issue 22). Each step says what it does, offers the
 * button that does it (or opens the right dialog) and the command it stands for, and ticks itself
 * when the host sees it done, in Berth or in a terminal. Hide puts it away (the sidebar brings it
 * back); Start over forgets the ticks.
 */
import { useEffect, useState } from 'react';
import type { GuideStep } from '../../../../electron/api/contract/guide';
import { DOCKER_HUB_DOMAIN } from '../../../../electron/common/reference';
import { api, errorData } from '../../api/client';
import { CommandLine } from '../../components/CommandLine';
import { useDialogStore } from '../../components/dialogs/dialog-store';
import { CheckIcon } from '../../components/icons';
import { useAppStore } from '../../stores/app-store';
import { guideCount, useGuideStore } from '../../stores/guide-store';
import { useRegistryStore } from '../../stores/registry-store';
import { pullImage, pushImage } from '../../stores/transfers-store';
import { guideSteps, type GuideAction, type GuideStepText } from './guide-text';
import './getting-started.css';

export function GettingStartedView() {
  const progress = useGuideStore((state) => state.progress);
  const setHidden = useGuideStore((state) => state.setHidden);
  const reset = useGuideStore((state) => state.reset);
  const docker = useAppStore((state) => state.docker);
  const setView = useAppStore((state) => state.setView);
  const notify = useAppStore((state) => state.notify);
  const showDialog = useDialogStore((state) => state.show);
  const [busy, setBusy] = useState<string | undefined>(undefined);
  const hidden = progress?.hidden === true;
  // Opening the checklist (from the sidebar) brings it back: it opens at start-up again.
  useEffect(() => {
    if (hidden) void setHidden(false).catch(() => undefined);
  }, [hidden, setHidden]);

  if (!progress) {
    return (
      <section className="view" aria-labelledby="guide-title">
        <header className="view-header">
          <h1 id="guide-title">Getting started</h1>
        </header>
        <p className="view-subtitle">Looking at Docker and the registry…</p>
      </section>
    );
  }

  const { done, total } = guideCount(progress);
  const texts = guideSteps(progress, docker?.state === 'disconnected' ? docker.problem : undefined);
  const next = progress.steps.find((step) => !step.done)?.id;

  const run = async (action: GuideAction) => {
    setBusy(action.kind);
    try {
      switch (action.kind) {
        case 'check-docker':
          useAppStore.setState({ docker: await api.call('docker.check', {}) });
          break;
        case 'start-registry':
          await useRegistryStore.getState().start();
          break;
        case 'tag-local':
          showDialog({ kind: 'tag', request: { source: action.source, registry: 'local', intent: 'tag' } });
          break;
        case 'push':
          await pushImage(action.reference);
          break;
        case 'remove': {
          const outcome = await api.call('images.remove', { reference: action.reference, force: false });
          notify({
            level: 'success',
            title: `Removed ${action.reference} from Docker`,
            detail:
              outcome.deleted.length > 0
                ? 'It was the image’s last name, so Docker deleted the image; the registry still has it.'
                : 'The image keeps its other names; the registry still has this one.',
          });
          break;
        }
        case 'pull':
          await pullImage(action.reference);
          break;
        case 'login-hub':
          showDialog({ kind: 'login', registry: DOCKER_HUB_DOMAIN });
          break;
        case 'push-hub':
          showDialog({
            kind: 'tag',
            request: { source: action.source, registry: DOCKER_HUB_DOMAIN, intent: 'push' },
          });
          break;
      }
    } catch (error) {
      notify({ level: 'error', title: errorData(error).message });
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <section className="view guide-view" aria-labelledby="guide-title">
      <header className="view-header">
        <div>
          <h1 id="guide-title">Getting started</h1>
          <p className="view-subtitle">
            Your first push, step by step. Each step ticks itself when Berth sees it done, whether you click
            here or type the command in a terminal.
          </p>
        </div>
        <div className="guide-header-actions">
          <button type="button" className="button" onClick={() => void reset()}>
            Start over
          </button>
          <button
            type="button"
            className="button"
            onClick={() => {
              void setHidden(true);
              setView({ kind: 'images' });
            }}
          >
            Hide checklist
          </button>
        </div>
      </header>
      <div className="guide-progress">
        <progress max={total} value={done} aria-label="Steps done" />
        <span>
          {done} of {total} steps done
        </span>
      </div>
      {done === total && (
        <p className="guide-finished" role="status">
          All done: you ran a registry, pushed and pulled an image, and published one on Docker Hub. Next: add
          a registry your team uses, or use these names in a Compose file.
        </p>
      )}
      <ol className="guide-steps" aria-label="Getting started steps">
        {texts.map((text, index) => (
          <StepItem
            key={text.id}
            number={index + 1}
            text={text}
            step={progress.steps.find((step) => step.id === text.id)!}
            current={text.id === next}
            busy={busy}
            onAction={(action) => void run(action)}
          />
        ))}
      </ol>
    </section>
  );
}

function StepItem({
  number,
  text,
  step,
  current,
  busy,
  onAction,
}: {
  number: number;
  text: GuideStepText;
  step: GuideStep;
  current: boolean;
  busy: string | undefined;
  onAction: (action: GuideAction) => void;
}) {
  const titleId = `guide-step-${text.id}`;
  return (
    <li
      className={`guide-step${step.done ? ' done' : ''}${current ? ' current' : ''}`}
      aria-labelledby={titleId}
    >
      <span className="guide-mark" aria-hidden="true">
        {step.done ? <CheckIcon /> : number}
      </span>
      <div className="guide-step-body">
        <h2 id={titleId} className="guide-step-title">
          {text.title}
          <span className="guide-state">{step.done ? ' — done' : ''}</span>
        </h2>
        {/* A done step keeps its title and what proved it: the list stays short, the next step in view. */}
        {!step.done && <p className="guide-text">{text.body}</p>}
        {step.tick && <p className="guide-evidence">{step.tick.evidence}</p>}
        {step.note && <p className="guide-note">{step.note}</p>}
        {!step.done && text.waiting && <p className="guide-waiting">{text.waiting}</p>}
        {!step.done && text.button && (
          <button
            type="button"
            className={`button${current ? ' primary' : ''}`}
            disabled={busy !== undefined}
            onClick={() => onAction(text.button!.action)}
          >
            {text.button.label}
          </button>
        )}
        {/* The next step shows the command it stands for; the others stay short until their turn. */}
        {text.cli && current && <CommandLine cli={text.cli} />}
      </div>
    </li>
  );
}
