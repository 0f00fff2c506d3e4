// One response through the library with the default plugins, timing only what logging it costs:
// the logResponse hook (loading the logger and its SQLite engine, opening the log, the insert).
// Run in a fresh process per sample, as every `llm` command is. Prints {"ms": ...}.
import { createLlm } from '../dist/src/index.js';

const llm = await createLlm({ loadInstalled: false });
const model = await llm.getModel('echo');
const response = model.prompt('a benchmark prompt about pelicans');
await response.text();
const started = performance.now();
await response.done();
const ms = performance.now() - started;
process.stdout.write(JSON.stringify({ ms }));
