/**
 * One transfer's card: its reference and state, Cancel or Dismiss, an overall bar weighted by bytes
 * with %, speed and time left, the digest once pushed, the error with its fix, and its layers. The
 * card subscribes to its own transfer, and its parts are memoised, so a frame's update re-renders
 * only what changed.
 */
import { memo, useState } from 'react';
import { isTransferFinished, type TransferSnapshot } from '../../../../electron/api/contract/transfers';
import { ErrorWithFix } from '../../components/ErrorWithFix';
import { formatBytes, formatDuration } from '../../format';
import { compactRows, percent } from '../../stores/transfer-updates';
import { useTransfersStore } from '../../stores/transfers-store';
import { useCardView } from './card-view';
import { barFill, LayerRowView } from './LayerRow';
import { pullCommand, pushCommand } from '../../cli-commands';
import { CommandLine } from '../../components/CommandLine';
import { FixNoteView } from '../../components/ErrorWithFix';
import { TransferRoute } from './TransferRoute';
import { ArrowIcon } from '../../components/icons';

const STATE_WORDS: Record<TransferSnapshot['state'], Record<TransferSnapshot['kind'], string>> = {
  queued: { push: 'Waiting to push', pull: 'Waiting to pull', copy: 'Waiting to copy' },
  running: { push: 'Pushing', pull: 'Pulling', copy: 'Copying' },
  succeeded: { push: 'Pushed', pull: 'Pulled', copy: 'Copied' },
  failed: { push: 'Push failed', pull: 'Pull failed', copy: 'Copy failed' },
  cancelled: { push: 'Cancelled', pull: 'Cancelled', copy: 'Cancelled' },
};
const VERBS: Record<TransferSnapshot['kind'], string> = { push: 'Push', pull: 'Pull', copy: 'Copy' };
const ARROWS: Record<TransferSnapshot['kind'], 'up' | 'down' | 'right'> = {
  push: 'up',
  pull: 'down',
  copy: 'right',
};

/** Above this many layers, only the next unfinished ones are listed unless the user asks for every one. */
const COMPACT_AFTER = 8;
function CopyDigest({ digest }: { digest: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <span className="digest">
      <span className="digest-label">Digest</span>
      <code className="mono digest-value" aria-label="Digest">
        {digest}
      </code>
      <button
        type="button"
        className="button small"
        onClick={() => {
          void navigator.clipboard
            ?.writeText(digest)
            .then(() => setCopied(true))
            .catch(() => setCopied(false));
        }}
      >
        {copied ? 'Copied' : 'Copy'}
      </button>
    </span>
  );
}

/**
 * A transfer's title line: changes only with its state, so it is skipped while progress streams in.
 * Actions are read from the store at click time (they never change).
 */
const TransferHeader = memo(function TransferHeader({
  id,
  kind,
  reference,
  source,
  state,
  cancelRequested,
}: Pick<TransferSnapshot, 'id' | 'kind' | 'reference' | 'source' | 'state' | 'cancelRequested'>) {
  // Pressed here and not yet in a snapshot: shown at once, until the host's answer says otherwise.
  const [pressed, setPressed] = useState(false);
  const cancelPressed = cancelRequested || pressed;
  const finished = isTransferFinished(state);
  const verb = VERBS[kind].toLowerCase();
  return (
    <header className="transfer-header">
      <span className={`transfer-kind ${kind}`} aria-hidden="true">
        <ArrowIcon direction={ARROWS[kind]} />
      </span>
      <span className="transfer-reference mono" title={source ? `${source} → ${reference}` : reference}>
        {source && (
          <span className="transfer-source">
            {source} <ArrowIcon direction="right" />
            <span className="visually-hidden">to</span>{' '}
          </span>
        )}
        {reference}
      </span>
      <span className="transfer-state" role="status" aria-label={`State of ${verb} ${reference}`}>
        {STATE_WORDS[state][kind]}
      </span>
      <span className="transfer-actions">
        {!finished && (
          <button
            type="button"
            className="button small"
            disabled={cancelPressed}
            onClick={() => {
              setPressed(true);
              // A cancel that failed (its notice says why) can be tried again.
              void useTransfersStore
                .getState()
                .cancel(id)
                .then((cancelled) => {
                  if (!cancelled) setPressed(false);
                });
            }}
          >
            {cancelPressed ? 'Cancelling…' : 'Cancel'}
          </button>
        )}
        {finished && (
          <button
            type="button"
            className="button small"
            onClick={() => void useTransfersStore.getState().dismiss(id)}
          >
            Dismiss
          </button>
        )}
      </span>
    </header>
  );
});

/** "Hide 50 layers · Every layer · 38 Pushed · 12 Waiting": skipped unless its words change. */
const LayerSummary = memo(function LayerSummary({
  count,
  showLayers,
  onShowLayers,
  compactable,
  showAll,
  onShowAll,
  counts,
}: {
  count: number;
  showLayers: boolean;
  onShowLayers: (show: boolean) => void;
  compactable: boolean;
  showAll: boolean;
  onShowAll: (all: boolean) => void;
  /** Status counts, shown while only the unfinished layers are listed (else empty). */
  counts: string;
}) {
  return (
    <div className="layer-summary">
      <button
        type="button"
        className="link-button"
        aria-expanded={showLayers}
        onClick={() => onShowLayers(!showLayers)}
      >
        {showLayers ? 'Hide' : 'Show'} {count} layer
        {count === 1 ? '' : 's'}
      </button>
      {showLayers && compactable && (
        <button type="button" className="link-button" onClick={() => onShowAll(!showAll)}>
          {showAll ? 'Only unfinished layers' : 'Every layer'}
        </button>
      )}
      {counts !== '' && <span className="layer-counts">{counts}</span>}
    </div>
  );
});

