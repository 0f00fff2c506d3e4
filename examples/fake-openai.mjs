// Starts the fake OpenAI server the tests use (test/helpers/fake-openai-server.ts, with the canned
// answers of test/helpers/example-openai.ts), so the
// example experiments run without a key or a network:
//
//   node examples/fake-openai.mjs            # prints the two variables to export, then serves
//   export OPENAI_BASE_URL=http://127.0.0.1:PORT/v1 OPENAI_API_KEY=sk-test
//   llm experiments run examples/experiments/pitch.ts
//
// Needs a clone with its dev dependencies (esbuild compiles the server). Its answers are canned:
// a pitch built from the prompt, a judge's score, a tagline; Ctrl-C stops it.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'node_modules', '.cache', 'llm-examples');
mkdirSync(outdir, { recursive: true });
const outfile = join(outdir, 'example-openai.mjs');
await build({ entryPoints: [join(root, 'test/helpers/example-openai.ts')], outfile, bundle: true, format: 'esm', platform: 'node', packages: 'external', logLevel: 'warning' });
const { FakeOpenAIServer, exampleReply } = await import(pathToFileURL(outfile).href);

// validate: false: the OpenAI schema the tests check requests against is not needed here.
const server = await FakeOpenAIServer.start({ record: false, validate: false });
server.handle(exampleReply);
console.log(`export OPENAI_BASE_URL=${server.baseUrl} OPENAI_API_KEY=sk-test`);
process.on('SIGINT', () => server.close().then(() => process.exit(0)));
