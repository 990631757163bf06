/**
 * Browsing any registry (issue 20): repositories, tags, a tag's details, deleting a tag, through the
 * host's own registry client (electron/remote/) with Docker's logins. Nothing here carries a secret.
 * Long requests can be cancelled: a call that names a `requestId` is stopped by `remote.cancel`.
 */
import { z } from 'zod';
import { normalizeRegistryHost } from '../../common/reference';
import { command } from './define';
import { repositoryNameSchema, tagSchema } from './registry';

const REGISTRY_HOST_PATTERN =
  /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::[0-9]{1,5})?$/;
/** A registry host, `host[:port]`, as Berth names it (`docker.io` for Docker Hub). */
export const remoteHostSchema = z
  .string()
  .min(1)
  .max(255)
  .transform((value) => normalizeRegistryHost(value))
  .refine((value) => REGISTRY_HOST_PATTERN.test(value), 'not a registry host[:port]');
const requestIdSchema = z.string().min(1).max(64).optional();
/** A pagination cursor: the last name of the previous page (catalog, tags) or Hub's page number. */
const cursorSchema = z.string().min(1).max(512).optional();
const digestSchema = z.string().regex(/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/, 'not a digest');

export const remoteConnectionSchema = z.object({
  scheme: z.enum(['https', 'http']),
  /** Why plain HTTP is used: a loopback address, or Docker's `insecure-registries`. */
  insecure: z.enum(['loopback', 'insecure-registries']).optional(),
  auth: z.enum(['none', 'basic', 'bearer']),
  /** The user name of the login used ('' for an identity token); absent when anonymous. */
  loggedInAs: z.string().optional(),
});
export type RemoteConnection = z.infer<typeof remoteConnectionSchema>;

export const remoteRepositorySchema = z.object({
  /** The full repository name, `team/app` (`library/nginx` on Docker Hub). */
  name: z.string(),
  /** Where Docker Hub says so. */
  private: z.boolean().optional(),
  description: z.string().optional(),
  pullCount: z.number().optional(),
  lastUpdated: z.string().optional(),
});
export type RemoteRepository = z.infer<typeof remoteRepositorySchema>;

export const remoteRepositoriesSchema = z.object({
  /** `catalog`: the registry's `_catalog`; `hub`: Docker Hub's API; `none`: neither, names are typed. */
  source: z.enum(['catalog', 'hub', 'none']),
  repositories: z.array(remoteRepositorySchema),
  /** Pass as `cursor` for the next page; absent on the last page. */
  next: z.string().optional(),
  /** Docker Hub: the namespace listed, and how many repositories it has. */
  namespace: z.string().optional(),
  total: z.number().optional(),
  /** Why there is no list (no catalog, or it is not allowed), for `source: 'none'`. */
  reason: z.string().optional(),
  connection: remoteConnectionSchema.optional(),
});
export type RemoteRepositories = z.infer<typeof remoteRepositoriesSchema>;

export const rateLimitSchema = z.object({
  limit: z.number(),
  remaining: z.number(),
  windowSeconds: z.number().optional(),
});

export const tagDetailsSchema = z.object({
  repository: z.string(),
  tag: z.string(),
  digest: z.string(),
  mediaType: z.string(),
  kind: z.enum(['image', 'index']),
  /** Bytes a pull downloads (config + layers); for an index, the largest image's. */
  size: z.number().nonnegative(),
  /** One per image of an index (attestations left out), or the image's own. */
  platforms: z.array(z.object({ platform: z.string(), digest: z.string(), size: z.number().optional() })),
  /** From the image config (the first image's, for an index). */
  created: z.string().optional(),
  os: z.string().optional(),
  architecture: z.string().optional(),
  /** `docker pull <registry>/<repository>:<tag>`, exactly as it would be typed. */
  pullCommand: z.string(),
  /** Docker Hub's pull allowance, from a manifest HEAD (which does not count). */
  rateLimit: rateLimitSchema.optional(),
});
export type TagDetails = z.infer<typeof tagDetailsSchema>;

export const remoteCommands = {
  'remote.repositories': command(
    z.object({
      host: remoteHostSchema,
      cursor: cursorSchema,
      n: z.number().int().min(1).max(1000).default(100),
      /** Docker Hub: whose repositories (default: the logged-in user's). */
      namespace: z
        .string()
        .max(255)
        .regex(/^[a-z0-9]+(?:[._-][a-z0-9]+)*$/, 'A namespace is a Docker Hub user or organisation name.')
        .optional(),
      requestId: requestIdSchema,
    }),
    remoteRepositoriesSchema,
    "A page of a registry's repositories: its catalog, Docker Hub's API, or `none` (names are typed).",
  ),
  'remote.tags': command(
    z.object({
      host: remoteHostSchema,
      repository: repositoryNameSchema,
      cursor: cursorSchema,
      n: z.number().int().min(1).max(1000).default(100),
      requestId: requestIdSchema,
    }),
    z.object({ tags: z.array(z.string()), next: z.string().optional() }),
    "A page of a repository's tags.",
  ),
  'remote.tagDetails': command(
    z.object({
      host: remoteHostSchema,
      repository: repositoryNameSchema,
      tag: tagSchema,
      requestId: requestIdSchema,
    }),
    tagDetailsSchema,
    'What a tag points at: digest, media type, platforms, size, created, and the pull command.',
  ),
  'remote.deleteTag': command(
    z.object({
      host: remoteHostSchema,
      repository: repositoryNameSchema,
      tag: tagSchema,
      /** Delete the manifest by digest (every tag on it goes), only while the tag still points at it. */
      digest: digestSchema.optional(),
    }),
    z.discriminatedUnion('deleted', [
      z.object({ deleted: z.literal('tag') }),
      z.object({ deleted: z.literal('digest'), digest: z.string() }),
      /** The registry can't delete a tag alone: deleting by digest would remove every tag on it. */
      z.object({ deleted: z.literal('none'), digest: z.string(), raw: z.string().optional() }),
    ]),
    'Delete a tag: the OCI tag delete; else, when asked with its digest, the manifest by digest.',
  ),
  'remote.cancel': command(
    z.object({ requestId: z.string().min(1).max(64) }),
    z.object({ cancelled: z.boolean() }),
    'Stop waiting for a remote.* call made with this requestId (it fails with CANCELLED).',
  ),
} as const;
