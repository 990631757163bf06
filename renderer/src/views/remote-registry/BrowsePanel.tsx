/**
 * Another registry's contents: repositories (its catalog, Docker Hub's API for a namespace, or names
 * the user typed and Berth remembers), the chosen repository's tags, and the chosen tag's details.
 * Lists are virtualised and fetch their next page as they scroll; a filter box narrows what is loaded
 * and keeps loading while too few names match.
 */
import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import { DOCKER_HUB_DOMAIN } from '../../../../electron/common/reference';
import type { RemoteRepository } from '../../../../electron/api/contract/remote';
import { useDialogStore } from '../../components/dialogs/dialog-store';
import { ErrorWithFix } from '../../components/ErrorWithFix';
import { useRemoteBrowseStore, type PagedList } from '../../stores/remote-browse-store';
import { useRemoteRegistriesStore } from '../../stores/remote-registries-store';
import { startTagDrag } from '../../components/dialogs/tag-drag';
import { TagDetailsPanel } from './TagDetailsPanel';
import { VirtualList } from './VirtualList';
import './remote-registry.css';

const REPOSITORY_ROW = 44;
const TAG_ROW = 34;
const REPOSITORY_PATTERN =
  /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

function matches(filter: string, name: string): boolean {
  return filter === '' || name.toLowerCase().includes(filter.toLowerCase());
}

/** Keeps fetching pages while the filter leaves fewer than a screenful of matches. */
function useFillFilter<T>(list: PagedList<T>, shown: number, filter: string, loadMore: () => Promise<void>) {
  useEffect(() => {
    if (filter !== '' && shown < 30 && list.next !== undefined && !list.loading && !list.error)
      void loadMore();
  }, [filter, shown, list.next, list.loading, list.error, loadMore]);
}

function ListFooter<T>({ list, what, onRetry }: { list: PagedList<T>; what: string; onRetry: () => void }) {
  if (list.error && list.items.length > 0)
    return (
      <div className="browse-footer">
        <ErrorWithFix rawLabel="The registry said:" error={list.error} onRetry={onRetry} />
      </div>
    );
  if (list.loading) return <p className="browse-footer muted">Loading {what}…</p>;
  return null;
}

