/**
 * What to tell the user when transfers finish: the renderer's toasts (renderer/src/stores) and the
 * Electron shell's system notifications (electron/shell/finish-notifications.ts) say the same.
 */
import type { Notice } from '../api/contract/app';
import type { TransferSnapshot } from '../api/contract/transfers';

export type FinishedTransfer = Pick<TransferSnapshot, 'kind' | 'reference' | 'state' | 'digest' | 'error'>;

/** Each kind's words: done, the noun, and its plural. */
const WORDS: Record<TransferSnapshot['kind'], { done: string; noun: string; nouns: string }> = {
  push: { done: 'Pushed', noun: 'push', nouns: 'pushes' },
  pull: { done: 'Pulled', noun: 'pull', nouns: 'pulls' },
  copy: { done: 'Copied', noun: 'copy', nouns: 'copies' },
};
const KINDS = ['push', 'pull', 'copy'] as const;

/**
 * What to tell the user about transfers that finished in one batch. One success gets its own notice
 * with the digest; several at once (a batch of pushes ending together) get one notice that names
 * them, rather than a stack of toasts, most of which the five-toast limit would drop unseen (each
 * card keeps its digest). Failures get a notice only while the panel is folded (open, it already
 * shows each error and its fix): one failure with its error, several in one notice that names them.
 */
export function finishedNotices(finished: readonly FinishedTransfer[], panelOpen: boolean): Notice[] {
  const notices: Notice[] = [];
  const succeeded = finished.filter((transfer) => transfer.state === 'succeeded');
  if (succeeded.length === 1) {
    const [transfer] = succeeded as [FinishedTransfer];
    notices.push({
      level: 'success',
      title: `${WORDS[transfer.kind].done} ${transfer.reference}`,
      ...(transfer.digest ? { detail: `Digest ${transfer.digest}` } : {}),
    });
  } else if (succeeded.length > 1) {
    const images = (count: number) => `${count} image${count === 1 ? '' : 's'}`;
    const parts = KINDS.map((kind) => ({
      kind,
      count: succeeded.filter((transfer) => transfer.kind === kind).length,
    }))
      .filter((part) => part.count > 0)
      .map(({ kind, count }, index) => {
        const done = WORDS[kind].done;
        return `${index === 0 ? done : done.toLowerCase()} ${images(count)}`;
      });
    notices.push({
      level: 'success',
      title: parts.join(' and '),
      detail: `${names(succeeded)}. Digests are in the Transfers panel.`,
    });
  }
  if (panelOpen) return notices;
  const failed = finished.filter((transfer) => transfer.state === 'failed');
  if (failed.length === 1) {
    const [transfer] = failed as [FinishedTransfer];
    notices.push({
      level: 'error',
      title: `${WORDS[transfer.kind].noun.replace(/^./, (first) => first.toUpperCase())} of ${transfer.reference} failed`,
      detail: transfer.error?.message ?? 'See the transfers panel.',
    });
  } else if (failed.length > 1) {
    // Error toasts stay until dismissed: one for the lot, not a stack that pushes the others out.
    const parts: string[] = [];
    for (const kind of KINDS) {
      const count = failed.filter((transfer) => transfer.kind === kind).length;
      if (count > 0) parts.push(`${count} ${count === 1 ? WORDS[kind].noun : WORDS[kind].nouns}`);
    }
    notices.push({
      level: 'error',
      title: `${parts.join(' and ')} failed`,
      detail: `${names(failed)}. Each error and its fix are in the Transfers panel.`,
    });
  }
  return notices;
}

/** The first three references, and how many more. */
function names(transfers: readonly FinishedTransfer[]): string {
  const shown = transfers.slice(0, 3).map((transfer) => transfer.reference);
  const more = transfers.length - shown.length;
  return `${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}
