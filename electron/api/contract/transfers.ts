/**
 * Push and pull (issue 4; logins are in ./logins.ts). A push or pull answers an operation id at once; its
 * progress then arrives as `transfers.progress` events, each carrying the whole snapshot of one
 * transfer, so the renderer can simply replace what it holds by id. `transfers.list` answers the same
 * snapshots, so a view that remounts (or a finished push's log) shows exactly what it showed before.
 */
import { z } from 'zod';
import { command, event } from './define';
import { appErrorSchema } from './errors';
import { repositoryNameSchema, tagSchema } from './registry';
import { remoteHostSchema } from './remote';

const imageReference = z.string().min(1).max(512);
const transferId = z.string().min(1).max(64);

/** 'copy': registry to registry, without Docker (issue 21). */
export const transferKindSchema = z.enum(['push', 'pull', 'copy']);
export type TransferKind = z.infer<typeof transferKindSchema>;

export const transferStateSchema = z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']);
export type TransferState = z.infer<typeof transferStateSchema>;

/** The states a transfer ends in: it can no longer change. */
const FINISHED_STATES: ReadonlySet<TransferState> = new Set(['succeeded', 'failed', 'cancelled']);

/** True once a transfer has ended (succeeded, failed or cancelled): the one definition of "finished". */
export function isTransferFinished(state: TransferState): boolean {
  return FINISHED_STATES.has(state);
}

/**
 * What a row's `current`/`total` count. 'bytes' for transfers; 'seconds' where the daemon reports a
 * step's elapsed time instead (Extracting under the containerd image store); 'none' when no numbers.
 */
export const progressUnitSchema = z.enum(['bytes', 'seconds', 'none']);
export type ProgressUnit = z.infer<typeof progressUnitSchema>;

/** One layer, as the daemon reports it: its short id, its latest status in the daemon's words. */
export const transferRowSchema = z.object({
  id: z.string(),
  /** The daemon's own words: "Pushing", "Layer already exists", "Mounted from library/nginx", "Cancelled"… */
  status: z.string(),
  current: z.number().nonnegative(),
  /** 0 while unknown. */
  total: z.number().nonnegative(),
  unit: progressUnitSchema,
  /** True once the layer needs no more work (pushed, exists, mounted, pulled). */
  done: z.boolean(),
});
export type TransferRow = z.infer<typeof transferRowSchema>;

/**
 * Which way a transfer went (issue 23). 'daemon': Docker's own push or pull. 'fast-local': a push to
 * Berth's own registry that exported the image from Docker and wrote it straight into the registry.
 * 'registry-to-registry': a copy, read from one registry and written to the other by Berth (issue 21).
 */
export const transferRouteSchema = z.object({
  path: z.enum(['daemon', 'fast-local', 'registry-to-registry']),
  /** How the layers are stored (fast-local): plain tars, parallel gzip, or the export's own blobs. */
  layerFormat: z.enum(['uncompressed', 'gzip', 'as-exported']).optional(),
  /** Bytes of the image's layers as stored (fast-local), once known. */
  storedBytes: z.number().nonnegative().optional(),
  /** Bytes written now; layers the registry had are not written again (fast-local), once known. */
  writtenBytes: z.number().nonnegative().optional(),
  /** Blobs a copy found in the target already, mounted there from the source repository, or streamed. */
  blobs: z
    .object({
      existing: z.number().int().nonnegative(),
      mounted: z.number().int().nonnegative(),
      copied: z.number().int().nonnegative(),
    })
    .optional(),
  /** A copy of chosen platforms wrote a new index: the target's digest differs from the source's. */
  digestChanged: z.boolean().optional(),
  /** The CLI command with the same outcome, for the user to copy (docker; skopeo for a copy). */
  command: z.string(),
});
export type TransferRoute = z.infer<typeof transferRouteSchema>;

