/**
 * The registry process in Electron: `utilityProcess.fork` (a Node child managed by Electron, without
 * needing a separate Node on the user's machine), adapted to the supervisor's RegistryChild.
 */
import { utilityProcess } from 'electron';
import {
  registryArguments,
  type RegistryChild,
  type RegistrySpawner,
} from '../registry/host/supervisor-child';

export function createUtilityProcessSpawner(
  entryPath: string,
  output: (line: string) => void,
): RegistrySpawner {
  return (launch) => {
    const child = utilityProcess.fork(entryPath, registryArguments(launch), {
      stdio: 'pipe',
      serviceName: 'Berth registry',
    });
    child.stdout?.on('data', (chunk: Buffer) => output(chunk.toString('utf8').trimEnd()));
    child.stderr?.on('data', (chunk: Buffer) => output(chunk.toString('utf8').trimEnd()));
    let exited = false;
    const exitListeners: Array<(code: number | null, signal: string | null) => void> = [];
    child.on('exit', (code) => {
      if (exited) return;
      exited = true;
      for (const listener of exitListeners) listener(code, null);
    });
    const handle: RegistryChild = {
      get pid() {
        return child.pid;
      },
      send(message) {
        if (!exited) child.postMessage(message);
      },
      on(event: 'message' | 'exit', listener: never) {
        if (event === 'message') child.on('message', listener as (message: unknown) => void);
        else exitListeners.push(listener);
      },
      kill(signal) {
        // utilityProcess.kill() sends SIGTERM; a SIGKILL goes to the pid directly.
        if (signal === 'SIGKILL' && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
        else child.kill();
      },
    };
    return handle;
  };
}
