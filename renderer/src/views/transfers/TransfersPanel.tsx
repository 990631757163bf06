/**
 * The docked transfers panel: every push and pull of this session, newest first. Each shows its
 * reference, an overall bar weighted by bytes with %, speed and time left, one row per layer with the
 * daemon's own words, Cancel while it runs, Dismiss when done, and the digest once finished. Each
 * card subscribes to its own transfer and each layer row is memoised, so a frame's update re-renders
 * only what changed.
 */
import {
  defaultRangeExtractor,
  elementScroll,
  useVirtualizer,
  type Virtualizer,
} from '@tanstack/react-virtual';
import {
  memo,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
  type CSSProperties,
  type ReactNode,
} from 'react';
import {
  isTransferFinished,
  type TransferRow,
  type TransferSnapshot,
} from '../../../../electron/api/contract/transfers';
import { ErrorWithFix } from '../../components/ErrorWithFix';
import { TransferRoute } from './TransferRoute';
import { formatBytes, formatDuration } from '../../format';
import { useShallow } from 'zustand/react/shallow';
import { useTransfersStore } from '../../stores/transfers-store';
import { compactRows, countTransfers, countWords, percent } from '../../stores/transfer-updates';
import '../../transfers.css';

const STATE_WORDS: Record<TransferSnapshot['state'], { push: string; pull: string }> = {
  queued: { push: 'Waiting to push', pull: 'Waiting to pull' },
  running: { push: 'Pushing', pull: 'Pulling' },
  succeeded: { push: 'Pushed', pull: 'Pulled' },
  failed: { push: 'Push failed', pull: 'Pull failed' },
  cancelled: { push: 'Cancelled', pull: 'Cancelled' },
};

/** Above this many layers, only the next unfinished ones are listed unless the user asks for every one. */
const COMPACT_AFTER = 8;
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
function barFill(value: number): CSSProperties {
  return { backgroundSize: `${value}% 100%, auto` };
}

