/**
 * A long list that renders only the rows in view (@tanstack/react-virtual, as the images view does),
 * and asks for more when the user scrolls near its end: a registry's thousands of repositories or
 * tags stay smooth, and pages arrive as they are needed.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, type ReactNode } from 'react';

export interface VirtualListProps<T> {
  items: T[];
  rowHeight: number;
  label: string;
  keyOf: (item: T) => string;
  renderRow: (item: T) => ReactNode;
  /** Called when the last rows come into view (load the next page). */
  onNearEnd?: () => void;
  /** Shown after the last row (loading…, load more). */
  footer?: ReactNode;
}

export function VirtualList<T>({
  items,
  rowHeight,
  label,
  keyOf,
  renderRow,
  onNearEnd,
  footer,
}: VirtualListProps<T>) {
  const scroller = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- as in the images view: TanStack Virtual, called once per render as documented.
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => rowHeight,
    overscan: 6,
  });
  const rows = virtualizer.getVirtualItems();
  const last = rows.at(-1)?.index ?? -1;
  useEffect(() => {
    if (onNearEnd && last >= items.length - 15) onNearEnd();
  }, [last, items.length, onNearEnd]);
  return (
    <div className="browse-scroller" ref={scroller} role="list" aria-label={label}>
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {rows.map((row) => {
          const item = items[row.index]!;
          return (
            <div
              key={keyOf(item)}
              role="listitem"
              className="browse-row-slot"
              style={{
                position: 'absolute',
                top: 0,
                left: 0,
                right: 0,
                height: rowHeight,
                transform: `translateY(${row.start}px)`,
              }}
            >
              {renderRow(item)}
            </div>
          );
        })}
      </div>
      {footer}
    </div>
  );
}
