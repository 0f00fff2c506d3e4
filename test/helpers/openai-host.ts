import openaiPlugin from '../../default-plugins/openai/index.js';
import { createLlm, type Llm } from '../../src/host/llm.js';
import type { Response } from '../../src/models/response.js';
import type { FakeOpenAIServer } from './fake-openai-server.js';

/** The API key tests use; no output may ever contain it. */
export const TEST_KEY = 'sk-test-S3CRET-0123456789abcdefXYZ';

/** A plugin host with only the openai plugin, pointed at a fake server, recording what it logs. */
export async function openaiHost(
  server: FakeOpenAIServer,
  userDir: string,
  env: Record<string, string | undefined> = {},
): Promise<{ llm: Llm; warnings: string[]; logged: Response[] }> {
  const warnings: string[] = [];
  const logged: Response[] = [];
  const llm = await createLlm({
    userDir,
    env: { OPENAI_API_KEY: TEST_KEY, OPENAI_BASE_URL: server.baseUrl, LLM_OPENAI_RETRY_DELAY: '0.001', ...env },
    defaultPlugins: false,
    loadInstalled: false,
    warn: (message) => warnings.push(message),
    plugins: [
      openaiPlugin,
      {
        name: 'test-logger',
        apply(hooks) {
          hooks.logResponse.tap('test-logger', (response) => void logged.push(response));
        },
      },
    ],
  });
  return { llm, warnings, logged };
}