const LayerRowView = memo(
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
 * When several transfers appear at once (the app reopened, a batch of pushes), only the newest lists
 * its layers at first; the others show their one-line bar, so the short panel shows more of them
 * (each can be opened). A transfer started on its own is the newest, so it always lists its layers.
 */
const LAYERS_SHOWN_FOR = 1;

/** Space between two cards, px. */
const CARD_GAP = 10;

/**
 * What the user opened on each card, by transfer id. The list is windowed, so a card's component
 * unmounts when it scrolls out of view; this brings it back as the user left it (layers shown, every
 * layer). Forgotten when the transfer leaves the panel. (Cancel pressed is the host's to know: it is
 * in the transfer's snapshot, for every window and after a reload.)
 */
interface CardView {
  showLayers: boolean;
  showAll: boolean;
}
const cardViews = new Map<string, CardView>();

function forgetCardViews(kept: readonly string[]): void {
  const keep = new Set(kept);
  for (const id of cardViews.keys()) if (!keep.has(id)) cardViews.delete(id);
}

function useCardView(id: string, position: number): [CardView, (patch: Partial<CardView>) => void] {
  const [view, setView] = useState<CardView>(() => {
    const known = cardViews.get(id);
    if (known) return known;
    const first = { showLayers: position < LAYERS_SHOWN_FOR, showAll: false };
    cardViews.set(id, first);
    return first;
  });
  const update = (patch: Partial<CardView>) => {
    const next = { ...view, ...patch };
    cardViews.set(id, next);
    setView(next);
  };
  return [view, update];
}

/**
 * A transfer's title line: changes only with its state, so it is skipped while progress streams in.
 * Actions are read from the store at click time (they never change).
 */
const TransferHeader = memo(function TransferHeader({
  id,
  kind,
  reference,
  state,
  cancelRequested,
}: Pick<TransferSnapshot, 'id' | 'kind' | 'reference' | 'state' | 'cancelRequested'>) {
  // Pressed here and not yet in a snapshot: shown at once, until the host's answer says otherwise.
  const [pressed, setPressed] = useState(false);
  const cancelPressed = cancelRequested || pressed;
  const finished = isTransferFinished(state);
  const verb = kind === 'push' ? 'push' : 'pull';
  return (
    <header className="transfer-header">
      <span className={`transfer-kind ${kind}`} aria-hidden="true">
        {kind === 'push' ? '↑' : '↓'}
      </span>
      <span className="transfer-reference mono" title={reference}>
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

interface CardPlace {
  id: string;
  position: number;
  count: number;
  /** The list measures the card's real height with it. */
  measure: (element: HTMLElement | null) => void;
}

/** Memoised: the list re-renders as it measures cards, which changes nothing in a card that stays put. */
const TransferCard = memo(function TransferCard({ id, position, count, measure }: CardPlace) {
  const transfer = useTransfersStore((state) => state.byId[id]);
  const [{ showLayers, showAll }, updateView] = useCardView(id, position);
  if (!transfer) return null;
  const finished = isTransferFinished(transfer.state);
  const verb = transfer.kind === 'push' ? 'Push' : 'Pull';
  const overall = percent(transfer.overall);
  const details: string[] = [];
  if (transfer.bytesTotal > 0)
    details.push(`${formatBytes(transfer.bytesDone)} of ${formatBytes(transfer.bytesTotal)}`);
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
      {transfer.route && <TransferRoute route={transfer.route} state={transfer.state} />}
      {transfer.error && transfer.state === 'failed' && (
        <ErrorWithFix
          error={transfer.error}
          title={`${verb} failed`}
          onRetry={() => void useTransfersStore.getState().retry(transfer.id)}
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

/** A card's height before it is measured: the newest lists its layers, the others are one bar. */
function estimatedHeight(position: number): number {
  return position < LAYERS_SHOWN_FOR ? 290 : 104;
}

/**
 * A card's height as the list's ResizeObserver reports it (it reports every card once when it is
 * first laid out, then on each change). Without a report, the height known so far: the default,
 * `offsetHeight`, forced a layout of the page in the middle of React's commit for each card.
 */
function measuredHeight(
  element: Element,
  entry: ResizeObserverEntry | undefined,
  list: Virtualizer<HTMLDivElement, Element>,
): number {
  const box = entry?.borderBoxSize[0];
  if (box) return Math.round(box.blockSize);
  const index = list.indexFromElement(element);
  return list.itemSizeCache.get(list.options.getItemKey(index)) ?? list.options.estimateSize(index);
}

/**
 * The list's own size, from a ResizeObserver only. The default also reads it with
 * getBoundingClientRect as the list mounts, which forces a layout of the whole page in React's
 * commit; until the first report the list assumes the panel's usual height (initialRect).
 */
function observeListSize(
  list: Virtualizer<HTMLDivElement, Element>,
  report: (rect: { width: number; height: number }) => void,
): (() => void) | undefined {
  const element = list.scrollElement;
  if (element === null || typeof ResizeObserver === 'undefined') return undefined;
  const observer = new ResizeObserver((entries) => {
    const box = entries[entries.length - 1]?.borderBoxSize[0];
    if (box) report({ width: Math.round(box.inlineSize), height: Math.round(box.blockSize) });
  });
  observer.observe(element, { box: 'border-box' });
  return () => observer.disconnect();
}

/**
 * Scrolls the list, except to the top when it is already there: as the list mounts, the virtualizer
 * asks to be scrolled to 0, and that write forces a layout of the page in React's commit. (Only 0:
 * any other target may be a retry of a scroll the browser cut short, which must go through.)
 */
function scrollList(
  offset: number,
  options: { adjustments?: number; behavior?: ScrollBehavior },
  list: Virtualizer<HTMLDivElement, Element>,
): void {
  if (offset + (options.adjustments ?? 0) === 0 && (list.scrollOffset ?? 0) === 0) return;
  elementScroll(offset, options, list);
}

/**
 * The list's height until its ResizeObserver reports it: the panel's in an 800 px window (at most
 * 48 % of it, transfers.css, less its header). A guess, not `window.innerHeight`, which would force
 * a layout too.
 */
const USUAL_LIST_HEIGHT = 345;

/**
 * The cards, windowed: only those in the panel's view are in the page, so ten transfers at once
 * cost the render of the two or three you can see, while they start, while they stream and when
 * they finish. A feed, as ARIA has it for a scrolled list of articles: each card says its place in
 * the whole list, and Page Down / Page Up move between cards.
 */
function TransferList({ order }: { order: readonly string[] }) {
  const scroller = useRef<HTMLDivElement>(null);
  // The card holding the keyboard focus, by id: it stays in the page even scrolled out of view (so
  // the focus isn't lost), and while the focus is in the list one more card is kept beyond each edge,
  // so Tab and Page Down always have a next card to go to (it scrolls into view, and the one after
  // it is added).
  const [focused, setFocused] = useState<string | undefined>(undefined);
  const focusedIndex = focused === undefined ? -1 : order.indexOf(focused);
  // eslint-disable-next-line react-hooks/incompatible-library -- TanStack Virtual is the maintained virtualizer; it is called once per render as documented.
  const virtualizer = useVirtualizer({
    count: order.length,
    getScrollElement: () => scroller.current,
    estimateSize: estimatedHeight,
    getItemKey: (index) => order[index] ?? index,
    gap: CARD_GAP,
    overscan: focusedIndex === -1 ? 0 : 1,
    rangeExtractor: (range) => {
      const indexes = defaultRangeExtractor(range);
      if (focusedIndex === -1 || indexes.includes(focusedIndex)) return indexes;
      return [...indexes, focusedIndex].sort((a, b) => a - b);
    },
    measureElement: measuredHeight,
    observeElementRect: observeListSize,
    scrollToFn: scrollList,
    initialRect: { width: 0, height: USUAL_LIST_HEIGHT },
  });
  // Keep what the user looks at in place when transfers are added or removed above it (a new push
  // goes on top), and when a card comes into the page above it without a scroll: pressing a card's
  // button focuses it, and focus keeps one more card beyond each edge; that card's real height then
  // replaces the estimate its spacer stood for, and everything below moved between the button's
  // mousedown and mouseup, so the click missed. After each scroll, once that scroll's cards are in
  // the page, note the first card in view and how far it starts from the list's top; when the order
  // or the first card in the page changes, scroll by as much as that card moved, before the browser
  // paints (unless the list scrolled since the note: the new place is noted next). The browser's own
  // scroll anchoring is off for the list (it didn't hold the cards here), and so is the
  // virtualizer's (it would correct the same move a second time). Progress updates neither note nor
  // scroll anything.
  const anchor = useRef<{ id: string; top: number; scrollTop: number } | undefined>(undefined);
  const anchoredOrder = useRef(order);
  const items = virtualizer.getVirtualItems();
  const firstInPage = items[0]?.index ?? -1;
  const anchoredFirst = useRef(firstInPage);
  useLayoutEffect(() => {
    virtualizer.shouldAdjustScrollPositionOnItemSizeChange = () => false;
  }, [virtualizer]);
  useLayoutEffect(() => {
    const list = scroller.current;
    const held = anchor.current;
    const orderChanged = anchoredOrder.current !== order;
    if ((!orderChanged && anchoredFirst.current === firstInPage) || !list || !held) return;
    anchoredOrder.current = order;
    anchoredFirst.current = firstInPage;
    if (list.scrollTop === 0) return;
    if (!orderChanged && list.scrollTop !== held.scrollTop) return;
    const card = list.querySelector(`[data-transfer-id="${CSS.escape(held.id)}"]`);
    if (card === null) return;
    const moved = card.getBoundingClientRect().top - list.getBoundingClientRect().top - held.top;
    if (Math.abs(moved) >= 1) list.scrollTop += moved;
  }, [order, firstInPage]);
  // A card Page Down / Page Up asked for before it was in the page: focused once it is.
  const focusWhenShown = useRef<number | undefined>(undefined);
  useLayoutEffect(() => {
    if (focusWhenShown.current === undefined) return;
    const card = scroller.current?.querySelector<HTMLElement>(`[data-index="${focusWhenShown.current}"]`);
    if (!card) return;
    focusWhenShown.current = undefined;
    card.focus();
  });
  const scrolledTo = virtualizer.scrollOffset ?? 0;
  useLayoutEffect(() => {
    const list = scroller.current;
    if (!list) return;
    const listTop = list.getBoundingClientRect().top;
    for (const card of list.querySelectorAll<HTMLElement>('[data-transfer-id]')) {
      const box = card.getBoundingClientRect();
      if (box.bottom > listTop) {
        anchor.current = { id: card.dataset.transferId!, top: box.top - listTop, scrollTop: list.scrollTop };
        return;
      }
    }
  }, [scrolledTo]);
  const cards: ReactNode[] = [];
  // Spacers stand for the cards out of view, in the normal flow with the cards: a card that grows
  // pushes the ones below it in the same frame. Each is followed by a gap.
  const spacer = (key: string, height: number) => {
    if (height > 0)
      cards.push(<div key={key} className="transfers-spacer" aria-hidden="true" style={{ height }} />);
  };
  let end = 0;
  for (const item of items) {
    // Before the first card, and before the focused card kept far from the ones in view.
    spacer(`before-${item.key}`, item.start - (end === 0 ? 0 : end + CARD_GAP) - CARD_GAP);
    cards.push(
      <TransferCard
        key={item.key}
        id={order[item.index]!}
        position={item.index}
        count={order.length}
        measure={virtualizer.measureElement}
      />,
    );
    end = item.end;
  }
  if (items.length > 0) spacer('after', virtualizer.getTotalSize() - end - CARD_GAP);
  return (
    <div
      className="transfers-list"
      ref={scroller}
      role="feed"
      aria-label="Pushes and pulls"
      onFocus={(event) => {
        const card = event.target.closest<HTMLElement>('[data-transfer-id]');
        setFocused(card?.dataset.transferId);
      }}
      onBlur={(event) => {
        if (!(event.relatedTarget instanceof Node && event.currentTarget.contains(event.relatedTarget)))
          setFocused(undefined);
      }}
      onKeyDown={(event) => {
        // The feed's keys (WAI-ARIA): Page Down / Page Up move the focus to the next / previous card.
        if (event.key !== 'PageDown' && event.key !== 'PageUp') return;
        const card = (event.target as HTMLElement).closest<HTMLElement>('[data-index]');
        if (!card) return;
        const next = Number(card.dataset.index) + (event.key === 'PageDown' ? 1 : -1);
        if (next < 0 || next >= order.length) return;
        event.preventDefault();
        const target = event.currentTarget.querySelector<HTMLElement>(`[data-index="${next}"]`);
        if (target) {
          target.focus();
          return;
        }
        // Keys faster than the list renders: bring the card in, and focus it once it is there.
        focusWhenShown.current = next;
        virtualizer.scrollToIndex(next, { align: 'auto' });
      }}
    >
      <div className="transfers-window">{cards}</div>
    </div>
  );
}

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
              void (startError.kind === 'push'
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
