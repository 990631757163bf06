/** Commands and events about the app itself, its settings and the Docker connection. */
import { z } from 'zod';
import { command, event } from './define';
import { guideSettingsSchema } from './guide';

export const settingsSchema = z.object({
  registry: z.object({
    port: z.number().int().min(1).max(65535),
    /** null: `<userData>/registry`. */
    dataDir: z.string().min(1).max(4096).nullable(),
    /** 127.0.0.1 unless the user opts into the network. */
    exposeOnNetwork: z.boolean(),
    /** "Start with Berth": start the local registry when the app starts. */
    autoStart: z.boolean(),
    /** True once autoStart was set (by the user, or by their first start): Berth stops choosing it. */
    autoStartChosen: z.boolean().optional(),
  }),
  registries: z
    .array(
      z.object({
        host: z.string().min(1).max(255),
        name: z.string().min(1).max(100),
        /** Repository names the user typed, for a registry that offers no list of its own (issue 20). */
        repositories: z.array(z.string().min(1).max(255)).max(1000).optional(),
      }),
    )
    .max(100),
  /** The user's override for the daemon.json path; null: detect. */
  daemonConfigPath: z.string().min(1).max(4096).nullable(),
  /** Pushes to Berth's own registry (issue 23). */
  localPush: z.object({
    /** Push to the local registry with `docker push`, as the CLI does, instead of Berth's fast path. */
    throughDocker: z.boolean(),
    /** How the fast path stores layers: 'none' (fastest, for this machine) or 'gzip' (parallel, level 1). */
    layerCompression: z.enum(['none', 'gzip']),
  }),
  /** The Getting started checklist (issue 22): changed only through the guide.* commands. */
  guide: guideSettingsSchema.optional(),
});
export type Settings = z.infer<typeof settingsSchema>;

/**
 * What the renderer may change. Not the two paths (the registry's folder, daemon.json's place): the
 * app reads and writes files there, and with elevation for daemon.json, so a renderer that could
 * set them could read or overwrite any file. They are set in the settings file (see the README).
 */
export const settingsPatchSchema = z
  .object({
    registry: settingsSchema.shape.registry.omit({ dataDir: true }).strict().partial().optional(),
    registries: settingsSchema.shape.registries.optional(),
    localPush: settingsSchema.shape.localPush.strict().partial().optional(),
  })
  .strict();

export const engineInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  apiVersion: z.string(),
  os: z.string(),
  osType: z.string(),
  arch: z.string(),
  /** 'containerd' when the daemon uses the containerd image store, else the graph driver name. */
  imageStore: z.string(),
  rootless: z.boolean(),
});
export type EngineInfo = z.infer<typeof engineInfoSchema>;

export const dockerStatusSchema = z.object({
  state: z.enum(['connecting', 'connected', 'disconnected']),
  /** Where Berth looks for Docker, and why (DOCKER_HOST, context "x", platform default). */
  endpoint: z.object({
    description: z.string(),
    source: z.enum(['env', 'context', 'default']),
    context: z.string().optional(),
  }),
  engine: engineInfoSchema.optional(),
  /** When disconnected: what went wrong, in words a beginner can act on. */
  problem: z.string().optional(),
});
export type DockerStatus = z.infer<typeof dockerStatusSchema>;

export const noticeSchema = z.object({
  level: z.enum(['info', 'success', 'warning', 'error']),
  title: z.string(),
  detail: z.string().optional(),
});
export type Notice = z.infer<typeof noticeSchema>;

export const appCommands = {
  'app.info': command(
    z.object({}),
    z.object({
      version: z.string(),
      host: z.enum(['electron', 'web']),
      platform: z.string(),
      userDataDir: z.string(),
      notices: z.array(noticeSchema),
    }),
    'Which host runs the app, and notices raised before the window existed.',
  ),
  'settings.get': command(z.object({}), settingsSchema, 'The current settings.'),
  'settings.update': command(
    settingsPatchSchema,
    settingsSchema,
    'Change some settings; answers the new whole.',
  ),
  'docker.status': command(z.object({}), dockerStatusSchema, 'The Docker connection as it is now.'),
  'docker.check': command(
    z.object({}),
    dockerStatusSchema,
    'Ask Docker again now (instead of waiting for the next retry); answers the connection then.',
  ),
} as const;

export const appEvents = {
  'docker.status': event(dockerStatusSchema, 'The Docker connection changed (connected, lost, back).'),
  'app.notice': event(noticeSchema, 'Something the user should be told.'),
  'settings.changed': event(settingsSchema, 'Settings were changed.'),
} as const;
