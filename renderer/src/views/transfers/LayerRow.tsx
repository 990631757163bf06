/** One layer's row in a transfer card: its short id, the daemon's words, a bar and the amount. */
import { memo, type CSSProperties } from 'react';
import type { TransferRow, TransferSnapshot } from '../../../../electron/api/contract/transfers';
import { formatBytes } from '../../format';
import { percent } from '../../stores/transfer-updates';

function shortLayerId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}

/** "12.3 MB / 40 MB", or the elapsed time for rows that count seconds. */
function rowAmount(row: TransferRow): string {
  if (row.unit === 'seconds') return `${Math.round(row.current)} s`;
  if (row.unit !== 'bytes') return '';
  if (row.total > 0) return `${formatBytes(row.current)} / ${formatBytes(row.total)}`;
  return row.current > 0 ? formatBytes(row.current) : '';
}

/** A bar's filled part (value 0…100): the width of its fill background, no inner element or layer. */
export function barFill(value: number): CSSProperties {
  return { backgroundSize: `${value}% 100%, auto` };
}

/** Memoised on the row's own fields: a frame's update re-renders only the layers that moved. */
export const LayerRowView = memo(
  function LayerRowView({
    row,
    transferState,
  }: {
    row: TransferRow;
    transferState: TransferSnapshot['state'];
  }) {
    const showBar = row.unit === 'bytes' && row.total > 0;
    const value = row.done ? 100 : showBar ? percent(row.current / row.total) : 0;
    // A layer still in flight when the transfer was cancelled says so, not its last daemon word.
    const status = transferState === 'cancelled' && !row.done ? 'Cancelled' : row.status;
    const id = shortLayerId(row.id);
    return (
      <li className={`layer-row${row.done ? ' done' : ''}`} data-layer={id}>
        <span className="layer-id mono">{id}</span>
        <span className="layer-status" data-layer-status>
          {status}
        </span>
        {showBar || row.done ? (
          <span
            className="bar small"
            role="progressbar"
            aria-label={`Layer ${id}`}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={value}
            style={barFill(value)}
          />
        ) : (
          <span className="bar-placeholder" />
        )}
        <span className="layer-amount">{rowAmount(row)}</span>
      </li>
    );
  },
  (before, after) =>
    before.transferState === after.transferState &&
    // A compact list's row (keyed by place) shows another layer once the one before it finishes.
    before.row.id === after.row.id &&
    before.row.status === after.row.status &&
    before.row.current === after.row.current &&
    before.row.total === after.row.total &&
    before.row.done === after.row.done &&
    before.row.unit === after.row.unit,
);
