/**
 * Reading, editing, applying and verifying Docker's daemon.json. Owned by the daemon.json work (issue 5).
 *
 * The flow the UI follows: `locate` (which file, and why) → `read` → `preview` (before/after and a diff)
 * → `update` with `confirm: true` (backup, atomic write, elevation if needed) → `apply` (SIGHUP, or the
 * manual step) → `verify` (what the daemon now reports). `writeRaw` is the raw editor's save, used when
 * the file does not parse. Every write names the `baseVersion` it was based on; a file changed on disk
 * since then is refused with DAEMON_CONFIG_CHANGED so nobody's edit is lost.
 */
import { z } from 'zod';
import { command, event } from './define';

export const daemonConfigSourceSchema = z.enum([
  'override',
  'cmdline',
  'desktop',
  'rootless',
  'engine',
  'windows-engine',
]);
export type DaemonConfigSource = z.infer<typeof daemonConfigSourceSchema>;

export const daemonConfigLocationSchema = z.object({
  path: z.string(),
  /** One sentence saying why this is the file, e.g. "dockerd was started with --config-file …". */
  reason: z.string(),
  source: daemonConfigSourceSchema,
  /** True when Berth can make the daemon reload by itself (Linux, known dockerd pid, allowed to signal it). */
  canSignal: z.boolean(),
  pid: z.number().int().optional(),
  /** Something the user should know, e.g. the daemon runs on another machine, so this file may not be its file. */
  warning: z.string().optional(),
});
export type DaemonConfigLocation = z.infer<typeof daemonConfigLocationSchema>;

/** What Berth can tell about one registry host, in words a beginner can act on. */
export const hostAdviceSchema = z.object({
  host: z.string(),
  /** loopback: already allowed over HTTP; network: needs an insecure-registries entry (or TLS). */
  kind: z.enum(['loopback', 'network']),
  needsEntry: z.boolean(),
  message: z.string(),
  /** The safer path: where the registry's CA certificate would go instead. */
  certsDir: z.string().optional(),
});
export type HostAdvice = z.infer<typeof hostAdviceSchema>;

export const daemonConfigSnapshotSchema = z.object({
  location: daemonConfigLocationSchema,
  exists: z.boolean(),
  /** The file's text as it is on disk ('' when it does not exist). */
  text: z.string(),
  /** Opaque token naming this exact content; pass it back as `baseVersion` when writing. */
  version: z.string(),
  insecureRegistries: z.array(z.string()),
  registryMirrors: z.array(z.string()),
  /** 'containerd' when the daemon uses the containerd image store (hosts.toml files are written too). */
  imageStore: z.enum(['containerd', 'classic']),
});
export type DaemonConfigSnapshot = z.infer<typeof daemonConfigSnapshotSchema>;

const registryEntry = z.string().min(1).max(300);
const mirrorUrl = z.string().min(1).max(2048);

/** The edits one preview or update asks for; every list may be left out. */
/** The file as text for the raw editor, even when it does not parse (then `problem` says where and why). */
export const daemonConfigRawSchema = z.object({
  location: daemonConfigLocationSchema,
  exists: z.boolean(),
  text: z.string(),
  version: z.string(),
  problem: z.object({ line: z.number().int(), column: z.number().int(), message: z.string() }).optional(),
});
export type DaemonConfigRaw = z.infer<typeof daemonConfigRawSchema>;

export const daemonConfigChangesSchema = z.object({
  addInsecureRegistries: z.array(registryEntry).max(50).default([]),
  removeInsecureRegistries: z.array(registryEntry).max(50).default([]),
  addRegistryMirrors: z.array(mirrorUrl).max(20).default([]),
  removeRegistryMirrors: z.array(mirrorUrl).max(20).default([]),
  /** The `version` of the read the user saw. */
  baseVersion: z.string().min(1).max(200),
});
export type DaemonConfigChanges = z.output<typeof daemonConfigChangesSchema>;

export const daemonConfigPreviewSchema = z.object({
  path: z.string(),
  before: z.string(),
  after: z.string(),
  /** Unified line diff of before → after ('' when nothing changes). */
  diff: z.string(),
  changed: z.boolean(),
  baseVersion: z.string(),
  /** Per added insecure host: whether it is needed at all, and the safer alternative. */
  advice: z.array(hostAdviceSchema),
});
export type DaemonConfigPreview = z.infer<typeof daemonConfigPreviewSchema>;

export const daemonConfigWriteResultSchema = z.object({
  path: z.string(),
  /** The copy of the previous file, next to it; null when there was no file before. */
  backupPath: z.string().nullable(),
  /** The new content's version, for the next edit. */
  version: z.string(),
  /** True when the OS elevation prompt was used for the copy into place. */
  elevated: z.boolean(),
  /** containerd image store only: hosts for which hosts.toml was written or removed, and what could not be done. */
  hostsToml: z.object({
    written: z.array(z.string()),
    removed: z.array(z.string()),
    problems: z.array(z.string()),
  }),
});
export type DaemonConfigWriteResult = z.infer<typeof daemonConfigWriteResultSchema>;

