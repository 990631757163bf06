/**
 * One tag of another registry: digest, media type, platforms, size, created, OS/architecture, the
 * pull command to copy, Pull and Delete (with the digest-delete warning where the registry can't delete
 * a tag alone), and Docker Hub's pull allowance when Hub sent it.
 */
import { copyRequest } from '../../components/dialogs/copy-request';
import { useDialogStore } from '../../components/dialogs/dialog-store';
import { ErrorWithFix } from '../../components/ErrorWithFix';
import { CopyButton, TagActions } from '../../components/registry/TagActions';
import { formatBytes, shortDigest } from '../../format';
import { useRemoteBrowseStore } from '../../stores/remote-browse-store';
import { pullImage } from '../../stores/transfers-store';

const mediaTypeWords: Record<string, string> = {
  'application/vnd.oci.image.index.v1+json': 'OCI image index',
  'application/vnd.docker.distribution.manifest.list.v2+json': 'Docker manifest list',
  'application/vnd.oci.image.manifest.v1+json': 'OCI image manifest',
  'application/vnd.docker.distribution.manifest.v2+json': 'Docker image manifest',
};

function formatCreated(created: string): string {
  const time = Date.parse(created);
  if (Number.isNaN(time)) return created;
  return new Date(time).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function TagDetailsPanel({ host }: { host: string }) {
  const repository = useRemoteBrowseStore((state) => state.repository);
  const tag = useRemoteBrowseStore((state) => state.tag);
  const entry = useRemoteBrowseStore((state) =>
    repository && tag ? state.details[`${repository}:${tag}`] : undefined,
  );
  const deleting = useRemoteBrowseStore((state) => state.deleting);
  const loadDetails = useRemoteBrowseStore((state) => state.loadDetails);
  const deleteTag = useRemoteBrowseStore((state) => state.deleteTag);
  const cancelDelete = useRemoteBrowseStore((state) => state.cancelDelete);
  const showDialog = useDialogStore((state) => state.show);

  if (!repository || !tag) return <p className="empty">Choose a tag to see what it holds.</p>;
  const reference = `${repository}:${tag}`;
  if (!entry || entry.state === 'loading')
    return (
      <p className="muted" aria-live="polite">
        Reading {reference}…
      </p>
    );
  if (entry.state === 'failed')
    return (
      <ErrorWithFix
        rawLabel="The registry said:"
        error={entry.error}
        onRetry={() => void loadDetails(tag, true)}
      />
    );
  const { details } = entry;
  const pullReference = details.pullCommand.replace(/^docker pull /, '');
  const deleteHere = deleting?.tag === tag ? deleting : undefined;
  return (
    <div className="tag-details" aria-label={`Details of ${reference}`}>
      <h3 className="tag-details-title">
        <span className="repo-path">{repository}</span>
        <span className="repo-tag">
          :<strong>{tag}</strong>
        </span>
      </h3>
      <dl className="tag-facts">
        <dt>Digest</dt>
        <dd className="mono" title={details.digest}>
          {shortDigest(details.digest)} <CopyButton text={details.digest} label="Copy digest" />
        </dd>
        <dt>Kind</dt>
        <dd title={details.mediaType}>{mediaTypeWords[details.mediaType] ?? details.mediaType}</dd>
        <dt>Size</dt>
        <dd data-testid="tag-size">
          {formatBytes(details.size)}
          {details.kind === 'index' ? <span className="muted"> (largest platform)</span> : null}
        </dd>
        <dt>Platforms</dt>
        <dd>
          <ul className="platform-chips" aria-label="Platforms">
            {details.platforms.length === 0 && <li className="muted">unknown</li>}
            {details.platforms.map((platform) => (
              <li key={platform.digest} className="platform-chip" title={platform.digest}>
                {platform.platform}
                {platform.size !== undefined && (
                  <span className="muted"> · {formatBytes(platform.size)}</span>
                )}
              </li>
            ))}
          </ul>
        </dd>
        {details.created && (
          <>
            <dt>Created</dt>
            <dd>{formatCreated(details.created)}</dd>
          </>
        )}
        {/* An index's platforms are listed above; its first image's would mislead here. */}
        {details.kind === 'image' && details.os && (
          <>
            <dt>OS / architecture</dt>
            <dd>
              {details.os}/{details.architecture ?? 'unknown'}
            </dd>
          </>
        )}
      </dl>
      <div className="pull-command">
        <code className="mono" data-testid="pull-command">
          {details.pullCommand}
        </code>
        <CopyButton text={details.pullCommand} label="Copy pull command" />
      </div>
      {details.rateLimit && (
        <p className="muted rate-limit">
          Docker Hub pulls left: <strong>{details.rateLimit.remaining}</strong> of {details.rateLimit.limit}
          {details.rateLimit.windowSeconds
            ? ` per ${Math.round(details.rateLimit.windowSeconds / 3600)} h`
            : ''}
          .
        </p>
      )}
      <div className="tag-detail-actions">
        <TagActions
          reference={reference}
          tag={tag}
          onPull={() => void pullImage(pullReference)}
          onDelete={() => void deleteTag(tag)}
          deleteTitle="Removes the tag from the registry"
          busy={deleteHere?.state === 'deleting'}
        />
        <button
          type="button"
          className="button small"
          title="Copy this tag to another registry, without Docker (or drag the tag onto a registry)"
          onClick={() =>
            showDialog({ kind: 'tag', request: copyRequest({ host, repository, reference: tag }) })
          }
        >
          Copy to…
        </button>
      </div>
      {deleteHere?.state === 'confirm-digest' && (
        <div className="warn-box" role="alert">
          <p>
            <strong>{host} can’t remove a tag on its own.</strong> Deleting the image by its digest{' '}
            <span className="mono">{shortDigest(deleteHere.digest)}</span> removes <em>every</em> tag that
            points at it, not just {tag}.
          </p>
          {deleteHere.raw && <pre className="raw">{deleteHere.raw}</pre>}
          <div className="error-actions">
            <button
              type="button"
              className="button small danger"
              onClick={() => void deleteTag(tag, deleteHere.digest)}
            >
              Delete the image and all its tags
            </button>
            <button type="button" className="button small" onClick={cancelDelete}>
              Keep
            </button>
          </div>
        </div>
      )}
      {deleteHere?.state === 'failed' && (
        <ErrorWithFix
          rawLabel="The registry said:"
          error={deleteHere.error}
          title={`Could not delete ${reference}`}
        />
      )}
    </div>
  );
}
