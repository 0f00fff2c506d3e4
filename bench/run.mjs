// Runs the benchmarks (after `npm run build`) and reports each against its target. Exits 1 if a
// target is missed. `npm run bench -- start-up` runs one benchmark by name. The last, `targets`,
// prints issue 18's table of targets (with what the experiments benchmark found, when it ran).
import * as embeddings from './embeddings.mjs';
import * as experimentReports from './experiment-reports.mjs';
import * as experiments from './experiments.mjs';
import * as openai from './openai.mjs';
import * as plugins from './plugins.mjs';
import * as sqlite from './sqlite.mjs';
import * as startup from './startup.mjs';
import * as targets from './targets.mjs';

const benchmarks = [startup, plugins, openai, sqlite, experiments, experimentReports, embeddings, targets];
const only = process.argv.slice(2);
let failed = false;
const results = {};
for (const bench of benchmarks) {
  if (only.length > 0 && !only.includes(bench.name)) continue;
  console.log(`\n## ${bench.name}\n`);
  const result = await bench.run({ results });
  results[bench.name] = result;
  if (!result.ok) failed = true;
}
console.log(failed ? '\nSome targets were missed.' : '\nAll targets met.');
process.exitCode = failed ? 1 : 0;
