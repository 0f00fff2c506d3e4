import openaiPlugin from '../../default-plugins/openai/index.js';
import sqliteLogger from '../../default-plugins/sqlite-logger/index.js';
import tracesPlugin from '../../default-plugins/traces/index.js';
import { createLlm, type Llm } from '../../src/host/llm.js';
import type { TraceRecord } from '../../src/strategy/trace-record.js';
import { textReply, type FakeOpenAIServer, type FakeRequest, type TextReply } from './fake-openai-server.js';
import { TEST_KEY } from './openai-host.js';
import { availableEngineNames } from './sqlite-engines.js';

/**
 * A plugin host as `llm` has it for llmFunction and llmStrategy: the openai plugin pointed at a
 * fake server, the SQLite logger and the traces plugin (a real logs.db in `userDir`), plus a
 * recorder of every trace the host logs. The SQLite engine is forced (`LLM_SQLITE_ENGINE`, default:
 * the first available): under jest's VM modules, trying `node:sqlite` again after it failed to
 * import on Node 20 never settles, which picking an engine by trial does for every response.
 */
export async function strategyHost(
  server: FakeOpenAIServer,
  userDir: string,
  env: Record<string, string | undefined> = {},
): Promise<{ llm: Llm; warnings: string[]; traces: TraceRecord[] }> {
  const warnings: string[] = [];
  const traces: TraceRecord[] = [];
  const llm = await createLlm({
    userDir,
    env: {
      OPENAI_API_KEY: TEST_KEY,
      OPENAI_BASE_URL: server.baseUrl,
      LLM_OPENAI_RETRY_DELAY: '0.001',
      LLM_SQLITE_ENGINE: 'LLM_SQLITE_ENGINE' in env ? undefined : await firstEngine(),
      ...env,
    },
    defaultPlugins: false,
    loadInstalled: false,
    warn: (message) => warnings.push(message),
    plugins: [
      openaiPlugin,
      sqliteLogger,
      tracesPlugin,
      { name: 'trace-recorder', apply: (hooks) => hooks.logTrace.tap('trace-recorder', (trace) => void traces.push(trace)) },
    ],
  });
  return { llm, warnings, traces };
}

let engine: Promise<string | undefined> | undefined;

/**
 * The first SQLite engine that loads here, found once per test file (see strategyHost). A file
 * that lists the engines itself passes one in `env` instead: listing them again would hang.
 */
export function firstEngine(): Promise<string | undefined> {
  engine ??= availableEngineNames().then((names) => names[0]);
  return engine;
}

/** A reply whose text is this value as JSON. */
export function jsonReply(value: unknown): TextReply {
  return textReply(JSON.stringify(value));
}

/** The text of every message of a chat request, joined. */
export function promptText(request: FakeRequest): string {
  return ((request.body?.messages ?? []) as { content: string }[]).map((m) => m.content).join('\n');
}

/** The first user message of a chat request: the prompt an llmFunction built. */
export function firstPrompt(request: FakeRequest): string {
  return ((request.body?.messages ?? []) as { role: string; content: string }[]).find((m) => m.role === 'user')?.content ?? '';
}
