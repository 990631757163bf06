/**
 * The local images, one row per image ID with all its names, filterable, virtualized so that 2,000
 * images scroll smoothly. Rows can be dragged onto a registry in the sidebar to push them; the
 * keyboard equivalent is the row's "Push to…" action. Names that point at a registry get a Push button.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { ErrorBox } from '../../components/ErrorBox';
import { memo, useMemo, useRef } from 'react';
import { describeName } from './registry-badge';
import { useRegistryStore } from '../../stores/registry-store';
import { useDialogStore } from '../../components/dialogs/dialog-store';
import { formatAge, formatBytes } from '../../format';
import { groupImages, useImagesStore, type ImageGroup } from '../../stores/images-store';
import { pushImage } from '../../stores/transfers-store';
import './images.css';

const ROW_HEIGHT = 56;
const NAME_LINE_HEIGHT = 22;

/** Rows grow with the number of names, so every tag (and its Push button) stays visible. */
function rowHeight(group: ImageGroup | undefined): number {
  return Math.max(ROW_HEIGHT, 14 + (group?.names.length ?? 1) * NAME_LINE_HEIGHT);
}

/**
 * Row actions open dialogs through the store's getter rather than a subscription: rows mount and
 * unmount on every scroll step, and `show` never changes.
 */
function RowActions({ group }: { group: ImageGroup }) {
  const source = group.names[0] ?? group.id;
  const label = group.names[0] ?? group.shortId;
  const show = useDialogStore.getState().show;
  return (
    <>
      <button
        type="button"
        className="button small"
        aria-label={`Tag ${label}`}
        onClick={() => show({ kind: 'tag', request: { source, intent: 'tag' } })}
      >
        Tag…
      </button>
      <button
        type="button"
        className="button small"
        aria-label={`Push ${label} to…`}
        onClick={() => show({ kind: 'tag', request: { source, intent: 'push' } })}
      >
        Push to…
      </button>
      <button
        type="button"
        className="button small danger"
        aria-label={`Remove ${label}`}
        onClick={() => show({ kind: 'remove', group })}
      >
        Remove
      </button>
    </>
  );
}

interface ImageRowProps {
  group: ImageGroup;
  index: number;
  /** Offset from the top of the list, px. */
  start: number;
  height: number;
}

/**
 * One image's row. Memoised: a scroll step re-renders the list, and only rows that came into view
 * (or whose image changed) need rendering; the others just move.
 */
const ImageRow = memo(function ImageRow({ group, index, start, height }: ImageRowProps) {
  const primary = group.names[0] ?? group.shortId;
  return (
    <div
      role="row"
      className="table-row"
      data-image-id={group.shortId}
      aria-rowindex={index + 2}
      draggable
      onDragStart={(event) => {
        event.dataTransfer.setData('application/x-berth-image', primary);
        event.dataTransfer.setData('text/plain', primary);
        event.dataTransfer.effectAllowed = 'copy';
      }}
      style={{
        position: 'absolute',
        top: 0,
        left: 0,
        right: 0,
        height,
        transform: `translateY(${start}px)`,
        // Its size is fixed from outside, so a row's layout and paint are its own: a scroll step that
        // brings in new rows does not make the browser reconsider the others or the list.
        contain: 'strict',
      }}
    >
      <span role="cell" className="col-name">
        {group.names.length === 0 ? (
          <span className="muted">
            &lt;none&gt;<span className="untagged-id mono">{group.shortId}</span>
          </span>
        ) : (
          group.names.map((name) => {
            const { registry, pushable, tooltip } = describeName(
              name,
              useRegistryStore.getState().status?.port,
            );
            return (
              <span key={name} className="image-name">
                {/* Cut at its start when too long: the end (repository and tag) tells names apart. */}
                <span className="image-name-text" title={name}>
                  <bdi dir="ltr">{name}</bdi>
                </span>
                {/* A host written in the name is repeated by its badge: narrow tables drop those. */}
                <span className={`registry-badge${pushable ? ' repeats-host' : ''}`} title={tooltip}>
                  {registry}
                </span>
                {pushable && (
                  <button
                    type="button"
                    className="inline-push"
                    aria-label={`Push ${name}`}
                    onClick={() => void pushImage(name)}
                  >
                    Push
                  </button>
                )}
              </span>
            );
          })
        )}
      </span>
      <span role="cell" className="col-id mono">
        {group.shortId}
      </span>
      <span role="cell" className="col-size">
        {formatBytes(group.size)}
      </span>
      <span role="cell" className="col-created">
        {formatAge(group.created)}
      </span>
      <span role="cell" className="col-actions">
        <RowActions group={group} />
      </span>
    </div>
  );
});

export function ImagesView() {
  const { images, loaded, error, filter, setFilter } = useImagesStore();
  const groups = useMemo(() => groupImages(images, filter), [images, filter]);
  // The list failed and nothing was listed before: how many images there are is unknown.
  const unknown = error !== undefined && images.length === 0;
  const scroller = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- TanStack Virtual is the maintained virtualizer; it is called once per render as documented.
  const virtualizer = useVirtualizer({
    count: groups.length,
    getScrollElement: () => scroller.current,
    estimateSize: (index) => rowHeight(groups[index]),
    // Rows already rendered beyond each edge. Every row is ~25 elements, and a fast scrollbar drag
    // replaces the whole window each frame, so a few rows of margin is the balance (8 cost a frame).
    overscan: 3,
  });

  return (
    <section className="view" aria-labelledby="images-title">
      <header className="view-header">
        <div>
          <h1 id="images-title">Images</h1>
          <p className="view-subtitle">
            {!loaded
              ? 'Loading…'
              : unknown
                ? 'Your local Docker'
                : `${images.length} image${images.length === 1 ? '' : 's'} in your local Docker`}
          </p>
        </div>
        <input
          type="search"
          className="search"
          placeholder="Filter by name, registry or ID"
          aria-label="Filter images"
          value={filter}
          onChange={(event) => setFilter(event.target.value)}
        />
      </header>
      {error && <ErrorBox error={error} />}
      <div className="table" role="table" aria-label="Local images" aria-rowcount={groups.length + 1}>
        <div className="table-head" role="row">
          <span role="columnheader" className="col-name">
            Repository : tag
          </span>
          <span role="columnheader" className="col-id">
            Image ID
          </span>
          <span role="columnheader" className="col-size">
            Size
          </span>
          <span role="columnheader" className="col-created">
            Created
          </span>
          <span role="columnheader" className="col-actions">
            <span className="visually-hidden">Actions</span>
          </span>
        </div>
        <div className="table-body" ref={scroller}>
          {/* Not when unknown: "no images yet" would be a guess (the error box says why). */}
          {loaded && groups.length === 0 && !unknown && (
            <p className="empty">
              {filter
                ? 'No image matches the filter.'
                : 'No images yet. Pull one, or build one with docker build.'}
            </p>
          )}
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {virtualizer.getVirtualItems().map((item) => {
              const group = groups[item.index]!;
              return (
                <ImageRow
                  key={group.id}
                  group={group}
                  index={item.index}
                  start={item.start}
                  height={item.size}
                />
              );
            })}
          </div>
        </div>
      </div>
    </section>
  );
}
