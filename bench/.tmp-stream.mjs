import { spawn } from 'node:child_process';
import { loadFakeServer, median } from './lib.mjs';
const fake = await loadFakeServer();
const server = await fake.FakeOpenAIServer.start({ validate: false });
const env = { ...process.env, OPENAI_API_KEY: 'sk-bench-0000000000000000', OPENAI_BASE_URL: server.baseUrl };
const dirs = process.argv.slice(2);
const res = Object.fromEntries(dirs.map((d) => [d, []]));
for (let run = 0; run < 9; run++) for (const d of dirs) {
  server.reply(fake.textReply(['one ', 'two ', 'three ', 'four ', 'five'], { delayMs: 40, slices: false }));
  const child = spawn(process.execPath, [`${d}/bin/run.js`, '-m', 'gpt-4o-mini', 'count'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let lastAt; child.stdout.on('data', () => { lastAt = performance.now(); });
  const exitedAt = await new Promise((r) => child.on('exit', () => r(performance.now())));
  res[d].push(exitedAt - lastAt);
}
for (const d of dirs) console.log(d, 'exit after last chunk median', median(res[d]).toFixed(1), 'ms', res[d].map((x) => x.toFixed(0)).join(' '));
await server.close();
