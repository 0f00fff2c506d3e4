// Starts the fake OpenAI server the tests use (test/helpers/fake-openai-server.ts, with the canned
// answers of test/helpers/example-openai.ts), so the
// example experiments run without a key or a network:
//
//   node examples/fake-openai.mjs            # prints the two variables to export, then serves
//   export OPENAI_BASE_URL=http://127.0.0.1:PORT/v1 OPENAI_API_KEY=sk-test
//   llm experiments run examples/experiments/pitch.ts
//
// Needs a clone with its dependencies installed (npm ci). The TypeScript helpers are compiled by
// jiti in this process, cached in the system's temp folder like the experiment files llm loads:
// nothing is written into the clone. Its answers are canned: a pitch built from the prompt, a
// judge's score, a tagline; Ctrl-C stops it.
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createJiti } from 'jiti';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const jiti = createJiti(import.meta.url, { fsCache: join(tmpdir(), 'llm-host-jiti'), moduleCache: false });
const { FakeOpenAIServer, exampleReply } = await jiti.import(join(root, 'test/helpers/example-openai.ts'));

// validate: false: the OpenAI schema the tests check requests against is not needed here.
const server = await FakeOpenAIServer.start({ record: false, validate: false });
server.handle(exampleReply);
console.log(`export OPENAI_BASE_URL=${server.baseUrl} OPENAI_API_KEY=sk-test`);
process.on('SIGINT', () => server.close().then(() => process.exit(0)));
