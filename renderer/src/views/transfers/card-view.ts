/**
 * What the user opened on each transfer card, kept outside the card: the list is windowed, so a
 * card's component unmounts when it scrolls out of view, and comes back as the user left it.
 */
import { useState } from 'react';

/**
 * When several transfers appear at once (the app reopened, a batch of pushes), only the newest lists
 * its layers at first; the others show their one-line bar, so the short panel shows more of them
 * (each can be opened). A transfer started on its own is the newest, so it always lists its layers.
 */
export const LAYERS_SHOWN_FOR = 1;

/**
 * What the user opened on each card, by transfer id. The list is windowed, so a card's component
 * unmounts when it scrolls out of view; this brings it back as the user left it (layers shown, every
 * layer). Forgotten when the transfer leaves the panel. (Cancel pressed is the host's to know: it is
 * in the transfer's snapshot, for every window and after a reload.)
 */
export interface CardView {
  showLayers: boolean;
  showAll: boolean;
}
const cardViews = new Map<string, CardView>();

/** Forgets the cards of transfers that left the panel. */
export function forgetCardViews(kept: readonly string[]): void {
  const keep = new Set(kept);
  for (const id of cardViews.keys()) if (!keep.has(id)) cardViews.delete(id);
}

/** The card's view state, as the user left it; `position` decides the first one. */
export function useCardView(id: string, position: number): [CardView, (patch: Partial<CardView>) => void] {
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
