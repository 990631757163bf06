/**
 * The "Getting started" checklist (issue 22): the steps of a first push, each ticked by the host from
 * what it sees in Docker, the local registry and Docker's logins — whether the user did the step in
 * Berth or in a terminal. Progress is kept in the settings; the renderer can only hide or reset it.
 */
import { z } from 'zod';
import { command, event } from './define';

/** The steps, in the order a beginner takes them (shared/LEARNING-PATH.md). */
export const GUIDE_STEP_IDS = ['docker', 'registry', 'tag', 'push', 'pull', 'hubLogin', 'hubPush'] as const;
export const guideStepIdSchema = z.enum(GUIDE_STEP_IDS);
export type GuideStepId = z.infer<typeof guideStepIdSchema>;

/** When a step was first seen done, and what Berth saw (kept in the settings). */
export const guideTickSchema = z.object({
  /** ms since epoch. */
  at: z.number(),
  /** What proved it, in words: "localhost:5000/hello:1 is in the registry". */
  evidence: z.string().max(500),
});
export type GuideTick = z.infer<typeof guideTickSchema>;

/** The checklist's part of the settings file. */
export const guideSettingsSchema = z.object({
  hidden: z.boolean(),
  done: z.partialRecord(guideStepIdSchema, guideTickSchema),
  /** Names for the local registry Docker held when last looked at: a name gone since was removed. */
  localNames: z.array(z.string().max(512)).max(100),
  /** Names for the local registry seen removed from Docker (the first half of "remove and pull back"). */
  removed: z.array(z.object({ reference: z.string().max(512), at: z.number() })).max(20),
  /** Set by a reset: registry activity before it no longer counts (ms since epoch). */
  since: z.number().optional(),
});
export type GuideSettings = z.infer<typeof guideSettingsSchema>;

export const guideStepSchema = z.object({
  id: guideStepIdSchema,
  done: z.boolean(),
  tick: guideTickSchema.optional(),
  /** Said beside the step now: a done step whose condition no longer holds, or a step half done. */
  note: z.string().optional(),
});
export type GuideStep = z.infer<typeof guideStepSchema>;

export const guideProgressSchema = z.object({
  hidden: z.boolean(),
  steps: z.array(guideStepSchema),
  /** `localhost:<port>`: the local registry's name in image names. */
  localRegistry: z.string(),
  /** The Docker Hub user Docker is logged in as, if any. */
  hubUser: z.string().optional(),
  /** A local image a step's button can use (the first one with a plain name), if any. */
  sampleImage: z.string().optional(),
  /** A name for the local registry Docker holds now, for the push and pull buttons. */
  localName: z.string().optional(),
  /** The last name removed from Docker that can be pulled back. */
  removedName: z.string().optional(),
});
export type GuideProgress = z.infer<typeof guideProgressSchema>;

export const guideCommands = {
  'guide.progress': command(
    z.object({}),
    guideProgressSchema,
    'The Getting started checklist as the host assesses it now.',
  ),
  'guide.setHidden': command(
    z.object({ hidden: z.boolean() }),
    guideProgressSchema,
    'Hide the checklist or show it again (kept in the settings).',
  ),
  'guide.reset': command(
    z.object({}),
    guideProgressSchema,
    'Forget the ticks; steps whose state is still true tick again at once.',
  ),
} as const;

export const guideEvents = {
  'guide.progress': event(guideProgressSchema, 'A step ticked, or the checklist was hidden or reset.'),
  'guide.open': event(z.object({}), 'The user asked for the checklist from outside the window (Help menu).'),
} as const;
