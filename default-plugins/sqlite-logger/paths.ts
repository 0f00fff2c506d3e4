import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The default log: `logs.db` in the user directory, as the Python llm keeps it. */
export function defaultLogPath(userDir: string): string {
  return join(userDir, 'logs.db');
}

/** The log to use: `-d/--database FILE` if given, else the default. */
export function logPath(userDir: string, database: string | undefined): string {
  return database ? resolve(database) : defaultLogPath(userDir);
}

/** The file whose presence switches logging off (`llm logs off`), as in the Python llm. */
export function logsOffPath(userDir: string): string {
  return join(userDir, 'logs-off');
}

/** Whether prompts are logged unless `--log` forces it. */
export function isLoggingOn(userDir: string): boolean {
  return !existsSync(logsOffPath(userDir));
}