export function BrowsePanel({ host }: { host: string }) {
  const open = useRemoteBrowseStore((state) => state.open);
  const repositories = useRemoteBrowseStore((state) => state.repositories);
  const source = useRemoteBrowseStore((state) => state.source);
  const reason = useRemoteBrowseStore((state) => state.reason);
  const total = useRemoteBrowseStore((state) => state.total);
  const listedNamespace = useRemoteBrowseStore((state) => state.listedNamespace);
  const connection = useRemoteBrowseStore((state) => state.connection);
  const selected = useRemoteBrowseStore((state) => state.repository);
  const tags = useRemoteBrowseStore((state) => state.tags);
  const tag = useRemoteBrowseStore((state) => state.tag);
  const loadMoreRepositories = useRemoteBrowseStore((state) => state.loadMoreRepositories);
  const reloadRepositories = useRemoteBrowseStore((state) => state.reloadRepositories);
  const setNamespace = useRemoteBrowseStore((state) => state.setNamespace);
  const selectRepository = useRemoteBrowseStore((state) => state.selectRepository);
  const loadMoreTags = useRemoteBrowseStore((state) => state.loadMoreTags);
  const selectTag = useRemoteBrowseStore((state) => state.selectTag);
  const saved = useRemoteRegistriesStore((state) => state.saved);
  const remember = useRemoteRegistriesStore((state) => state.rememberRepository);
  const forget = useRemoteRegistriesStore((state) => state.forgetRepository);
  const loggedIn = useRemoteRegistriesStore((state) => state.logins[host] !== undefined);
  const [repositoryFilter, setRepositoryFilter] = useState('');
  // The tag filter belongs to one repository: choosing another starts with none.
  const [tagFilterOf, setTagFilterOf] = useState<{ repository: string | undefined; text: string }>({
    repository: undefined,
    text: '',
  });
  const [typedName, setTypedName] = useState('');
  const [namespaceText, setNamespaceText] = useState('');
  const isHub = host === DOCKER_HUB_DOMAIN;
  const showDialog = useDialogStore((state) => state.show);

  useEffect(() => open(host), [host, open]);
  // A login or logout changes what the registry shows: read the list again.
  useEffect(() => {
    if (useRemoteBrowseStore.getState().host === host && useRemoteBrowseStore.getState().repositories.loaded)
      void reloadRepositories();
  }, [loggedIn, host, reloadRepositories]);
  const tagFilter = tagFilterOf.repository === selected ? tagFilterOf.text : '';

  const remembered = useMemo(
    () =>
      (saved.find((entry) => entry.host === host)?.repositories ?? []).map((name): RemoteRepository => ({
        name,
      })),
    [saved, host],
  );
  const allRepositories = source === 'none' ? remembered : repositories.items;
  const shownRepositories = useMemo(
    () => allRepositories.filter((repository) => matches(repositoryFilter, repository.name)),
    [allRepositories, repositoryFilter],
  );
  const shownTags = useMemo(
    () => tags.items.filter((name) => matches(tagFilter, name)),
    [tags.items, tagFilter],
  );
  const moreRepositories = useCallback(() => void loadMoreRepositories(), [loadMoreRepositories]);
  const moreTags = useCallback(() => void loadMoreTags(), [loadMoreTags]);
  useFillFilter(repositories, shownRepositories.length, repositoryFilter, loadMoreRepositories);
  useFillFilter(tags, shownTags.length, tagFilter, loadMoreTags);

  const addTyped = (event: FormEvent) => {
    event.preventDefault();
    const name = typedName.trim();
    if (!REPOSITORY_PATTERN.test(name)) return;
    void remember(host, name).then(() => {
      setTypedName('');
      selectRepository(name);
    });
  };

  const connectionWords = connection
    ? [
        connection.scheme === 'https'
          ? 'HTTPS'
          : connection.insecure === 'loopback'
            ? 'Plain HTTP — a loopback address, which Docker allows without TLS'
            : "Plain HTTP — listed in Docker's insecure registries",
        connection.auth === 'bearer'
          ? 'token auth'
          : connection.auth === 'basic'
            ? 'password (Basic) auth'
            : 'no login needed',
      ].join(' · ')
    : undefined;

  const hubHeading = isHub
    ? listedNamespace
      ? loggedIn && listedNamespace === useRemoteRegistriesStore.getState().logins[host]?.toLowerCase()
        ? 'Your repositories'
        : `Repositories of ${listedNamespace}`
      : 'Repositories'
    : 'Repositories';

  return (
    <section className="browse" aria-labelledby="browse-title">
      <div className="section-header">
        <h2 id="browse-title">{hubHeading}</h2>
        {connectionWords && (
          <p
            className={`connection-line ${connection?.scheme === 'http' ? 'insecure' : ''}`}
            data-testid="connection"
          >
            {connectionWords}
          </p>
        )}
      </div>
      {isHub && (
        <form
          className="namespace-row"
          onSubmit={(event) => {
            event.preventDefault();
            const text = namespaceText.trim().toLowerCase();
            setNamespace(text === '' ? undefined : text);
          }}
        >
          <label htmlFor="hub-namespace">Namespace</label>
          <input
            id="hub-namespace"
            className="text-input"
            placeholder={loggedIn ? 'yours, or e.g. library' : 'e.g. library'}
            value={namespaceText}
            onChange={(event) => setNamespaceText(event.target.value)}
            spellCheck={false}
          />
          <button type="submit" className="button small">
            Show
          </button>
        </form>
      )}
      {isHub && source === 'hub' && !listedNamespace ? (
        <div className="empty hub-logged-out">
          <p>
            Log in to Docker Hub to see your repositories, public and private. Anyone’s public repositories
            can be listed by namespace (<span className="mono">library</span> holds the official images).
          </p>
          {!loggedIn && (
            <button
              type="button"
              className="button primary"
              onClick={() => showDialog({ kind: 'login', registry: DOCKER_HUB_DOMAIN })}
            >
              Log in to Docker Hub…
            </button>
          )}
        </div>
      ) : repositories.error && repositories.items.length === 0 ? (
        <ErrorWithFix
          rawLabel="The registry said:"
          error={repositories.error}
          onRetry={() => void reloadRepositories()}
        />
      ) : (
        <div className="browse-columns">
          <div className="browse-pane">
            <div className="pane-head">
              <input
                className="text-input filter-input"
                type="search"
                placeholder="Filter repositories"
                aria-label="Filter repositories"
                value={repositoryFilter}
                onChange={(event) => setRepositoryFilter(event.target.value)}
              />
              <span className="muted pane-count" data-testid="repository-count">
                {shownRepositories.length}
                {repositoryFilter ? ` of ${allRepositories.length}` : ''}
                {total !== undefined ? ` / ${total}` : repositories.next !== undefined ? '+' : ''}
              </span>
            </div>
            {source === 'none' && (
              <div className="typed-names">
                <p className="muted">
                  {reason ?? `${host} offers no list of its repositories.`} Type the names you use; Berth
                  remembers them.
                </p>
                <form className="pull-row" onSubmit={addTyped}>
                  <input
                    className="text-input"
                    aria-label="Repository name"
                    placeholder="team/app"
                    value={typedName}
                    onChange={(event) => setTypedName(event.target.value)}
                    spellCheck={false}
                  />
                  <button
                    type="submit"
                    className="button small"
                    disabled={!REPOSITORY_PATTERN.test(typedName.trim())}
                  >
                    Add
                  </button>
                </form>
              </div>
            )}
            {repositories.loaded &&
            allRepositories.length === 0 &&
            source !== 'none' &&
            !(isHub && !listedNamespace) ? (
              <p className="empty">No repositories here yet.</p>
            ) : (
              <VirtualList
                items={shownRepositories}
                rowHeight={REPOSITORY_ROW}
                label="Repositories"
                keyOf={(repository) => repository.name}
                onNearEnd={source === 'none' ? undefined : moreRepositories}
                footer={
                  <ListFooter
                    list={repositories}
                    what="repositories"
                    onRetry={() => void loadMoreRepositories()}
                  />
                }
                renderRow={(repository) => (
                  <div className={`browse-row ${selected === repository.name ? 'selected' : ''}`}>
                    <button
                      type="button"
                      className="browse-pick"
                      aria-pressed={selected === repository.name}
                      onClick={() => selectRepository(repository.name)}
                    >
                      <span className="browse-name" title={repository.name}>
                        {repository.name}
                      </span>
                      {repository.description && (
                        <span className="browse-sub muted">{repository.description}</span>
                      )}
                    </button>
                    {repository.private !== undefined && (
                      <span
                        className={`badge ${repository.private ? 'private' : 'public'}`}
                        title={
                          repository.private
                            ? 'Private: only you and the people you allow can see and pull it.'
                            : 'Public: anyone can pull it; only you (and people you allow) can push to it.'
                        }
                      >
                        {repository.private ? 'Private' : 'Public'}
                      </span>
                    )}
                    {source === 'none' && (
                      <button
                        type="button"
                        className="button small ghost"
                        aria-label={`Forget ${repository.name}`}
                        onClick={() => void forget(host, repository.name)}
                      >
                        ✕
                      </button>
                    )}
                  </div>
                )}
              />
            )}
          </div>
          <div className="browse-pane">
            <div className="pane-head">
              <input
                className="text-input filter-input"
                type="search"
                placeholder={selected ? `Filter tags of ${selected}` : 'Filter tags'}
                aria-label="Filter tags"
                value={tagFilter}
                disabled={!selected}
                onChange={(event) => setTagFilterOf({ repository: selected, text: event.target.value })}
              />
              <span className="muted pane-count">
                {selected ? `${shownTags.length}${tags.next ? '+' : ''}` : ''}
              </span>
            </div>
            {!selected ? (
              <p className="empty">Choose a repository.</p>
            ) : tags.error && tags.items.length === 0 ? (
              <ErrorWithFix
                rawLabel="The registry said:"
                error={tags.error}
                onRetry={() => void loadMoreTags()}
              />
            ) : tags.loaded && tags.items.length === 0 ? (
              <p className="empty">No tags.</p>
            ) : (
              <VirtualList
                items={shownTags}
                rowHeight={TAG_ROW}
                label={`Tags of ${selected}`}
                keyOf={(name) => name}
                onNearEnd={moreTags}
                footer={<ListFooter list={tags} what="tags" onRetry={() => void loadMoreTags()} />}
                renderRow={(name) => (
                  <button
                    type="button"
                    className={`browse-row browse-pick tag-pick ${tag === name ? 'selected' : ''}`}
                    aria-pressed={tag === name}
                    onClick={() => selectTag(name)}
                    draggable
                    title="Drag onto another registry to copy it there"
                    onDragStart={(event) =>
                      selected &&
                      startTagDrag(event.dataTransfer, { host, repository: selected, reference: name })
                    }
                  >
                    <span className="browse-name mono">{name}</span>
                  </button>
                )}
              />
            )}
          </div>
          <div className="browse-pane details-pane">
            <TagDetailsPanel host={host} />
          </div>
        </div>
      )}
    </section>
  );
}
