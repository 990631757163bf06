/**
 * The local images, one row per image ID with all its names, filterable, virtualized so that 2,000
 * images scroll smoothly. Rows can be dragged onto a registry in the sidebar to push them.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef, type ReactNode } from 'react';
import { registryHostOf } from '../../../../electron/common/reference';
import { formatAge, formatBytes } from '../../format';
import { groupImages, useImagesStore, type ImageGroup } from '../../stores/images-store';

const ROW_HEIGHT = 56;

function registryLabel(name: string): string {
  const host = registryHostOf(name);
  return host === undefined || host === 'docker.io' ? 'Docker Hub' : host;
}

export function ImagesView({ actions }: { actions?: (group: ImageGroup) => ReactNode }) {
  const { images, loaded, error, filter, setFilter } = useImagesStore();
  const groups = useMemo(() => groupImages(images, filter), [images, filter]);
  const scroller = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- TanStack Virtual is the maintained virtualizer; it is called once per render as documented.
  const virtualizer = useVirtualizer({
    count: groups.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  });

  return (
    <section className="view" aria-labelledby="images-title">
      <header className="view-header">
        <div>
          <h1 id="images-title">Images</h1>
          <p className="view-subtitle">
            {loaded ? `${images.length} image${images.length === 1 ? '' : 's'} in your local Docker` : 'Loading…'}
          </p>
        </div>
        <input
          type="search"
          className="search"
          placeholder="Filter by name or ID"
          aria-label="Filter images"
          value={filter}
          onChange={(event) => setFilter(event.target.value)}
        />
      </header>
      {error && (
        <div className="error-box" role="alert">
          <strong>{error.message}</strong>
          {error.raw && <pre className="raw">{error.raw}</pre>}
        </div>
      )}
      <div className="table" role="table" aria-label="Local images" aria-rowcount={groups.length + 1}>
        <div className="table-head" role="row">
          <span role="columnheader" className="col-name">Repository : tag</span>
          <span role="columnheader" className="col-id">Image ID</span>
          <span role="columnheader" className="col-size">Size</span>
          <span role="columnheader" className="col-created">Created</span>
          <span role="columnheader" className="col-actions">
            <span className="visually-hidden">Actions</span>
          </span>
        </div>
        <div className="table-body" ref={scroller}>
          {loaded && groups.length === 0 && (
            <p className="empty">{filter ? 'No image matches the filter.' : 'No images yet. Pull one, or build one with docker build.'}</p>
          )}
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {virtualizer.getVirtualItems().map((item) => {
              const group = groups[item.index]!;
              const primary = group.names[0] ?? group.shortId;
              return (
                <div
                  key={group.id}
                  role="row"
                  className="table-row"
                  data-image-id={group.shortId}
                  aria-rowindex={item.index + 2}
                  draggable
                  onDragStart={(event) => {
                    event.dataTransfer.setData('application/x-berth-image', primary);
                    event.dataTransfer.setData('text/plain', primary);
                    event.dataTransfer.effectAllowed = 'copy';
                  }}
                  style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${item.start}px)` }}
                >
                  <span role="cell" className="col-name">
                    {group.names.length === 0 ? (
                      <span className="muted">&lt;none&gt;</span>
                    ) : (
                      group.names.map((name) => (
                        <span key={name} className="image-name">
                          {name}
                          <span className="registry-badge">{registryLabel(name)}</span>
                        </span>
                      ))
                    )}
                  </span>
                  <span role="cell" className="col-id mono">{group.shortId}</span>
                  <span role="cell" className="col-size">{formatBytes(group.size)}</span>
                  <span role="cell" className="col-created">{formatAge(group.created)}</span>
                  <span role="cell" className="col-actions">{actions?.(group)}</span>
                </div>
              );
            })}
          </div>
        </div>
      </div>
    </section>
  );
}
