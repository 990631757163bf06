/** "Clean up": a dry run first, saying what would be freed, then the real garbage collection on confirm. */
import { formatBytes } from '../../format';
import { useRegistryStore } from '../../stores/registry-store';

export function CleanUpPanel() {
  const { status, busy, gcPreview, lastGc, previewGc, runGc, cancelGc } = useRegistryStore();
  const running = status?.state === 'running';
  if (gcPreview) {
    return (
      <div className="cleanup" role="group" aria-label="Clean up">
        {gcPreview.blobsRemoved === 0 ? (
          <span>
            Nothing to clean up: every layer belongs to an image here, or to a push of the last 15 minutes.
          </span>
        ) : (
          <span>
            Clean-up would free <strong>{formatBytes(gcPreview.bytesFreed)}</strong> ({gcPreview.blobsRemoved}{' '}
            unused layer
            {gcPreview.blobsRemoved === 1 ? '' : 's'}).
          </span>
        )}
        {gcPreview.blobsRemoved > 0 && (
          <button
            type="button"
            className="button small primary"
            disabled={busy === 'gc'}
            onClick={() => void runGc()}
          >
            Free {formatBytes(gcPreview.bytesFreed)}
          </button>
        )}
        <button type="button" className="button small" onClick={cancelGc}>
          {gcPreview.blobsRemoved === 0 ? 'OK' : 'Cancel'}
        </button>
      </div>
    );
  }
  return (
    <div className="cleanup">
      {lastGc && (
        <span role="status">
          Freed {formatBytes(lastGc.bytesFreed)} ({lastGc.blobsRemoved} layer
          {lastGc.blobsRemoved === 1 ? '' : 's'}).
        </span>
      )}
      <button
        type="button"
        className="button small"
        disabled={!running || busy === 'gc'}
        onClick={() => void previewGc()}
      >
        {busy === 'gc' ? 'Checking…' : 'Clean up…'}
      </button>
    </div>
  );
}
