/**
 * Which layers (by diff ID: the sha256 of the uncompressed tar, as an image config lists them) the
 * local registry already holds, and as which blob. Found by walking its tagged manifests and their
 * configs, whose `rootfs.diff_ids` pair up with the manifests' layers — whichever client pushed
 * them: a layer that `docker push` stored gzipped is found as well as one a fast push stored as a
 * plain tar. Manifests are immutable, so what a manifest says is remembered by its digest and each is
 * read once per session.
 */
import { MEDIA, type LocalRegistryClient } from './local-registry-client';

/** Where a layer is: its blob in the registry, and a repository that holds it. */
export interface StoredLayer {
  digest: string;
  mediaType: string;
  size: number;
  repository: string;
}

interface Descriptor {
  mediaType?: string;
  digest?: string;
  size?: number;
}

/** Walks the registry for layers by diff ID; see the file comment. */
export class LayerIndex {
  /** Manifest digest → its layers with their diff IDs (empty for an index or unreadable one). */
  private readonly byManifest = new Map<
    string,
    { diffId: string; layer: Omit<StoredLayer, 'repository'> }[]
  >();

  constructor(private readonly client: LocalRegistryClient) {}

  /**
   * The stored blob of each diff ID in `wanted` that the registry holds, preferring `repository`'s own
   * (no mount needed). Stops walking once every wanted layer has been found there.
   */
  async find(wanted: string[], repository: string, signal?: AbortSignal): Promise<Map<string, StoredLayer>> {
    const found = new Map<string, StoredLayer>();
    const want = new Set(wanted);
    if (want.size === 0) return found;
    const repositories = await this.client.repositories(signal);
    // The target repository first: its layers need no mount.
    const ordered = [repository, ...repositories.filter((name) => name !== repository)];
    for (const name of ordered) {
      if (repositories.includes(name)) await this.scanRepository(name, want, found, signal);
      if ([...want].every((diffId) => found.get(diffId)?.repository === repository)) break;
    }
    return found;
  }

  private async scanRepository(
    repository: string,
    want: Set<string>,
    found: Map<string, StoredLayer>,
    signal?: AbortSignal,
  ): Promise<void> {
    for (const tag of await this.client.tags(repository, signal)) {
      const digest = await this.client.manifestDigest(repository, tag, signal);
      if (digest === undefined) continue;
      for (const { diffId, layer } of await this.layersOf(repository, digest, signal)) {
        if (!want.has(diffId)) continue;
        const known = found.get(diffId);
        // Keep the first find, unless this one is in a better place (the target repository comes first).
        if (known === undefined) found.set(diffId, { ...layer, repository });
      }
    }
  }

  private async layersOf(
    repository: string,
    digest: string,
    signal?: AbortSignal,
    depth = 0,
  ): Promise<{ diffId: string; layer: Omit<StoredLayer, 'repository'> }[]> {
    const cached = this.byManifest.get(digest);
    if (cached) return cached;
    const result: { diffId: string; layer: Omit<StoredLayer, 'repository'> }[] = [];
    const manifest = await this.client.manifest(repository, digest, signal);
    if (manifest) {
      const parsed = parseJson(manifest.body) as {
        manifests?: Descriptor[];
        config?: Descriptor;
        layers?: Descriptor[];
      };
      const children: Descriptor[] = Array.isArray(parsed?.manifests) ? parsed.manifests : [];
      if (children.length > 0 && depth === 0) {
        for (const child of children)
          if (typeof child.digest === 'string')
            result.push(...(await this.layersOf(repository, child.digest, signal, 1)));
      } else if (typeof parsed?.config?.digest === 'string' && Array.isArray(parsed.layers)) {
        const config = await this.client.smallBlob(repository, parsed.config.digest, signal);
        const diffIds = (parseJson(config) as { rootfs?: { diff_ids?: unknown } } | undefined)?.rootfs
          ?.diff_ids;
        if (Array.isArray(diffIds) && diffIds.length === parsed.layers.length) {
          parsed.layers.forEach((layer, index) => {
            const diffId: unknown = diffIds[index];
            if (typeof diffId !== 'string' || typeof layer.digest !== 'string') return;
            result.push({
              diffId,
              layer: {
                digest: layer.digest,
                mediaType: ociLayerType(layer.mediaType),
                size: layer.size ?? 0,
              },
            });
          });
        }
      }
    }
    this.byManifest.set(digest, result);
    return result;
  }
}

/** The OCI name of a layer media type (an OCI manifest names Docker's gzip layers the OCI way). */
export function ociLayerType(mediaType: string | undefined): string {
  if (mediaType === MEDIA.dockerLayerGzip) return MEDIA.ociLayerGzip;
  return mediaType ?? MEDIA.ociLayerGzip;
}

function parseJson(body: Buffer | undefined): unknown {
  if (body === undefined) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}
