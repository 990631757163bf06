/** Pushes, pulls and deletions in the local registry as they happen, newest first. */
import { formatBytes, shortDigest } from '../../format';
import { useRegistryStore } from '../../stores/registry-store';

const verbs: Record<string, string> = {
  push: 'Pushed',
  pull: 'Pulled',
  'blob-upload': 'Uploaded layer',
  'blob-mount': 'Mounted layer',
  delete: 'Deleted',
  gc: 'Cleaned up',
  failure: 'Storage failed',
};

export function ActivityFeed() {
  const activity = useRegistryStore((state) => state.activity);
  if (activity.length === 0) return <p className="empty small">No pushes or pulls yet.</p>;
  return (
    <ol className="activity" aria-label="Registry activity">
      {[...activity]
        .reverse()
        .slice(0, 60)
        .map((entry, index) => (
          <li key={`${entry.at}-${index}`} className={`activity-item ${entry.kind}`}>
            <span className="activity-verb">{verbs[entry.kind] ?? entry.kind}</span>{' '}
            <span className="activity-what">
              {entry.kind === 'failure'
                ? `${entry.detail ?? 'unknown cause'}${entry.repository ? ` (${entry.repository})` : ''}`
                : entry.repository}
              {entry.reference && !entry.reference.startsWith('sha256:') ? `:${entry.reference}` : ''}
            </span>
            <span className="activity-meta">
              {[
                entry.digest ? shortDigest(entry.digest) : '',
                entry.bytes ? formatBytes(entry.bytes) : '',
                new Date(entry.at).toLocaleTimeString(),
              ]
                .filter(Boolean)
                .join(' · ')}
            </span>
          </li>
        ))}
    </ol>
  );
}
