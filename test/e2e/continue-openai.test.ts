import { FakeOpenAIServer, textReply } from '../helpers/fake-openai-server.js';
import { runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

// Continue mode end to end: the history is rebuilt from logs.db and sent to a real HTTP server.

let dir: ReturnType<typeof tempDir>;
let server: FakeOpenAIServer;
beforeEach(async () => {
  dir = tempDir('llm-continue-');
  server = await FakeOpenAIServer.start();
});
afterEach(async () => {
  await server.close();
  dir.remove();
});

const run = (args: string[], extra: Record<string, string> = {}) =>
  runCli(args, dir.path, { env: { OPENAI_API_KEY: 'sk-test-continue', OPENAI_BASE_URL: server.baseUrl, ...extra } });

it('-c sends every earlier turn of the newest conversation, with its model and system prompt', async () => {
  server.reply(textReply('Pelicans eat fish.'), textReply('Mostly anchovies.'), textReply('About 1.5 kg a day.'));
  expect((await run(['-m', '4o', '-s', 'Be brief', 'What do pelicans eat?'])).stdout).toBe('Pelicans eat fish.\n');
  expect((await run(['-c', 'Which fish?'])).stdout).toBe('Mostly anchovies.\n');
  expect((await run(['-c', 'How much?'])).stdout).toBe('About 1.5 kg a day.\n');

  const third = server.chatBodies[2];
  expect(third.model).toBe('gpt-4o');
  expect(third.messages).toEqual([
    { role: 'system', content: 'Be brief' },
    { role: 'user', content: 'What do pelicans eat?' },
    { role: 'assistant', content: 'Pelicans eat fish.' },
    { role: 'user', content: 'Which fish?' },
    { role: 'assistant', content: 'Mostly anchovies.' },
    { role: 'user', content: 'How much?' },
  ]);
  expect(server.problems).toEqual([]);
});

it('--cid continues a given conversation, and -m switches its model', async () => {
  server.reply(textReply('One.'), textReply('Two.'), textReply('Again.'));
  await run(['-m', '4o-mini', 'first conversation']);
  const logs = JSON.parse((await run(['logs', '--json', '-n', '1'])).stdout) as { conversation_id: string }[];
  await run(['-m', '4o-mini', 'second conversation']);
  await run(['--cid', logs[0]!.conversation_id, '-m', '4.1', 'back to the first']);
  const body = server.chatBodies[2];
  expect(body.model).toBe('gpt-4.1');
  expect(body.messages.map((m: { content: string }) => m.content)).toEqual(['first conversation', 'One.', 'back to the first']);
  const unknown = await run(['--cid', '01nonexistent00000000000000', 'x']);
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toMatch(/No conversation found with id '01nonexistent00000000000000'/);
});
