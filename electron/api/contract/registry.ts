/**
 * Commands and events of the embedded registry (issue 3). The registry runs in its own process; its
 * supervisor answers these. Repository names and tags are checked against the OCI Distribution
 * grammar here, so a malformed name is refused at the router and never reaches the registry process.
 * The shapes of repositories, stats, activity and GC results are declared here once; the protocol
 * with the registry process (`electron/registry/messages.ts`) uses them as they are.
 */
import { z } from 'zod';
import {
  NAME_MAX_LENGTH,
  REPOSITORY_NAME_PATTERN,
  TAG_MAX_LENGTH,
  TAG_PATTERN,
} from '../../common/oci-grammar';
import { command, event } from './define';
import { appErrorSchema } from './errors';

/** A repository name in the OCI Distribution grammar (common/oci-grammar.ts). */
export const repositoryNameSchema = z
  .string()
  .max(NAME_MAX_LENGTH, `A repository name is at most ${NAME_MAX_LENGTH} characters.`)
  .regex(
    REPOSITORY_NAME_PATTERN,
    'Use lowercase letters, digits and . _ - separators, with / between parts.',
  );
/** A tag in the OCI Distribution grammar. */
export const tagSchema = z
  .string()
  .regex(
    TAG_PATTERN,
    `A tag is 1–${TAG_MAX_LENGTH} letters, digits, _ . or -, and cannot start with . or -.`,
  );

export const registryStateSchema = z.enum(['stopped', 'starting', 'running', 'stopping', 'crashed']);
export type RegistryState = z.infer<typeof registryStateSchema>;

export const registryStatsSchema = z.object({
  repositories: z.number().int().nonnegative(),
  tags: z.number().int().nonnegative(),
  blobs: z.number().int().nonnegative(),
  /** Bytes used on disk by blobs. */
  diskUsed: z.number().nonnegative(),
});
export type RegistryStats = z.infer<typeof registryStatsSchema>;

export const registryStatusSchema = z.object({
  state: registryStateSchema,
  /** `http://127.0.0.1:5000`, while running. */
  url: z.string().optional(),
  /** The port it runs on, or will try next. */
  port: z.number().int().min(1).max(65535),
  /** `127.0.0.1`, or `0.0.0.0` when the user opted into the network. */
  host: z.string(),
  dataDir: z.string(),
  exposeOnNetwork: z.boolean(),
  /** ms since epoch, while running. */
  startedAt: z.number().optional(),
  stats: registryStatsSchema.optional(),
  /** Why it last failed to start or stopped unexpectedly; cleared by a successful start. */
  lastError: appErrorSchema.optional(),
  /** How many times it was restarted after a crash since the user last started it. */
  restarts: z.number().int().nonnegative(),
});
export type RegistryStatus = z.infer<typeof registryStatusSchema>;

export const repositoryTagSchema = z.object({
  tag: z.string(),
  /** Digest of the manifest the tag points at. */
  digest: z.string(),
  mediaType: z.string(),
  /** Sum of config and layer sizes (for an index: of the largest child image). */
  size: z.number().nonnegative(),
  /** `os/arch[/variant]` for each image in an index, or the single image's platform when known. */
  platforms: z.array(z.string()),
});
export type RepositoryTag = z.infer<typeof repositoryTagSchema>;

export const repositorySummarySchema = z.object({
  name: z.string(),
  tags: z.array(repositoryTagSchema),
  /**
   * Bytes of the layers linked in a repository with no tags left (after its last tag was deleted, or a
   * cancelled push): what deleting it and a clean-up may free. Absent for a repository with tags.
   */
  untaggedSize: z.number().nonnegative().optional(),
});
export type RepositorySummary = z.infer<typeof repositorySummarySchema>;

export const registryActivitySchema = z.object({
  kind: z.enum(['push', 'pull', 'blob-upload', 'blob-mount', 'delete', 'gc', 'failure']),
  repository: z.string(),
  reference: z.string().optional(),
  digest: z.string().optional(),
  bytes: z.number().nonnegative().optional(),
  /** For a failure: what went wrong, in words ("the disk is full"). */
  detail: z.string().optional(),
  /** ms since epoch. */
  at: z.number(),
});
export type RegistryActivity = z.infer<typeof registryActivitySchema>;

export const garbageCollectionResultSchema = z.object({
  dryRun: z.boolean(),
  blobsRemoved: z.number().int().nonnegative(),
  bytesFreed: z.number().nonnegative(),
  /** Digests that were (or, in a dry run, would be) removed. */
  digests: z.array(z.string()),
});
export type GarbageCollectionResult = z.infer<typeof garbageCollectionResultSchema>;

/** How many recent activity entries the host keeps for a view that mounts later. */
export const REGISTRY_ACTIVITY_LIMIT = 200;

export const registryCommands = {
  'registry.status': command(z.object({}), registryStatusSchema, 'The local registry as it is now.'),
  'registry.start': command(
    z.object({ port: z.number().int().min(1).max(65535).optional() }),
    registryStatusSchema,
    'Start the local registry (on `port`, which is then saved in the settings); answers once it serves.',
  ),
  'registry.stop': command(
    z.object({}),
    registryStatusSchema,
    'Stop the local registry; answers once it has exited.',
  ),
  'registry.setNetworkAccess': command(
    z.object({ exposeOnNetwork: z.boolean() }),
    registryStatusSchema,
    'Serve the local registry to other computers (0.0.0.0) or to this one only (127.0.0.1): saved in the settings, and a running registry restarts on the new address before this answers.',
  ),
  'registry.repositories': command(
    z.object({}),
    z.array(repositorySummarySchema),
    'Every repository in the local registry with its tags.',
  ),
  'registry.deleteTag': command(
    z.object({ repository: repositoryNameSchema, tag: tagSchema }),
    z.object({ repository: z.string(), tag: z.string(), digest: z.string().optional() }),
    'Remove a tag (answering the manifest digest it pointed at); its blobs stay until the next clean-up.',
  ),
  'registry.deleteRepository': command(
    z.object({ repository: repositoryNameSchema }),
    z.object({ repository: z.string() }),
    'Remove a repository that has no tags left (its links; the bytes go at the next clean-up). One with tags is refused.',
  ),
  'registry.gc': command(
    z.object({ dryRun: z.boolean() }),
    garbageCollectionResultSchema,
    'Garbage collection: remove blobs nothing refers to, or (dry run) report what that would free.',
  ),
  'registry.activity': command(
    z.object({}),
    z.array(registryActivitySchema).max(REGISTRY_ACTIVITY_LIMIT),
    `The last ${REGISTRY_ACTIVITY_LIMIT} pushes, pulls and deletions, oldest first.`,
  ),
} as const;

export const registryEvents = {
  'registry.status': event(
    registryStatusSchema,
    'The local registry started, stopped, crashed or restarted.',
  ),
  'registry.activity': event(registryActivitySchema, 'A push, pull, upload or deletion just happened.'),
  'registry.stats': event(registryStatsSchema, 'New repository, tag and disk-use figures.'),
} as const;
