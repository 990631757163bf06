/**
 * What the registry-to-registry copy tests share: a RemoteRegistries client with logins from a temp
 * DOCKER_CONFIG (as the app builds it) and the daemon's insecure list given, and the checks every copy
 * gets — `skopeo inspect --raw` digests on both sides.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DockerCredentials } from '../../electron/credentials/docker-credentials';
import { RemoteRegistries } from '../../electron/remote/remote-registries';
import { runOk } from './registry-clients';

/** A DOCKER_CONFIG folder with these logins (`host → user:password`). */
export async function dockerConfigWith(logins: Record<string, { user: string; password: string }>) {
  const dir = await mkdtemp(join(tmpdir(), 'berth-copy-config-'));
  const auths: Record<string, { auth: string }> = {};
  for (const [host, { user, password }] of Object.entries(logins))
    auths[host] = { auth: Buffer.from(`${user}:${password}`).toString('base64') };
  await writeFile(join(dir, 'config.json'), JSON.stringify({ auths }));
  return dir;
}

/** The registry client as the app builds it, with Docker's logins from `configDir`. */
export function copyClient(
  configDir: string | undefined,
  insecureRegistries: string[] = [],
): RemoteRegistries {
  const credentials = configDir
    ? new DockerCredentials({ env: { DOCKER_CONFIG: configDir, PATH: process.env.PATH ?? '' } })
    : undefined;
  return new RemoteRegistries({
    authFor: async (host) => credentials?.authFor(host),
    daemonRegistryConfig: () =>
      Promise.resolve({ insecureRegistries, insecureRegistryCidrs: [], mirrors: [] }),
    timeoutMs: 20_000,
  });
}

/** `skopeo inspect --raw` of a reference over plain HTTP; answers the bytes' digest and the bytes. */
export async function skopeoRaw(
  reference: string,
  creds?: { user: string; password: string },
): Promise<{ digest: string; raw: string }> {
  const args = ['inspect', '--raw', '--tls-verify=false'];
  if (creds) args.push('--creds', `${creds.user}:${creds.password}`);
  const { stdout } = await runOk('skopeo', [...args, `docker://${reference}`]);
  return { digest: `sha256:${createHash('sha256').update(stdout).digest('hex')}`, raw: stdout };
}
