/**
 * The docked transfers panel: every push and pull of this session, newest first (TransferList, one
 * TransferCard each), its counts, Clear finished, and a transfer that could not start.
 */
import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { ErrorWithFix } from '../../components/ErrorWithFix';
import { countTransfers, countWords } from '../../stores/transfer-updates';
import { useTransfersStore } from '../../stores/transfers-store';
import { forgetCardViews } from './card-view';
import { TransferList } from './TransferList';
import './transfers.css';

export function TransfersPanel() {
  const order = useTransfersStore((state) => state.order);
  const expanded = useTransfersStore((state) => state.expanded);
  const setExpanded = useTransfersStore((state) => state.setExpanded);
  const counts = useTransfersStore(useShallow(countTransfers));
  const startError = useTransfersStore((state) => state.startError);
  const clearStartError = useTransfersStore((state) => state.clearStartError);
  const dismissFinished = useTransfersStore((state) => state.dismissFinished);
  useEffect(() => forgetCardViews(order), [order]);
  if (order.length === 0 && !startError) return null;
  return (
    <section className={`transfers-panel${expanded ? ' expanded' : ''}`} aria-label="Transfers">
      <header className="transfers-panel-header">
        <button
          type="button"
          className="transfers-toggle"
          aria-expanded={expanded}
          onClick={() => setExpanded(!expanded)}
        >
          <span aria-hidden="true">{expanded ? '▾' : '▸'}</span> Transfers
          <span className="transfers-count">{countWords(counts)}</span>
        </button>
        {counts.done + counts.failed > 0 && (
          <button type="button" className="button small" onClick={() => void dismissFinished()}>
            Clear finished
          </button>
        )}
      </header>
      {expanded && startError && (
        <div className="transfer-start-error">
          <ErrorWithFix
            error={startError.error}
            title={`Could not start the ${startError.kind} of ${startError.reference}`}
            onRetry={() => {
              clearStartError();
              void (startError.copy
                ? useTransfersStore.getState().copy(startError.copy)
                : startError.kind === 'push'
                  ? useTransfersStore.getState().push(startError.reference)
                  : useTransfersStore.getState().pull(startError.reference));
            }}
          />
          <button type="button" className="button small" onClick={clearStartError}>
            Dismiss
          </button>
        </div>
      )}
      {expanded && order.length > 0 && <TransferList order={order} />}
    </section>
  );
}
