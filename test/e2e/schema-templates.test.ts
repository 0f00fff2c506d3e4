import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { FakeOpenAIServer, textReply } from '../helpers/fake-openai-server.js';
import { runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

// Where two features meet: --schema (the openai work) and templates (-t, --save).

let dir: ReturnType<typeof tempDir>;
let server: FakeOpenAIServer;
beforeEach(async () => {
  dir = tempDir('llm-schema-templates-');
  server = await FakeOpenAIServer.start();
});
afterEach(async () => {
  await server.close();
  dir.remove();
});

const env = () => ({ OPENAI_API_KEY: 'sk-test-schema', OPENAI_BASE_URL: server.baseUrl });
const dog = { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' } }, required: ['name', 'age'] };

it('--save stores a --schema (in its concise form, expanded) as the template’s schema_object', async () => {
  const saved = await runCli(['-m', '4o-mini', '--schema', 'name, age int', '--save', 'dogs', 'Invent a dog'], dir.path, { env: env() });
  expect(saved).toMatchObject({ code: 0, stderr: '' });
  const yaml = readFileSync(join(dir.path, 'templates', 'dogs.yaml'), 'utf8');
  expect(yaml).toMatch(/schema_object:/);
  expect(yaml).toMatch(/age:\s*\n\s+type: integer/);
  expect(server.requests).toHaveLength(0);
});

it('a template’s schema_object reaches the model as response_format, and the reply is checked', async () => {
  mkdirSync(join(dir.path, 'templates'));
  writeFileSync(join(dir.path, 'templates', 'dog.yaml'), `model: gpt-4o-mini\nprompt: Invent a dog called $input\nschema_object: ${JSON.stringify(dog)}\n`);
  server.reply(textReply('{"name": "Rex", "age": 3}'));
  const ok = await runCli(['-t', 'dog', 'Rex'], dir.path, { env: env() });
  expect(ok).toMatchObject({ code: 0, stdout: '{"name": "Rex", "age": 3}\n', stderr: '' });
  const body = server.chatBodies[0];
  expect(body.response_format).toMatchObject({ type: 'json_schema', json_schema: { schema: dog } });
  expect(body.messages.at(-1)).toEqual({ role: 'user', content: 'Invent a dog called Rex' });

  server.reply(textReply('{"name": "Rex", "age": "three"}'));
  const bad = await runCli(['-t', 'dog', 'Rex'], dir.path, { env: env() });
  expect(bad.code).toBe(1);
  expect(bad.stderr).toMatch(/does not match the schema: \/age must be integer \(got "three"\)/);

  // --schema wins over the template's schema_object.
  server.reply(textReply('{"score": 1}'));
  await runCli(['-t', 'dog', '--schema', 'score int', 'Rex'], dir.path, { env: env() });
  expect(server.chatBodies[2].response_format.json_schema.schema.properties).toEqual({ score: { type: 'integer' } });
  expect(server.problems).toEqual([]);
});
