/** The repositories of the local registry with their tags: digest, size, platforms, delete, pull. */
import { useState } from 'react';
import { copyRequest } from '../../components/dialogs/copy-request';
import { useDialogStore } from '../../components/dialogs/dialog-store';
import { startTagDrag } from '../../components/dialogs/tag-drag';
import { TagActions } from '../../components/registry/TagActions';
import { formatBytes, shortDigest } from '../../format';
import { useRegistryStore } from '../../stores/registry-store';

export interface RepositoryListProps {
  /** How Docker names this registry, e.g. `localhost:5000`. */
  host: string;
  /** Pull `host/repository:tag` into the local Docker (wired to the transfers store). */
  onPull?: (reference: string) => void;
}

export function RepositoryList({ host, onPull }: RepositoryListProps) {
  const repositories = useRegistryStore((state) => state.repositories);
  const deleteTag = useRegistryStore((state) => state.deleteTag);
  const deleteRepository = useRegistryStore((state) => state.deleteRepository);
  const showDialog = useDialogStore((state) => state.show);
  /** The repository left without tags whose Delete was pressed once (it asks again). */
  const [confirming, setConfirming] = useState<string | undefined>(undefined);
  if (repositories.length === 0) {
    return (
      <p className="empty">
        Nothing here yet. Push an image: tag it as <code>{host}/name:tag</code>, or drag it onto “Local
        registry”.
      </p>
    );
  }
  return (
    <div className="repo-table" role="table" aria-label="Registry repositories">
      <div className="repo-row repo-head" role="row">
        <span role="columnheader">Repository : tag</span>
        <span role="columnheader" className="repo-col-digest">
          Digest
        </span>
        <span role="columnheader">Size</span>
        <span role="columnheader" className="repo-col-platforms">
          Platforms
        </span>
        <span role="columnheader">
          <span className="visually-hidden">Actions</span>
        </span>
      </div>
      {repositories.flatMap((repository) =>
        repository.tags.length === 0 ? (
          // No tags left (the last one deleted, or a push cancelled): still on disk, so listed and deletable.
          <div key={repository.name} className="repo-row" role="row" data-reference={repository.name}>
            <span role="cell" className="repo-name">
              <span className="repo-reference" title={repository.name}>
                <span className="repo-path">{repository.name}</span>
              </span>
              <span className="repo-meta">no tags left</span>
            </span>
            <span role="cell" className="repo-col-digest muted">
              no tags
            </span>
            <span role="cell">{formatBytes(repository.untaggedSize ?? 0)}</span>
            <span role="cell" className="repo-col-platforms platforms">
              —
            </span>
            <span role="cell" className="repo-actions">
              {confirming === repository.name ? (
                <>
                  <button
                    type="button"
                    className="button small danger"
                    onClick={() => {
                      setConfirming(undefined);
                      void deleteRepository(repository.name);
                    }}
                  >
                    Delete {repository.name}
                  </button>
                  <button type="button" className="button small" onClick={() => setConfirming(undefined)}>
                    Keep
                  </button>
                </>
              ) : (
                <button
                  type="button"
                  className="button small"
                  aria-label={`Delete repository ${repository.name}`}
                  title="Removes the repository; its layers are freed by the next clean-up"
                  onClick={() => setConfirming(repository.name)}
                >
                  Delete
                </button>
              )}
            </span>
          </div>
        ) : (
          repository.tags.map((tag) => {
            const key = `${repository.name}:${tag.tag}`;
            const platformWords = tag.platforms.length ? tag.platforms.join(', ') : '—';
            return (
              <div
                key={key}
                className="repo-row"
                role="row"
                data-reference={key}
                draggable
                title="Drag onto another registry to copy it there"
                onDragStart={(event) =>
                  startTagDrag(event.dataTransfer, { host, repository: repository.name, reference: tag.tag })
                }
              >
                <span role="cell" className="repo-name">
                  <span className="repo-reference" title={key}>
                    <span className="repo-path">{repository.name}</span>
                    <span className="repo-tag">
                      :<strong>{tag.tag}</strong>
                    </span>
                  </span>
                  {/* What the columns a narrow table drops would have shown (local-registry.css). */}
                  <span className="repo-meta">
                    <span className="repo-meta-digest mono">{shortDigest(tag.digest)}</span>
                    <span className="repo-meta-platforms">{platformWords}</span>
                  </span>
                </span>
                <span role="cell" className="repo-col-digest mono" title={tag.digest}>
                  {shortDigest(tag.digest)}
                </span>
                <span role="cell">{formatBytes(tag.size)}</span>
                <span role="cell" className="repo-col-platforms platforms">
                  {platformWords}
                </span>
                <span role="cell" className="repo-actions">
                  <TagActions
                    reference={key}
                    tag={tag.tag}
                    onPull={onPull ? () => onPull(`${host}/${key}`) : undefined}
                    onDelete={() => void deleteTag(repository.name, tag.tag)}
                    deleteTitle="Removes the tag; its layers are freed by the next clean-up"
                  />
                  <button
                    type="button"
                    className="button small"
                    aria-label={`Copy ${key} to…`}
                    title="Copy this tag to another registry, without Docker (or drag the row onto a registry)"
                    onClick={() =>
                      showDialog({
                        kind: 'tag',
                        request: copyRequest({ host, repository: repository.name, reference: tag.tag }),
                      })
                    }
                  >
                    Copy to…
                  </button>
                </span>
              </div>
            );
          })
        ),
      )}
    </div>
  );
}
