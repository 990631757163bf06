/**
 * A daemon.json in a temp folder, a private dockerd that reads it (with any extra flags), and the
 * daemon.json service over both, as the integration tests use them.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Elevator } from '../../electron/daemon-config/elevator';
import { DaemonConfigService, systemLocateEnvironment } from '../../electron/daemon-config/service';
import { startPrivateDockerd, type PrivateDockerd } from './private-dockerd';

/** The file is writable here: a prompt would be a bug. */
export const noElevation: Elevator = {
  copyIntoPlace: () => Promise.reject(new Error('the file is writable here; no elevation expected')),
};

export interface DaemonConfigSetup {
  folder: string;
  configFile: string;
  dockerd: PrivateDockerd;
  service: DaemonConfigService;
  /** Stops the daemon and removes the folder. */
  stop(): Promise<void>;
}

export async function startDaemonConfigSetup(
  original: string,
  prefix: string,
  flags: string[] = [],
): Promise<DaemonConfigSetup> {
  const folder = await mkdtemp(prefix);
  const configFile = join(folder, 'daemon.json');
  await writeFile(configFile, original);
  const dockerd = await startPrivateDockerd(configFile, flags).catch(async (error: unknown) => {
    await rm(folder, { recursive: true, force: true });
    throw error;
  });
  const service = new DaemonConfigService({
    docker: dockerd.docker,
    settings: { daemonConfigPath: () => null },
    elevator: noElevation,
    environment: systemLocateEnvironment(),
  });
  return {
    folder,
    configFile,
    dockerd,
    service,
    async stop() {
      await dockerd.stop();
      await rm(folder, { recursive: true, force: true });
    },
  };
}
