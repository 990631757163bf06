/** Where Berth keeps its files when not in Electron; the same folder Electron's `userData` uses. */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultUserDataDir(
  env: Record<string, string | undefined> = process.env,
  platform = process.platform,
): string {
  if (env.BERTH_USER_DATA) return env.BERTH_USER_DATA;
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Berth');
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Berth');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'Berth');
}
