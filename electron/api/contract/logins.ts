/**
 * Registry logins, shared with the Docker CLI (issue 19): they live where `docker login` keeps them
 * (Docker's config.json, or the credential helper it names), so a login made in either is seen by the
 * other. Nothing here ever carries a password or token: the renderer sends one in `logins.login` and
 * never gets one back.
 */
import { z } from 'zod';
import { normalizeRegistryHost } from '../../common/reference';
import { command, event } from './define';
import { appErrorSchema } from './errors';

/** A registry host, `host[:port]` (a scheme or path typed in front or after is dropped, as Docker does). */
const REGISTRY_HOST_PATTERN =
  /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::[0-9]{1,5})?$/;
const registryHost = z
  .string()
  .min(1)
  .max(255)
  .refine((value) => REGISTRY_HOST_PATTERN.test(normalizeRegistryHost(value)), 'not a registry host[:port]');

/** Where a login's secret is kept. */
export const loginStorageSchema = z.discriminatedUnion('kind', [
  /** A credential helper program, `docker-credential-<helper>` (a system keychain). */
  z.object({ kind: z.literal('helper'), helper: z.string() }),
  /** config.json itself: base64, not encrypted. */
  z.object({ kind: z.literal('file'), path: z.string() }),
  /** The `DOCKER_AUTH_CONFIG` environment variable: read-only. */
  z.object({ kind: z.literal('environment') }),
]);
export type LoginStorage = z.infer<typeof loginStorageSchema>;

export const loginSummarySchema = z.object({
  /** As Berth names registries: `docker.io`, `127.0.0.1:5000`, `ghcr.io`. */
  registry: z.string(),
  /** The key it is filed under: `https://index.docker.io/v1/`, `127.0.0.1:5000`, `https://ghcr.io`. */
  key: z.string(),
  /** Empty when only an identity token is kept. */
  username: z.string(),
  /** True when the secret is an identity token the registry gave, not a password. */
  identityToken: z.boolean(),
  storage: loginStorageSchema,
});
export type LoginSummary = z.infer<typeof loginSummarySchema>;

export const loginsOverviewSchema = z.object({
  /** The config.json in use (`$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`). */
  configPath: z.string(),
  /** `credsStore`: the helper that keeps every login without a `credHelpers` entry. */
  credsStore: z.string().optional(),
  /** `credHelpers`: registry → helper, for the registries that have their own. */
  credHelpers: z.array(z.object({ registry: z.string(), helper: z.string() })),
  /** True when `DOCKER_AUTH_CONFIG` is set: its logins win and Berth can't change them. */
  environmentConfig: z.boolean(),
  /** One per registry, sorted by registry. */
  logins: z.array(loginSummarySchema),
  /** What could not be read (a malformed config.json, a missing helper…); the rest still works. */
  problems: z.array(appErrorSchema),
});
export type LoginsOverview = z.infer<typeof loginsOverviewSchema>;

export const loginsCommands = {
  'logins.list': command(
    z.object({}),
    loginsOverviewSchema,
    'Every registry login Docker has, where each is kept, and what could not be read. No secrets.',
  ),
  'logins.login': command(
    z.object({
      registry: registryHost,
      username: z.string().min(1).max(255),
      /** A password or an access token. Checked, stored where Docker keeps logins, never sent back. */
      password: z.string().min(1).max(4096),
    }),
    z.object({ registry: z.string(), username: z.string(), storage: loginStorageSchema }),
    "Check a login through the daemon's /auth (fails with UNAUTHORIZED), then store it as docker login does.",
  ),
  'logins.logout': command(
    z.object({ registry: registryHost }),
    z.object({
      registry: z.string(),
      /** True when DOCKER_AUTH_CONFIG still provides a login for it (Berth can't remove that one). */
      remainsFromEnvironment: z.boolean(),
    }),
    'Remove the login for a registry under every key docker logout removes.',
  ),
} as const;

export const loginsEvents = {
  'logins.changed': event(
    loginsOverviewSchema,
    'The logins changed: in Berth, or through docker login / logout (config.json is watched).',
  ),
} as const;
