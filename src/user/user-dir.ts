import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The folder name inside the platform's config directory. It is the Python llm's, so its users'
 * keys, aliases, templates and logs carry over; set LLM_USER_PATH to keep the two apart.
 */
const APP_DIR_NAME = 'io.datasette.llm';

/**
 * The user directory: `LLM_USER_PATH` if set, else `io.datasette.llm` inside the platform's config
 * directory (XDG_CONFIG_HOME or ~/.config on Linux, ~/Library/Application Support on macOS,
 * %APPDATA% on Windows).
 */
export function resolveUserDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  if (env.LLM_USER_PATH) return env.LLM_USER_PATH;
  const home = env.HOME || homedir();
  switch (process.platform) {
    case 'darwin':
      return join(home, 'Library', 'Application Support', APP_DIR_NAME);
    case 'win32':
      return join(env.APPDATA || join(home, 'AppData', 'Roaming'), APP_DIR_NAME);
    default:
      return join(env.XDG_CONFIG_HOME || join(home, '.config'), APP_DIR_NAME);
  }
}