export interface CardPlace {
  id: string;
  position: number;
  count: number;
  /** The list measures the card's real height with it. */
  measure: (element: HTMLElement | null) => void;
}

/** Memoised: the list re-renders as it measures cards, which changes nothing in a card that stays put. */
export const TransferCard = memo(function TransferCard({ id, position, count, measure }: CardPlace) {
  const transfer = useTransfersStore((state) => state.byId[id]);
  const fixNote = useTransfersStore((state) => state.fixNotes[id]);
  const [{ showLayers, showAll }, updateView] = useCardView(id, position);
  if (!transfer) return null;
  const finished = isTransferFinished(transfer.state);
  const verb = VERBS[transfer.kind];
  const overall = percent(transfer.overall);
  const details: string[] = [];
  if (transfer.bytesTotal > 0)
    details.push(
      `${formatBytes(transfer.bytesDone)} of ${formatBytes(transfer.bytesTotal)}${
        // The total grows as layers are sized: say so, rather than let it jump unexplained.
        transfer.sizesPending && !finished ? ' so far (still sizing layers)' : ''
      }`,
    );
  if (!finished && transfer.speed > 0) details.push(`${formatBytes(transfer.speed)}/s`);
  if (!finished && transfer.etaSeconds !== null) details.push(`${formatDuration(transfer.etaSeconds)} left`);
  if (finished && transfer.finishedAt)
    details.push(`took ${formatDuration((transfer.finishedAt - transfer.startedAt) / 1000)}`);
  // The digest line is shown as the Digest row; the repository line repeats the reference.
  // A big image (50 layers) lists its next unfinished layers (a steady height, no jumping), with counts
  // for the rest; small ones list all.
  const compactable = transfer.rows.length > COMPACT_AFTER;
  const compact = showLayers && compactable && !showAll;
  const compactList = compact ? compactRows(transfer.rows, COMPACT_AFTER, !finished) : undefined;
  const visibleRows = compactList ? compactList.shown : transfer.rows;
  const messages = transfer.messages.filter(
    (message) => !message.startsWith('The push refers to') && !/digest: sha256:/i.test(message),
  );
  return (
    <article
      ref={measure}
      className={`transfer ${transfer.state}`}
      aria-label={`${verb} ${transfer.reference}`}
      aria-posinset={position + 1}
      aria-setsize={count}
      data-index={position}
      data-transfer-id={transfer.id}
      tabIndex={-1}
    >
      <TransferHeader
        id={transfer.id}
        kind={transfer.kind}
        reference={transfer.reference}
        {...(transfer.source ? { source: transfer.source } : {})}
        state={transfer.state}
        cancelRequested={transfer.cancelRequested}
      />
      <div className="transfer-overall">
        <span
          className="bar"
          role="progressbar"
          aria-label={`Overall progress of ${verb.toLowerCase()} ${transfer.reference}`}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={overall}
          style={barFill(overall)}
        />
        <span className="transfer-percent">{overall} %</span>
        <span className="transfer-details">{details.join(' · ')}</span>
      </div>
      {transfer.digest && transfer.state === 'succeeded' && <CopyDigest digest={transfer.digest} />}
      {fixNote && <FixNoteView note={fixNote} />}
      {/* A push's route line carries its command; a pull's command stands on its own. */}
      {transfer.route ? (
        <TransferRoute route={transfer.route} state={transfer.state} />
      ) : (
        transfer.state === 'succeeded' && (
          <CommandLine
            cli={transfer.kind === 'push' ? pushCommand(transfer.reference) : pullCommand(transfer.reference)}
          />
        )
      )}
      {transfer.error && transfer.state === 'failed' && (
        <ErrorWithFix
          error={transfer.error}
          title={`${verb} failed`}
          onRetry={(note) => void useTransfersStore.getState().retry(transfer.id, note)}
        />
      )}
      {transfer.rows.length > 0 && (
        <>
          <LayerSummary
            count={transfer.rows.length}
            showLayers={showLayers}
            onShowLayers={(show) => updateView({ showLayers: show })}
            compactable={compactable}
            showAll={showAll}
            onShowAll={(all) => updateView({ showAll: all })}
            counts={compactList?.counts ?? ''}
          />
          {showLayers && visibleRows.length > 0 && (
            <ul className="layers" aria-label={`Layers of ${transfer.reference}`}>
              {/* The compact list shows the next unfinished layers, so they move up as layers
                  finish: keyed by place, a row takes on the next layer's text instead of being
                  torn down and rebuilt (most of the layout work of a busy push). */}
              {visibleRows.map((row, slot) => (
                <LayerRowView key={compact ? slot : row.id} row={row} transferState={transfer.state} />
              ))}
            </ul>
          )}
        </>
      )}
      {messages.length > 0 && showLayers && (
        <ul className="transfer-messages">
          {messages.slice(-3).map((message, index) => (
            <li key={`${index}:${message}`}>{message}</li>
          ))}
        </ul>
      )}
    </article>
  );
});
