// Where Tracegraph keeps its cases and settings when nobody says otherwise.
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultDataDir(): string {
  if (process.env.TRACEGRAPH_DATA_DIR) return process.env.TRACEGRAPH_DATA_DIR;
  if (process.platform === 'win32')
    return join(process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Tracegraph');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Tracegraph');
  return join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'tracegraph');
}