export const transferSnapshotSchema = z.object({
  id: transferId,
  kind: transferKindSchema,
  /** The normalised reference, e.g. `127.0.0.1:5000/team/app:1.0` (a copy's target). */
  reference: z.string(),
  /** A copy's source, `ghcr.io/team/app:1.0`. */
  source: z.string().optional(),
  state: transferStateSchema,
  rows: z.array(transferRowSchema),
  /** 0…1, weighted by bytes; 1 once succeeded. */
  overall: z.number().min(0).max(1),
  bytesDone: z.number().nonnegative(),
  bytesTotal: z.number().nonnegative(),
  /** True while a layer still to move has no size yet: bytesTotal may still grow. */
  sizesPending: z.boolean().optional(),
  /** Bytes per second over the last few seconds. */
  speed: z.number().nonnegative(),
  /** null while it cannot be estimated. */
  etaSeconds: z.number().nonnegative().nullable(),
  /** `sha256:…` of the manifest, once known. */
  digest: z.string().optional(),
  /** Status lines that belong to no layer ("The push refers to repository …", "Status: …"), in order. */
  messages: z.array(z.string()),
  /** Cancel was pressed (in any window); the transfer ends as soon as the daemon lets go of it. */
  cancelRequested: z.boolean(),
  error: appErrorSchema.optional(),
  /** Which way it went and the equivalent CLI command (absent from snapshots of older hosts). */
  route: transferRouteSchema.optional(),
  /** Epoch milliseconds. */
  startedAt: z.number(),
  finishedAt: z.number().optional(),
});
export type TransferSnapshot = z.infer<typeof transferSnapshotSchema>;

const started = z.object({ id: transferId });

/** `os/arch[/variant]`, as the tag details name an index's platforms. */
const platformSchema = z
  .string()
  .min(3)
  .max(100)
  .regex(/^[a-z0-9._-]+\/[a-z0-9._-]+(?:\/[a-z0-9._-]+)?$/, 'not an os/arch[/variant] platform');

export const copyRequestSchema = z.object({
  source: z.object({
    host: remoteHostSchema,
    repository: repositoryNameSchema,
    /** A tag, or a digest (`sha256:…`). */
    reference: z.union([
      tagSchema,
      z.string().regex(/^sha256:[a-f0-9]{64}$/, 'not a tag or a sha256 digest'),
    ]),
  }),
  target: z.object({ host: remoteHostSchema, repository: repositoryNameSchema, tag: tagSchema }),
  /** Of an index, only these platforms (then a new index, with another digest); absent: all of it. */
  platforms: z.array(platformSchema).min(1).max(64).optional(),
  /** Also copy what refers to the image (signatures, SBOMs). */
  referrers: z.boolean().default(false),
});
export type CopyRequestInput = z.input<typeof copyRequestSchema>;

export const transfersCommands = {
  'transfers.push': command(
    z.object({ reference: imageReference }),
    started,
    'Push a local image to its registry; answers the transfer id at once, progress follows as events.',
  ),
  'transfers.pull': command(
    z.object({ reference: imageReference }),
    started,
    'Pull an image from its registry; answers the transfer id at once, progress follows as events.',
  ),
  'transfers.copy': command(
    copyRequestSchema,
    started,
    'Copy an image from one registry to another, registry to registry without Docker; answers the transfer id at once, progress follows as events.',
  ),
  'transfers.cancel': command(
    z.object({ id: transferId }),
    z.object({ cancelled: z.boolean() }),
    "Abort a running transfer (the daemon's request is closed); false if it had already finished.",
  ),
  'transfers.list': command(
    z.object({}),
    z.array(transferSnapshotSchema),
    'Every transfer of this session, newest first.',
  ),
  'transfers.dismiss': command(
    z.object({ id: transferId }),
    z.object({ dismissed: z.boolean() }),
    'Forget a finished transfer so it leaves the list.',
  ),
} as const;

export const transfersEvents = {
  'transfers.progress': event(
    transferSnapshotSchema,
    'The whole snapshot of one transfer; a few per second while it runs, and always its final state.',
  ),
} as const;
