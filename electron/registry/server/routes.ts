/**
 * The route table: every URL the registry answers, its methods and handlers. The first pattern
 * that matches wins, so upload routes come before blob routes. A repository name may contain '/',
 * so patterns capture it greedily up to the last fixed segment.
 */
import { deleteBlob, getBlob, headBlob } from './http/blob-handlers';
import type { Handler } from './http/context';
import { apiVersion, catalog, listTags, referrers } from './http/listing-handlers';
import { deleteManifest, getManifest, headManifest, putManifest } from './http/manifest-handlers';
import {
  cancelUpload,
  finishUploadHandler,
  patchUpload,
  startUpload,
  uploadStatus,
} from './http/upload-handlers';

/** One entry of the route table. */
export interface Route {
  pattern: RegExp;
  /** True when the first capture is a repository name (validated before the handler runs). */
  hasName: boolean;
  methods: Partial<Record<string, Handler>>;
}

/** Every route, in match order. */
export const ROUTES: Route[] = [
  { pattern: /^\/v2\/?$/, hasName: false, methods: { GET: apiVersion, HEAD: apiVersion } },
  { pattern: /^\/v2\/_catalog$/, hasName: false, methods: { GET: catalog } },
  { pattern: /^\/v2\/(.+)\/tags\/list$/, hasName: true, methods: { GET: listTags } },
  {
    pattern: /^\/v2\/(.+)\/manifests\/([^/]+)$/,
    hasName: true,
    methods: { GET: getManifest, HEAD: headManifest, PUT: putManifest, DELETE: deleteManifest },
  },
  { pattern: /^\/v2\/(.+)\/blobs\/uploads\/?$/, hasName: true, methods: { POST: startUpload } },
  {
    pattern: /^\/v2\/(.+)\/blobs\/uploads\/([^/]+)$/,
    hasName: true,
    methods: { GET: uploadStatus, PATCH: patchUpload, PUT: finishUploadHandler, DELETE: cancelUpload },
  },
  {
    pattern: /^\/v2\/(.+)\/blobs\/([^/]+)$/,
    hasName: true,
    methods: { GET: getBlob, HEAD: headBlob, DELETE: deleteBlob },
  },
  { pattern: /^\/v2\/(.+)\/referrers\/([^/]+)$/, hasName: true, methods: { GET: referrers } },
];

/** The route and its decoded captures for a path, or undefined. */
export function matchRoute(path: string): { route: Route; captures: string[] } | undefined {
  for (const route of ROUTES) {
    const match = route.pattern.exec(path);
    if (!match) continue;
    const captures = match.slice(1).map((part) => {
      try {
        return decodeURIComponent(part);
      } catch {
        return part;
      }
    });
    return { route, captures };
  }
  return undefined;
}
