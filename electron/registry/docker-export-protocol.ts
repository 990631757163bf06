/**
 * What the host and the registry say to each other over `POST /_berth/docker-export`, the fast local
 * push's direct path (server/http/docker-export-handler.ts has the why and the rules).
 */

/** The path of the endpoint (outside /v2: it is Berth's, not the Distribution API). */
export const DOCKER_EXPORT_PATH = '/_berth/docker-export';

/** What the host asks for. */
export interface DockerExportRequest {
  /** The daemon's socket (a Unix socket, or a named pipe on Windows). */
  socketPath: string;
  /** The export's request path, API version prefix included (`/v1.41/images/<name>/get`). */
  path: string;
  /** The repository the upload sessions are opened in. */
  repository: string;
  /** The image's diff IDs, base first (to tell a classic export's layers by their place). */
  diffIds: string[];
  /** Diff IDs the host holds already (it links them): those layers are read past, not written. */
  skip: string[];
}

/**
 * One line of the answer, in export order: a small entry whole (`file`, base64), a link, a big
 * layer or blob being written (`begin`, `progress` as its bytes pass, then `blob` when its sha256
 * is one the host listed — a diff ID of the image, or the digest an OCI layout names it by — so the
 * registry stored it at once, or else `session`: an upload session holds the bytes, the host finishes
 * or cancels it), a layer read past (`skipped`), then
 * `end` or `error` (`where` says whose failure it is: the export's, or the registry's storage).
 */
export type DockerExportEvent =
  | { t: 'file'; name: string; data: string }
  | { t: 'link'; name: string; linkname: string }
  | { t: 'begin'; name: string; size: number }
  | { t: 'progress'; name: string; bytes: number }
  | { t: 'session'; name: string; size: number; location: string }
  | { t: 'blob'; name: string; size: number; digest: string }
  | { t: 'skipped'; name: string; size: number }
  | { t: 'end' }
  | {
      t: 'error';
      where: 'export' | 'registry';
      message: string;
      code?: string;
      statusCode?: number;
      json?: unknown;
    };

/** A classic export's layer entry (`<v1 id>/layer.tar`): its v1 id, else undefined. */
export function classicLayerId(name: string): string | undefined {
  return /^([a-f0-9]{64})\/layer\.tar$/.exec(name)?.[1];
}

/** A classic export's v1 json entry (`<v1 id>/json`): its v1 id, else undefined. */
export function classicJsonId(name: string): string | undefined {
  return /^([a-f0-9]{64})\/json$/.exec(name)?.[1];
}

/** An OCI layout's blob entry (`blobs/sha256/<hex>`): its hex, else undefined. */
export function layoutBlobHex(name: string): string | undefined {
  return /^blobs\/sha256\/([a-f0-9]{64})$/.exec(name)?.[1];
}

/**
 * A classic layer's place in the image (0 = base) once its whole v1 chain has come by (`parents`:
 * each `<id>/json`'s parent, null for the base), else undefined; `layers` bounds the walk. The host
 * and the registry must agree on it: the registry reads past the layers the host says it holds.
 */
export function v1Depth(parents: Map<string, string | null>, id: string, layers: number): number | undefined {
  let depth = 0;
  let current = parents.get(id);
  if (current === undefined) return undefined;
  while (current !== null) {
    depth += 1;
    current = parents.get(current);
    if (current === undefined || depth > layers) return undefined;
  }
  return depth;
}
