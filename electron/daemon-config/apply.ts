/**
 * Makes the daemon pick up a new daemon.json. On Linux, when we know dockerd's pid and may signal it,
 * SIGHUP is enough: dockerd reloads `insecure-registries` and `registry-mirrors` without a restart (its
 * live-reload list). Otherwise we say exactly what the user has to do; `verify` then waits for the
 * daemon to come back and checks.
 */
import type { DaemonConfigApplyResult, DaemonConfigLocation } from '../api/contract/daemon-config';

/** process.kill's shape, injectable so the decision can be tested without a daemon. */
export type Signaller = (pid: number, signal: NodeJS.Signals) => void;

/** Ask the daemon to reload, or answer the manual step for this kind of installation. */
export function applyDaemonConfig(
  location: DaemonConfigLocation,
  platform: NodeJS.Platform,
  kill: Signaller = (pid, signal) => process.kill(pid, signal),
): DaemonConfigApplyResult {
  let signalProblem: string | undefined;
  if (platform === 'linux' && location.canSignal && location.pid !== undefined) {
    try {
      kill(location.pid, 'SIGHUP');
      return {
        method: 'signal',
        pid: location.pid,
        message: `Berth asked dockerd (pid ${location.pid}) to reload daemon.json. insecure-registries and registry-mirrors take effect without a restart; running containers keep running.`,
        steps: [],
      };
    } catch (error) {
      signalProblem = `Berth could not signal dockerd (pid ${location.pid}): ${(error as Error).message}.`;
    }
  }
  const manual = manualStep(location, platform);
  return { ...manual, message: signalProblem ? `${signalProblem} ${manual.message}` : manual.message };
}

function manualStep(location: DaemonConfigLocation, platform: NodeJS.Platform): DaemonConfigApplyResult {
  if (location.source === 'desktop') {
    return {
      method: 'manual',
      message: 'Docker Desktop must restart to read the new settings.',
      steps: [
        'Open Docker Desktop.',
        'Choose Restart from the whale menu (or Troubleshoot → Restart Docker Desktop).',
        'Berth watches for Docker to come back and then checks the change.',
      ],
    };
  }
  if (location.source === 'windows-engine' || platform === 'win32') {
    return {
      method: 'manual',
      message: 'The Docker service must restart to read the new settings.',
      steps: [
        'Open PowerShell as Administrator.',
        'Run the command below.',
        'Berth watches for Docker to come back and then checks the change.',
      ],
      command: 'Restart-Service docker',
    };
  }
  if (location.source === 'rootless') {
    return {
      method: 'manual',
      message: 'Rootless Docker must reload to read the new settings.',
      steps: [
        'Run the command below in a terminal.',
        'Berth watches for Docker to come back and then checks the change.',
      ],
      command: 'systemctl --user restart docker',
    };
  }
  return {
    method: 'manual',
    message:
      'Docker must reload to read the new settings. `sudo kill -HUP $(pidof dockerd)` reloads without stopping containers; a restart also works but stops containers that are not set to restart.',
    steps: [
      'Run the command below in a terminal (it asks for your password).',
      'Berth watches for Docker to come back and then checks the change.',
    ],
    command: 'sudo systemctl restart docker',
  };
}
