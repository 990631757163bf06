/**
 * Which way a transfer went, on its card (issue 23): Berth's fast local push (and how it stored the
 * layers, and how much) or Docker's own push/pull; and the docker CLI command with the same outcome,
 * to copy.
 */
import { useState } from 'react';
import type { TransferRoute as Route, TransferState } from '../../../../electron/api/contract/transfers';
import { formatBytes } from '../../format';

const LAYER_FORMAT: Record<NonNullable<Route['layerFormat']>, string> = {
  uncompressed: 'layers uncompressed (OCI tar)',
  gzip: 'layers gzip-compressed in parallel',
  'as-exported': 'layers as Docker holds them',
};

/** "Fast local push · layers uncompressed (OCI tar) · 412 MB stored, 12 MB written now". */
export function routeDescription(route: Route, state: TransferState): string {
  if (route.path === 'daemon') return 'Through Docker';
  if (route.path === 'registry-to-registry') return copyDescription(route, state);
  const parts = ['Fast local push'];
  if (route.layerFormat) parts.push(LAYER_FORMAT[route.layerFormat]);
  if (state === 'succeeded' && route.storedBytes !== undefined) {
    const written =
      route.writtenBytes !== undefined && route.writtenBytes !== route.storedBytes
        ? `, ${formatBytes(route.writtenBytes)} written now`
        : '';
    parts.push(`${formatBytes(route.storedBytes)} stored${written}`);
  }
  return parts.join(' · ');
}

/** "Registry to registry, without Docker · 3 copied, 1 already there, 2 mounted · a new index (new digest)". */
function copyDescription(route: Route, state: TransferState): string {
  const parts = ['Registry to registry, without Docker'];
  if (state === 'succeeded' && route.blobs) {
    const { copied, existing, mounted } = route.blobs;
    const counts = [`${copied} blob${copied === 1 ? '' : 's'} copied`];
    if (route.writtenBytes !== undefined && copied > 0) counts[0] += ` (${formatBytes(route.writtenBytes)})`;
    if (existing > 0) counts.push(`${existing} already there`);
    if (mounted > 0) counts.push(`${mounted} mounted`);
    parts.push(counts.join(', '));
  }
  if (route.digestChanged)
    parts.push('chosen platforms in a new index: its digest differs from the source’s');
  return parts.join(' · ');
}

export function TransferRoute({ route, state }: { route: Route; state: TransferState }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="transfer-route">
      <span className="transfer-route-path" data-path={route.path}>
        {routeDescription(route, state)}
      </span>
      <span className="transfer-route-command">
        <span className="digest-label">{route.path === 'daemon' ? 'CLI' : 'Same result with the CLI'}</span>
        <code className="mono" aria-label="Equivalent command">
          {route.command}
        </code>
        <button
          type="button"
          className="button small"
          onClick={() => {
            void navigator.clipboard
              ?.writeText(route.command)
              .then(() => setCopied(true))
              .catch(() => setCopied(false));
          }}
        >
          {copied ? 'Copied' : 'Copy command'}
        </button>
      </span>
    </div>
  );
}
