// Preloaded with `node --import` by bench/sqlite.mjs: writes the process's peak resident set size
// (KB) to LLM_BENCH_RSS_FILE when it exits.
import { writeFileSync } from 'node:fs';

const out = process.env.LLM_BENCH_RSS_FILE;
if (out) process.on('exit', () => writeFileSync(out, String(process.resourceUsage().maxRSS)));
