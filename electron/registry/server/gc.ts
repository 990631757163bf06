/**
 * Garbage collection: mark every blob reachable from the manifests stored in repositories (tags
 * point at stored manifests, so they are covered; index children, configs, layers and subjects are
 * followed), then sweep the blobs nothing marked, and drop repository links to swept blobs.
 *
 * Safe next to a running push, without stopping the registry (distribution needs read-only mode):
 * - blobs a client was recently told about or uploaded (not yet referenced by a manifest) and
 *   everything touched while the collection runs are protected by the BlobGuard (see blob-guard.ts);
 * - each removal takes the blob's commit lock and marks it "deleting" in the same tick it checks
 *   protection, so a concurrent HEAD answers "unknown" (and the client re-uploads) rather than
 *   "exists" about a blob about to vanish;
 * - as a last belt, files modified after the collection started are never removed.
 * A dry run marks and counts the same way without removing anything.
 */
import type { GarbageCollectionResult } from '../messages';
import type { ManifestStore } from './storage/manifest-store';
import type { RegistryStorage } from './storage/registry-storage';
import { isManifestMediaType } from './manifest-format';
import { tryParseDigest } from './names';

/** Marks from every repository's manifests and tags; returns the reachable digests. */
async function mark(storage: RegistryStorage): Promise<Set<string>> {
  const marked = new Set<string>();
  const queue: string[] = [];
  for (const name of await storage.repositories.names()) {
    for (const revision of await storage.repositories.listRevisions(name)) queue.push(revision.value);
    for (const { digest } of await storage.tags.entries(name)) queue.push(digest.value);
  }
  await follow(storage.manifests, queue, marked);
  return marked;
}

async function follow(manifests: ManifestStore, queue: string[], marked: Set<string>): Promise<void> {
  // The queue holds manifests only: layers can be large and are marked without being read.
  while (queue.length > 0) {
    const value = queue.pop() as string;
    if (marked.has(value)) continue;
    marked.add(value);
    const digest = tryParseDigest(value);
    const stored = digest ? await manifests.load(digest) : undefined;
    if (!stored) continue;
    const { info } = stored;
    for (const blob of [...(info.config ? [info.config] : []), ...info.layers]) marked.add(blob.digest);
    for (const child of [...info.manifests, ...(info.subject ? [info.subject] : [])]) {
      if (isManifestMediaType(child.mediaType)) {
        if (!marked.has(child.digest)) queue.push(child.digest);
      } else {
        marked.add(child.digest);
      }
    }
  }
}

/** Runs one collection at a time; concurrent callers wait for the one in progress to finish first. */
export class GarbageCollector {
  private running: Promise<unknown> = Promise.resolve();

  constructor(private readonly storage: RegistryStorage) {}

  /** Collects (or, with `dryRun`, only reports) unreferenced blobs. */
  run(dryRun: boolean): Promise<GarbageCollectionResult> {
    const next = this.running.then(
      () => this.collect(dryRun),
      () => this.collect(dryRun),
    );
    this.running = next.catch(() => undefined);
    return next;
  }

  private async collect(dryRun: boolean): Promise<GarbageCollectionResult> {
    const { storage } = this;
    const startedAt = Date.now();
    storage.guard.beginCollection();
    const result: GarbageCollectionResult = { dryRun, blobsRemoved: 0, bytesFreed: 0, digests: [] };
    try {
      const marked = await mark(storage);
      for await (const blob of storage.blobs.list()) {
        if (marked.has(blob.digest.value) || blob.modifiedMs >= startedAt) continue;
        let freed: number | undefined;
        if (dryRun) freed = storage.guard.isProtected(blob.digest.value) ? undefined : blob.size;
        else freed = await storage.blobs.remove(blob.digest);
        if (freed === undefined) continue;
        result.blobsRemoved += 1;
        result.bytesFreed += freed;
        result.digests.push(blob.digest.value);
        if (!dryRun) storage.manifests.forget(blob.digest.value);
      }
      if (!dryRun && result.digests.length > 0) await this.dropLinks(new Set(result.digests));
    } finally {
      storage.guard.endCollection();
    }
    return result;
  }

  /** Removes repository links (layers and revisions) to blobs that no longer exist. */
  private async dropLinks(removed: Set<string>): Promise<void> {
    const { repositories, blobs, guard } = this.storage;
    for (const name of await repositories.names()) {
      for (const digest of await repositories.listLayers(name)) {
        if (!removed.has(digest.value)) continue;
        // Under the blob's lock: a client may have pushed it again since it was swept.
        await guard.locks.run(digest.value, async () => {
          if ((await blobs.size(digest)) === undefined) await repositories.unlinkLayer(name, digest);
        });
      }
      for (const digest of await repositories.listRevisions(name)) {
        if (!removed.has(digest.value)) continue;
        await guard.locks.run(digest.value, async () => {
          if ((await blobs.size(digest)) === undefined) await repositories.unlinkRevision(name, digest);
        });
      }
    }
  }
}
