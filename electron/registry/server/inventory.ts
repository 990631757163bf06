/**
 * What the app shows about the registry: repositories with their tags (digest, size, platforms),
 * totals for the stats line, and "delete tag" as the UI means it (the image goes when its last tag
 * goes, so the next clean-up frees its space).
 */
import { registryError } from './errors';
import { type ManifestInfo, platformString } from './manifest-format';
import type { RegistryStats, RepositorySummary, RepositoryTag } from '../messages';
import { type Digest, isValidName, isValidTag, tryParseDigest } from './names';
import type { RegistryStorage } from './storage/registry-storage';

/** Repositories, tags and the facts about each tagged image the UI lists. */
export class Inventory {
  private readonly platformsOfConfig = new Map<string, string | undefined>();

  constructor(private readonly storage: RegistryStorage) {}

  /** Every repository with its tags. */
  async repositories(): Promise<RepositorySummary[]> {
    const result: RepositorySummary[] = [];
    for (const name of await this.storage.repositories.names()) {
      const tags: RepositoryTag[] = [];
      for (const { tag, digest } of await this.storage.tags.entries(name)) {
        const stored = await this.storage.manifests.load(digest);
        if (!stored) continue;
        const { size, platforms } = await this.describe(stored.info);
        tags.push({ tag, digest: digest.value, mediaType: stored.info.mediaType, size, platforms });
      }
      // A repository with no tags left still holds layers: list it with their size, so it can go.
      if (tags.length === 0) result.push({ name, tags, untaggedSize: await this.linkedBytes(name) });
      else result.push({ name, tags });
    }
    return result;
  }

  /** Bytes of the blobs linked in `name` (each counted once). */
  private async linkedBytes(name: string): Promise<number> {
    let bytes = 0;
    for (const digest of await this.storage.repositories.listLayers(name))
      bytes += (await this.storage.blobs.size(digest)) ?? 0;
    return bytes;
  }

  /** Removes a repository with no tags left (its links; blobs go at the next GC). One with tags is refused. */
  async deleteUntaggedRepository(name: string): Promise<void> {
    if (!isValidName(name)) throw registryError('NAME_INVALID', `${name} is not a valid repository name`);
    if (!(await this.storage.repositories.exists(name)))
      throw registryError('NAME_UNKNOWN', `There is no repository ${name}.`, { detail: { name } });
    if ((await this.storage.tags.list(name)).length > 0)
      throw registryError('NAME_INVALID', `${name} still has tags: delete them first.`, { detail: { name } });
    await this.storage.repositories.remove(name);
  }

  /** Counts for the stats message. */
  async stats(): Promise<RegistryStats> {
    const names = await this.storage.repositories.names();
    let tags = 0;
    for (const name of names) tags += (await this.storage.tags.list(name)).length;
    const totals = await this.storage.blobs.getTotals();
    return { repositories: names.length, tags, blobs: totals.blobs, diskUsed: totals.bytes };
  }

  /**
   * Deletes a tag; when nothing else in the repository uses its manifest (another tag, or an index
   * still stored there that lists it), the manifest leaves the repository, and so do the children of
   * an index that nothing else uses. A platform image a remaining index lists stays pullable.
   */
  async deleteTag(name: string, tag: string): Promise<{ digest: string }> {
    if (!isValidName(name) || !isValidTag(tag))
      throw registryError('NAME_INVALID', `${name}:${tag} is not a valid repository and tag`);
    if (!(await this.storage.repositories.exists(name)))
      throw registryError('NAME_UNKNOWN', `There is no repository ${name}.`, { detail: { name } });
    const digest = await this.storage.tags.get(name, tag);
    if (!digest || !(await this.storage.tags.delete(name, tag)))
      throw registryError('MANIFEST_UNKNOWN', `There is no tag ${tag} in ${name}.`, {
        detail: { name, tag },
      });
    const inUse = await this.manifestsInUse(name, digest);
    if (inUse.has(digest.value)) return { digest: digest.value };
    const stored = await this.storage.manifests.load(digest);
    await this.storage.repositories.unlinkRevision(name, digest);
    for (const child of stored?.info.kind === 'index' ? stored.info.manifests : []) {
      const childDigest = tryParseDigest(child.digest);
      if (childDigest && !inUse.has(childDigest.value))
        await this.storage.repositories.unlinkRevision(name, childDigest);
    }
    return { digest: digest.value };
  }

  /**
   * Manifests of `name` something else relies on once `leaving` goes: the ones its tags name, and the
   * children of every other manifest still stored in the repository.
   */
  private async manifestsInUse(name: string, leaving: Digest): Promise<Set<string>> {
    const inUse = new Set((await this.storage.tags.entries(name)).map((entry) => entry.digest.value));
    for (const revision of await this.storage.repositories.listRevisions(name)) {
      if (revision.value === leaving.value) continue;
      const other = await this.storage.manifests.load(revision);
      for (const child of other?.info.manifests ?? []) inUse.add(child.digest);
    }
    return inUse;
  }

  private async describe(info: ManifestInfo): Promise<{ size: number; platforms: string[] }> {
    if (info.kind === 'image') {
      const platform = info.config ? await this.configPlatform(info.config.digest) : undefined;
      return { size: imageSize(info), platforms: platform ? [platform] : [] };
    }
    let size = 0;
    const platforms: string[] = [];
    for (const child of info.manifests) {
      const platform = platformString(child.platform);
      // Attestation manifests carry unknown/unknown; they aren't platforms a user picks.
      if (platform && platform !== 'unknown/unknown') platforms.push(platform);
      const digest = tryParseDigest(child.digest);
      const stored = digest ? await this.storage.manifests.load(digest) : undefined;
      if (stored?.info.kind === 'image') size = Math.max(size, imageSize(stored.info));
    }
    return { size, platforms };
  }

  private async configPlatform(digestText: string): Promise<string | undefined> {
    if (this.platformsOfConfig.has(digestText)) return this.platformsOfConfig.get(digestText);
    const digest = tryParseDigest(digestText);
    let platform: string | undefined;
    const size = digest ? await this.storage.blobs.size(digest) : undefined;
    // Image configs are small JSON; don't read anything large that happens to be a config.
    if (digest && size !== undefined && size < 1024 * 1024) {
      try {
        const config = JSON.parse((await readConfig(this.storage, digest)) ?? 'null') as {
          os?: string;
          architecture?: string;
          variant?: string;
        } | null;
        platform = platformString(config ?? undefined);
      } catch {
        platform = undefined;
      }
    }
    this.platformsOfConfig.set(digestText, platform);
    return platform;
  }
}

async function readConfig(storage: RegistryStorage, digest: Digest): Promise<string | undefined> {
  return (await storage.blobs.read(digest))?.toString('utf8');
}

function imageSize(info: ManifestInfo): number {
  return (info.config?.size ?? 0) + info.layers.reduce((sum, layer) => sum + layer.size, 0);
}
