import { Flags } from 'llm-host/command';

/** `-d/--database`, as in the Python llm (with its LLM_EMBEDDINGS_DB variable). */
export const databaseFlag = Flags.string({
  char: 'd',
  summary: 'Use this SQLite file instead of embeddings.db in the user directory.',
  env: 'LLM_EMBEDDINGS_DB',
  helpValue: 'FILE',
});

/** `-m/--model`, as in the Python llm (with its LLM_EMBEDDING_MODEL variable). */
export const embeddingModelFlag = Flags.string({
  char: 'm',
  summary: 'Embedding model id or alias (default: llm embed-models default).',
  env: 'LLM_EMBEDDING_MODEL',
  helpValue: 'MODEL',
});

/** `--key`. */
export const keyFlag = Flags.string({ summary: 'API key to use, or the name of a key stored with llm keys set.', helpValue: 'KEY' });