export const daemonConfigApplyResultSchema = z.object({
  /** signal: Berth sent SIGHUP and the daemon reloads by itself; manual: the user must restart Docker. */
  method: z.enum(['signal', 'manual']),
  message: z.string(),
  pid: z.number().int().optional(),
  /** For manual: what to do, step by step; `command` is the one to copy when there is one. */
  steps: z.array(z.string()),
  command: z.string().optional(),
});
export type DaemonConfigApplyResult = z.infer<typeof daemonConfigApplyResultSchema>;

export const registryConfigReportSchema = z.object({
  /** Registries the daemon talks to over HTTP (IndexConfigs with Secure false). */
  insecureRegistries: z.array(z.string()),
  insecureRegistryCidrs: z.array(z.string()),
  mirrors: z.array(z.string()),
});
export type RegistryConfigReport = z.infer<typeof registryConfigReportSchema>;

export const daemonConfigVerifyResultSchema = z.object({
  /** True when the daemon reports what was expected (or nothing was asked). */
  ok: z.boolean(),
  message: z.string(),
  reported: registryConfigReportSchema,
});
export type DaemonConfigVerifyResult = z.infer<typeof daemonConfigVerifyResultSchema>;

/** One step of a save (`daemonConfig.save`), as it starts and ends. */
export const daemonConfigStepSchema = z.object({
  /** The caller's id for the save, so a window follows only its own. */
  operationId: z.string(),
  step: z.enum(['write', 'apply', 'verify']),
  state: z.enum(['running', 'done', 'failed', 'skipped']),
  /** What the step does, in words ("Adding 198.18.0.2:5000 to insecure-registries"). */
  text: z.string(),
});
export type DaemonConfigStep = z.infer<typeof daemonConfigStepSchema>;

export const daemonConfigSaveResultSchema = z.object({
  /** null when the file already said what was asked (nothing was written). */
  written: daemonConfigWriteResultSchema.nullable(),
  applied: daemonConfigApplyResultSchema,
  /** null when Docker must be restarted by hand first (apply method 'manual'), or nothing can be checked. */
  verified: daemonConfigVerifyResultSchema.nullable(),
});
export type DaemonConfigSaveResult = z.infer<typeof daemonConfigSaveResultSchema>;

export const daemonConfigCommands = {
  'daemonConfig.locate': command(
    z.object({}),
    daemonConfigLocationSchema,
    'Which daemon.json the daemon uses, and why.',
  ),
  'daemonConfig.read': command(
    z.object({}),
    daemonConfigSnapshotSchema,
    'Read daemon.json (missing = {}); invalid JSON fails with DAEMON_CONFIG_INVALID, line, column and the raw text.',
  ),
  'daemonConfig.readRaw': command(
    z.object({}),
    daemonConfigRawSchema,
    'The raw text and version for the raw editor; never fails on invalid JSON (see `problem`).',
  ),
  'daemonConfig.preview': command(
    daemonConfigChangesSchema,
    daemonConfigPreviewSchema,
    'What the file would look like after these edits, with a diff. Writes nothing.',
  ),
  'daemonConfig.update': command(
    daemonConfigChangesSchema.extend({ confirm: z.literal(true) }),
    daemonConfigWriteResultSchema,
    'Write the edits: backup, atomic replace, elevation prompt if needed. Refused if the file changed since baseVersion.',
  ),
  'daemonConfig.writeRaw': command(
    z.object({
      text: z.string().max(200_000),
      baseVersion: z.string().min(1).max(200),
      confirm: z.literal(true),
    }),
    daemonConfigWriteResultSchema,
    'Save text from the raw editor, validated as strict JSON with valid registry entries first.',
  ),
  'daemonConfig.save': command(
    daemonConfigChangesSchema.extend({
      /** The version the user saw; absent for a one-click fix, which adds to whatever the file holds now. */
      baseVersion: z.string().min(1).max(200).optional(),
      /** The raw editor's whole text, saved instead of the changes (needs baseVersion). */
      rawText: z.string().max(200_000).optional(),
      operationId: z.string().min(1).max(64),
      confirm: z.literal(true),
    }),
    daemonConfigSaveResultSchema,
    'Write the edits (nothing when the file already says so), make Docker reload, and check it took them: one command, its steps told as `daemonConfig.step` events; it finishes even if the window closes.',
  ),
  'daemonConfig.apply': command(
    z.object({}),
    daemonConfigApplyResultSchema,
    'Make the daemon reload its configuration (SIGHUP on Linux), or say how to restart it.',
  ),
  'daemonConfig.verify': command(
    z.object({
      /** A registry host[:port] or CIDR expected to be (or, with expect 'absent', no longer be) insecure. */
      host: registryEntry.optional(),
      mirror: mirrorUrl.optional(),
      expect: z.enum(['present', 'absent']).default('present'),
      /** How long to keep asking, e.g. longer while Docker Desktop restarts. */
      timeoutMs: z.number().int().min(0).max(300_000).default(5_000),
    }),
    daemonConfigVerifyResultSchema,
    'Ask the daemon what it now accepts, polling until it shows or the time is up (ok false: what it reports instead). VERIFY_FAILED when the daemon never answers.',
  ),
} as const;

export const daemonConfigEvents = {
  'daemonConfig.step': event(daemonConfigStepSchema, 'A step of a `daemonConfig.save` started or ended.'),
  'daemonConfig.changed': event(
    z.object({ path: z.string(), version: z.string(), backupPath: z.string().nullable() }),
    'Berth wrote daemon.json (from any window).',
  ),
} as const;
