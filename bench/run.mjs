// Runs the benchmarks (after `npm run build`) and reports each against its target. Exits 1 if a
// target is missed. `npm run bench -- start-up` runs one benchmark by name.
import * as embeddings from './embeddings.mjs';
import * as experiments from './experiments.mjs';
import * as openai from './openai.mjs';
import * as plugins from './plugins.mjs';
import * as sqlite from './sqlite.mjs';
import * as startup from './startup.mjs';

const benchmarks = [startup, plugins, openai, sqlite, experiments, embeddings];
const only = process.argv.slice(2);
let failed = false;
for (const bench of benchmarks) {
  if (only.length > 0 && !only.includes(bench.name)) continue;
  console.log(`\n## ${bench.name}\n`);
  const result = await bench.run();
  if (!result.ok) failed = true;
}
console.log(failed ? '\nSome targets were missed.' : '\nAll targets met.');
process.exitCode = failed ? 1 : 0;
