// The openai plugin against the loopback fake server (test/helpers/fake-openai-server.ts, bundled
// with esbuild for this run). Targets (issue 3):
// 1. Streaming adds no buffering: with a server that waits between chunks, the CLI's first chunk
//    is on stdout before the server has sent the last one.
// 2. Library overhead: 500 sequential requests; per-request time within 2 ms of bare
//    `undici.request` doing the same requests (same URL, headers and body, reading the whole
//    reply), interleaved in the same run; memory flat over the run (heap after GC).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { cli, loadFakeServer, median, percentile, printTable, root, scratchDir } from './lib.mjs';

export const name = 'openai';

const KEY = 'sk-bench-0000000000000000';
const REQUESTS = Number(process.env.BENCH_OPENAI_REQUESTS ?? 500);
const WARMUP = 50;
const OVERHEAD_TARGET_MS = 2;
const HEAP_TARGET_BYTES = 1024 * 1024;

function gcFunction() {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc');
}

/** Target 1: time from spawning the CLI to its first stdout data, against when the server sent each event. */
async function firstChunk(fake) {
  const server = await fake.FakeOpenAIServer.start({ validate: false });
  const userDir = scratchDir();
  const rows = [];
  try {
    for (let run = 0; run < 3; run++) {
      server.reply(fake.textReply(['first ', 'second ', 'third ', 'fourth ', 'fifth'], { delayMs: 150, slices: false }));
      const env = { ...process.env, LLM_USER_PATH: userDir, OPENAI_API_KEY: KEY, OPENAI_BASE_URL: server.baseUrl };
      delete env.NODE_OPTIONS;
      const started = performance.now();
      const child = spawn(process.execPath, [cli, '-m', '4o-mini', 'count'], { env, cwd: userDir, stdio: ['ignore', 'pipe', 'pipe'] });
      let firstAt;
      let stdout = '';
      child.stdout.on('data', (data) => {
        firstAt ??= performance.now();
        stdout += data;
      });
      const code = await new Promise((resolve) => child.on('close', resolve));
      if (code !== 0 || stdout !== 'first second third fourth fifth\n') throw new Error(`the CLI failed (exit ${code}): ${stdout}`);
      const { timeline } = server.requests.at(-1);
      const lastSent = timeline.events.at(-1);
      rows.push({ first: firstAt - started, firstEvent: timeline.events[1] - started, last: lastSent - started, ok: firstAt < lastSent });
    }
  } finally {
    await server.close();
  }
  printTable(
    ['run', 'first content event sent ms', 'first chunk on stdout ms', 'last event sent ms', 'first chunk before last event'],
    rows.map((r, i) => [i + 1, r.firstEvent.toFixed(1), r.first.toFixed(1), r.last.toFixed(1), r.ok ? 'yes' : 'NO']),
  );
  return rows.every((r) => r.ok);
}

/** Target 2: the library against bare undici.request, interleaved, plus heap growth. */
async function overhead(fake, stream) {
  const server = await fake.FakeOpenAIServer.start({ validate: false, record: false });
  server.handle(() => fake.textReply('The quick brown fox jumps over the lazy dog, twice: the quick brown fox jumps over the lazy dog.', { slices: false }));
  const { createLlm } = await import(pathToFileURL(join(root, 'dist/src/index.js')).href);
  const { Agent, request } = await import('undici');
  const userDir = scratchDir();
  const llm = await createLlm({ userDir, env: { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: server.baseUrl }, loadInstalled: false, warn: () => {} });
  const model = await llm.getModel('gpt-4o-mini');
  const gc = gcFunction();
  const agent = new Agent();
  const body = JSON.stringify({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'Say it' }],
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  });
  const headers = {
    'content-type': 'application/json',
    accept: stream ? 'text/event-stream' : 'application/json',
    'user-agent': 'llm/bench',
    authorization: `Bearer ${KEY}`,
  };
  const bare = async () => {
    const t = performance.now();
    const response = await request(`${server.baseUrl}/chat/completions`, { method: 'POST', headers, body, dispatcher: agent });
    await response.body.text();
    if (response.statusCode !== 200) throw new Error(`bare request failed: ${response.statusCode}`);
    return performance.now() - t;
  };
  let expected;
  const library = async () => {
    const t = performance.now();
    const text = await model.prompt('Say it', { stream, log: false }).text();
    const ms = performance.now() - t;
    expected ??= text;
    if (text !== expected || !text.startsWith('The quick')) throw new Error(`library request failed: ${text}`);
    return ms;
  };
  try {
    for (let i = 0; i < WARMUP; i++) {
      await bare();
      await library();
    }
    gc();
    const heapStart = process.memoryUsage().heapUsed;
    const heap = [];
    const samples = { bare: [], library: [] };
    for (let i = 0; i < REQUESTS; i++) {
      // Alternate which goes first, so neither always follows the other's garbage.
      if (i % 2 === 0) {
        samples.bare.push(await bare());
        samples.library.push(await library());
      } else {
        samples.library.push(await library());
        samples.bare.push(await bare());
      }
      if ((i + 1) % 100 === 0) {
        gc();
        heap.push(process.memoryUsage().heapUsed);
      }
    }
    const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;
    const diff = mean(samples.library) - mean(samples.bare);
    const growth = heap.at(-1) - heapStart;
    const label = stream ? 'streaming' : '--no-stream';
    printTable(
      ['client', 'mode', 'requests', 'mean ms', 'median ms', 'p90 ms'],
      Object.entries(samples).map(([client, values]) => [client === 'bare' ? 'bare undici.request' : 'llm library', label, values.length, mean(values).toFixed(3), median(values).toFixed(3), percentile(values, 90).toFixed(3)]),
    );
    console.log(`overhead per request (mean): ${diff.toFixed(3)} ms (target <= ${OVERHEAD_TARGET_MS} ms) ${diff <= OVERHEAD_TARGET_MS ? 'ok' : 'MISSED'}`);
    console.log(
      `heap after GC: ${(heapStart / 1e6).toFixed(2)} MB after warm-up; every 100 requests: ${heap.map((h) => (h / 1e6).toFixed(2)).join(', ')} MB; ` +
        `growth ${(growth / 1024).toFixed(0)} KB (target < ${HEAP_TARGET_BYTES / 1024} KB) ${growth < HEAP_TARGET_BYTES ? 'ok' : 'MISSED'}\n`,
    );
    return diff <= OVERHEAD_TARGET_MS && growth < HEAP_TARGET_BYTES;
  } finally {
    await agent.close();
    await server.close();
  }
}

export async function run() {
  const fake = await loadFakeServer();
  console.log('### first chunk on stdout before the last one is sent (CLI, server waits 150 ms between chunks)\n');
  const streaming = await firstChunk(fake);
  console.log(`\n### library overhead: ${REQUESTS} sequential requests, interleaved with bare undici.request\n`);
  const streamed = await overhead(fake, true);
  const plain = await overhead(fake, false);
  return { ok: streaming && streamed && plain };
}
