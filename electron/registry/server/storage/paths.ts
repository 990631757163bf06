/**
 * The on-disk tree of the registry, in one place (compare distribution's registry/storage/paths.go).
 *
 *   <root>/
 *     blobs/<algorithm>/<first two hex>/<hex>       the bytes of every blob and manifest, written once:
 *                                                    streamed to uploads/ while hashed, fsynced, digest
 *                                                    verified, then renamed here. Never modified.
 *     repositories/<name>/                           <name> may contain '/' (a/b/c); its components can't
 *                                                    start with '_', so the folders below never clash.
 *       _layers/<algorithm>/<hex>                    empty file: this blob was pushed to / mounted in <name>
 *       _manifests/revisions/<algorithm>/<hex>       empty file: this manifest is stored in <name>
 *       _manifests/tags/<tag>                        the tag's manifest digest as text, replaced atomically
 *     uploads/<uuid>/                                one blob upload in progress
 *       data                                         the bytes received so far
 *       state.json                                   { name, offset, startedAt }; offset = bytes acknowledged
 *     tmp/                                           temp files for atomic writes (same file system as
 *                                                    everything above, so rename is atomic); emptied on start
 *
 * Why links are empty files named by digest: existence is one stat, listing is one readdir, and
 * writing one is idempotent. Every file under a final name is complete: it is written under tmp/ or
 * uploads/ first and renamed, so a crash (even kill -9) leaves at worst an orphan that GC or the
 * start-up sweep removes.
 */
import { join } from 'node:path';
import type { Digest } from '../names';

/** Computes every path of the layout from the data folder; the only place that knows the tree. */
export class StoragePaths {
  readonly root: string;
  readonly blobsRoot: string;
  readonly repositoriesRoot: string;
  readonly uploadsRoot: string;
  readonly tmpRoot: string;

  constructor(root: string) {
    this.root = root;
    this.blobsRoot = join(root, 'blobs');
    this.repositoriesRoot = join(root, 'repositories');
    this.uploadsRoot = join(root, 'uploads');
    this.tmpRoot = join(root, 'tmp');
  }

  /** Folder holding the blob (blobs/sha256/ab). */
  blobDir(digest: Digest): string {
    return join(this.blobsRoot, digest.algorithm, digest.hex.slice(0, 2));
  }

  /** The blob's bytes. */
  blob(digest: Digest): string {
    return join(this.blobsRoot, digest.algorithm, digest.hex.slice(0, 2), digest.hex);
  }

  /** The repository's folder. `name` must already be validated by names.ts. */
  repository(name: string): string {
    return join(this.repositoriesRoot, ...name.split('/'));
  }

  /** Folder of the repository's blob links for one algorithm. */
  layerLinkDir(name: string, algorithm: string): string {
    return join(this.repository(name), '_layers', algorithm);
  }

  /** The link saying the blob belongs to the repository. */
  layerLink(name: string, digest: Digest): string {
    return join(this.repository(name), '_layers', digest.algorithm, digest.hex);
  }

  /** Folder of the repository's manifest links for one algorithm. */
  revisionDir(name: string, algorithm: string): string {
    return join(this.repository(name), '_manifests', 'revisions', algorithm);
  }

  /** The link saying the manifest is stored in the repository. */
  revision(name: string, digest: Digest): string {
    return join(this.repository(name), '_manifests', 'revisions', digest.algorithm, digest.hex);
  }

  /** Folder of the repository's tags. */
  tagsDir(name: string): string {
    return join(this.repository(name), '_manifests', 'tags');
  }

  /** The tag file (holds the digest). `tag` must already be validated. */
  tag(name: string, tag: string): string {
    return join(this.repository(name), '_manifests', 'tags', tag);
  }

  /** One upload's folder. `uuid` must already be validated. */
  upload(uuid: string): string {
    return join(this.uploadsRoot, uuid);
  }

  /** The bytes of an upload in progress. */
  uploadData(uuid: string): string {
    return join(this.uploadsRoot, uuid, 'data');
  }

  /** The upload's state file. */
  uploadState(uuid: string): string {
    return join(this.uploadsRoot, uuid, 'state.json');
  }
}
