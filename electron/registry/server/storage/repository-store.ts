/**
 * Per-repository links: which blobs (layers, configs) and which manifests belong to a repository,
 * and the catalog of repositories. Links are empty files (see paths.ts); their existence is cached
 * because HEAD-ing blobs is the hottest request a push makes.
 */
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type DirectoryCache, isNotFound, removeQuietly, touchFile } from './atomic-file';
import { readdirQuiet } from './blob-store';
import type { StoragePaths } from './paths';
import { type Digest, DIGEST_ALGORITHMS, isValidName, tryParseDigest } from '../names';

type LinkKind = 'layer' | 'revision';

/** Layer and manifest links per repository, and the repository catalog. */
export class RepositoryStore {
  private readonly links = new Set<string>();
  private catalog: Set<string> | undefined;

  constructor(
    private readonly paths: StoragePaths,
    private readonly dirs: DirectoryCache,
  ) {}

  private linkPath(kind: LinkKind, name: string, digest: Digest): string {
    return kind === 'layer' ? this.paths.layerLink(name, digest) : this.paths.revision(name, digest);
  }

  private async has(kind: LinkKind, name: string, digest: Digest): Promise<boolean> {
    const key = `${kind}|${name}|${digest.value}`;
    if (this.links.has(key)) return true;
    try {
      await stat(this.linkPath(kind, name, digest));
      this.links.add(key);
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  private async link(kind: LinkKind, name: string, digest: Digest): Promise<void> {
    const key = `${kind}|${name}|${digest.value}`;
    if (this.links.has(key)) return;
    await touchFile(this.dirs, this.linkPath(kind, name, digest));
    this.links.add(key);
    this.catalog?.add(name);
  }

  private async unlink(kind: LinkKind, name: string, digest: Digest): Promise<void> {
    this.links.delete(`${kind}|${name}|${digest.value}`);
    await removeQuietly(this.linkPath(kind, name, digest));
  }

  private async list(kind: LinkKind, name: string): Promise<Digest[]> {
    const digests: Digest[] = [];
    for (const algorithm of Object.keys(DIGEST_ALGORITHMS)) {
      const dir =
        kind === 'layer' ? this.paths.layerLinkDir(name, algorithm) : this.paths.revisionDir(name, algorithm);
      for (const hex of await readdirQuiet(dir)) {
        const digest = tryParseDigest(`${algorithm}:${hex}`);
        if (digest) digests.push(digest);
      }
    }
    return digests;
  }

  /** True when the blob was pushed to or mounted in `name`. */
  hasLayer(name: string, digest: Digest): Promise<boolean> {
    return this.has('layer', name, digest);
  }

  /** Records that the blob belongs to `name`. */
  linkLayer(name: string, digest: Digest): Promise<void> {
    return this.link('layer', name, digest);
  }

  /** Removes the blob from `name` (the bytes stay until GC). */
  unlinkLayer(name: string, digest: Digest): Promise<void> {
    return this.unlink('layer', name, digest);
  }

  /** Blobs linked in `name`. */
  listLayers(name: string): Promise<Digest[]> {
    return this.list('layer', name);
  }

  /** True when the manifest is stored in `name`. */
  hasRevision(name: string, digest: Digest): Promise<boolean> {
    return this.has('revision', name, digest);
  }

  /** Records that the manifest is stored in `name`. */
  linkRevision(name: string, digest: Digest): Promise<void> {
    return this.link('revision', name, digest);
  }

  /** Removes the manifest from `name`. */
  unlinkRevision(name: string, digest: Digest): Promise<void> {
    return this.unlink('revision', name, digest);
  }

  /** Manifests stored in `name`. */
  listRevisions(name: string): Promise<Digest[]> {
    return this.list('revision', name);
  }

  /** Removes `name` and every link in it, and drops it from the catalog (blobs stay until GC). */
  async remove(name: string): Promise<void> {
    for (const digest of await this.listLayers(name)) await this.unlinkLayer(name, digest);
    for (const digest of await this.listRevisions(name)) await this.unlinkRevision(name, digest);
    await rm(this.paths.repository(name), { recursive: true, force: true });
    this.catalog?.delete(name);
  }

  /** True when `name` has ever had a blob or manifest pushed. */
  async exists(name: string): Promise<boolean> {
    if (this.catalog?.has(name)) return true;
    try {
      await stat(this.paths.repository(name));
      return (await readdirQuiet(this.paths.repository(name))).some(
        (entry) => entry === '_layers' || entry === '_manifests',
      );
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  /** Every repository name, sorted; walked once, then kept up to date in memory. */
  async names(): Promise<string[]> {
    if (!this.catalog) {
      const found = new Set<string>();
      await this.walk(this.paths.repositoriesRoot, [], found);
      this.catalog ??= found;
    }
    return [...this.catalog].sort();
  }

  private async walk(dir: string, parts: string[], found: Set<string>): Promise<void> {
    const entries = await readdirQuiet(dir);
    if (parts.length > 0 && entries.some((entry) => entry === '_layers' || entry === '_manifests')) {
      const name = parts.join('/');
      if (isValidName(name)) found.add(name);
    }
    await Promise.all(
      entries
        .filter((entry) => !entry.startsWith('_'))
        .map((entry) => this.walk(join(dir, entry), [...parts, entry], found)),
    );
  }
}
