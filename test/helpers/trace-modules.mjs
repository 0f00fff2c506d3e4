// Preloaded with `node --import` to record every module a CLI run loads: ESM through a resolve
// hook, CommonJS through require.cache at exit. Writes one URL or path per line to
// LLM_TRACE_MODULES.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';

const out = process.env.LLM_TRACE_MODULES;
if (out) {
  register('./trace-modules-hooks.mjs', import.meta.url, { data: { out } });
  const require = createRequire(import.meta.url);
  process.on('exit', () => appendFileSync(out, Object.keys(require.cache).join('\n') + '\n'));
}
