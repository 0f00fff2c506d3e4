import { join, resolve } from 'node:path';

/** The default embeddings database: `embeddings.db` in the user directory, as the Python llm keeps it. */
export function defaultEmbeddingsPath(userDir: string): string {
  return join(userDir, 'embeddings.db');
}

/** The database to use: `-d/--database FILE` if given, else the default. */
export function embeddingsPath(userDir: string, database: string | undefined): string {
  return database ? resolve(database) : defaultEmbeddingsPath(userDir);
}
