/**
 * The transfer cards, windowed (TanStack Virtual, as the images list): only the cards in the panel's
 * view are in the page, with the scroll held in place as cards come and go.
 */
import {
  defaultRangeExtractor,
  elementScroll,
  useVirtualizer,
  type Virtualizer,
} from '@tanstack/react-virtual';
import { useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { LAYERS_SHOWN_FOR } from './card-view';
import { TransferCard } from './TransferCard';

/** Space between two cards, px. */
const CARD_GAP = 10;

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
 * 48 % of it, views/transfers/transfers.css, less its header). A guess, not `window.innerHeight`, which would force
 * a layout too.
 */
const USUAL_LIST_HEIGHT = 345;

/**
 * The cards, windowed: only those in the panel's view are in the page, so ten transfers at once
 * cost the render of the two or three you can see, while they start, while they stream and when
 * they finish. A feed, as ARIA has it for a scrolled list of articles: each card says its place in
 * the whole list, and Page Down / Page Up move between cards.
 */
export function TransferList({ order }: { order: readonly string[] }) {
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
