/**
 * Coordinates blob writers with garbage collection, in memory (the registry is one process and owns
 * its data folder). Why this rather than only a grace period on file times:
 *
 * - A push uploads layers first and the manifest last; in between, its blobs are referenced by
 *   nothing. Every blob that is committed, mounted, or reported present (HEAD, manifest check) is
 *   "touched": it stays protected until a manifest that references it is stored ("settled"), or
 *   for `pendingGraceMs` (an abandoned push is collectable after that). Settling during a run
 *   hands the protection to that run, whose mark phase may have missed the new manifest.
 * - While a collection runs, everything touched is also protected for that run, so a manifest
 *   committed after the mark phase looked at its repository keeps its blobs.
 * - The sweep deletes each blob under the same per-digest lock that commits take, and marks it
 *   "deleting" first: from that instant readers treat it as absent (so no client is told "exists"
 *   about a blob that is going away) and a new commit of the same digest waits for the unlink.
 */
import { KeyedLock } from './keyed-lock';

/** Shared state between the blob store, the manifest store and GC. */
export class BlobGuard {
  /** Per-digest lock taken by commit and by the sweep. */
  readonly locks = new KeyedLock();
  private readonly pending = new Map<string, number>();
  private readonly deleting = new Set<string>();
  private collection: Set<string> | undefined;

  constructor(readonly pendingGraceMs = 15 * 60_000) {}

  /** Records that a client relies on `digest` existing (uploaded, mounted, HEAD-ed, referenced). */
  touch(digest: string): void {
    this.pending.set(digest, Date.now());
    this.collection?.add(digest);
  }

  /**
   * A stored manifest now references these digests: the push they belong to is complete. A
   * collection already running may have listed the repository before the manifest was linked, so
   * for that run they stay protected.
   */
  settle(digests: Iterable<string>): void {
    for (const digest of digests) {
      this.pending.delete(digest);
      this.collection?.add(digest);
    }
  }

  /** True while a sweep is removing `digest`: readers must answer "unknown". */
  isDeleting(digest: string): boolean {
    return this.deleting.has(digest);
  }

  /** Starts a collection run; everything touched from now on is kept by it. */
  beginCollection(): void {
    this.collection = new Set();
    const cutoff = Date.now() - this.pendingGraceMs;
    for (const [digest, at] of this.pending) if (at < cutoff) this.pending.delete(digest);
  }

  /** Ends the collection run. */
  endCollection(): void {
    this.collection = undefined;
  }

  /** True when the running collection must not remove `digest`. Call synchronously before `markDeleting`. */
  isProtected(digest: string): boolean {
    if (this.collection?.has(digest)) return true;
    const at = this.pending.get(digest);
    return at !== undefined && at >= Date.now() - this.pendingGraceMs;
  }

  /** Marks `digest` as going away (readers see it absent) — call in the same tick as `isProtected`. */
  markDeleting(digest: string): void {
    this.deleting.add(digest);
  }

  /** The unlink finished (or failed). */
  doneDeleting(digest: string): void {
    this.deleting.delete(digest);
  }
}
