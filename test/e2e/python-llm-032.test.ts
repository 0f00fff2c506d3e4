import { join } from 'node:path';
import type { FileEngine } from '../../default-plugins/sqlite-logger/engines/types.js';
import { runCli } from '../helpers/run-cli.js';
import { availableEngines } from '../helpers/sqlite-engines.js';
import { FIXTURE_THREAD_ID, PYTHON_LLM_032_LOGS_MD, writePythonLlm032Log } from '../helpers/python-llm-032.js';
import { tempDir } from '../helpers/temp-dir.js';

// A user of the Python llm 0.32 points LLM_USER_PATH at their directory: its logs.db, laid out and
// written by the Python llm 0.32 itself (test/fixtures/python-llm-0.32/build.py), through the CLI.

const engines = await availableEngines();
const native = engines.find((e): e is FileEngine => e.hasFts5 && e.kind === 'file');

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir('llm-032-e2e-');
  if (native) writePythonLlm032Log(native, join(dir.path, 'logs.db'));
});
afterEach(() => dir.remove());

const run = (args: string[], options: Parameters<typeof runCli>[2] = {}) => runCli(args, dir.path, options);
const maybe = native ? describe : describe.skip;

maybe('llm logs on a Python llm 0.32 log', () => {
  it('lists both generations in order, exactly as the Python llm 0.32 prints them', async () => {
    const result = await run(['logs', '-n', '0']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe(PYTHON_LLM_032_LOGS_MD);
  });

  it('-q finds words from both generations, -c and --cid show the thread, -r its last reply, -s and -u more', async () => {
    const pelican = await run(['logs', '-q', 'pelican', '--json']);
    expect(JSON.parse(pelican.stdout).map((r: { prompt: string }) => r.prompt)).toContain('Three names for a pet pelican, please');
    const umbrella = await run(['logs', '-q', 'umbrella', '--json']);
    expect(JSON.parse(umbrella.stdout)).toEqual([expect.objectContaining({ conversation_id: FIXTURE_THREAD_ID, prompt_fragments: [expect.objectContaining({ content: 'Notes: I always forget my umbrella.' })] })]);
    const current = await run(['logs', '-c', '--json']);
    expect(JSON.parse(current.stdout).map((r: { conversation_id: string }) => r.conversation_id)).toEqual(Array(4).fill(FIXTURE_THREAD_ID));
    const byId = await run(['logs', '--cid', FIXTURE_THREAD_ID]);
    expect(byId.stdout).toContain('### Tool calls\n\n- **weather**: `call_weather_1`');
    expect(byId.stdout).toContain('1. **image/png**: `<69 bytes>`');
    expect((await run(['logs', '-r'])).stdout).toBe('Pack sunglasses, light layers and, as your notes say, an umbrella.\n');
    const short = await run(['logs', '-s', '-u', '-n', '2', '-m', 'scripted']);
    expect(short.stdout).toContain('prompt_fragments:\n    - 8fff922215cbf75d1e25afdd42a2f872af1ac4bc00570b209a8fe1014b8de5eb');
    expect(short.stdout).toContain('tool_results:\n    - "weather: Sunny and 22C in Paris"');
    expect(short.stdout).toContain('usage:\n    input: 50\n    output: 15');
  });
});
