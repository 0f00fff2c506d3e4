import { Conversation } from '../../src/models/conversation.js';
import { createLlm, type Llm } from '../../src/host/llm.js';
import type { ConversationRequest } from '../../src/hooks.js';
import { Prompt } from '../../src/models/prompt.js';
import { Response } from '../../src/models/response.js';
import { modelFromArgv, resolvePromptTarget } from '../../src/services/continue-conversation.js';
import { ScriptedModel } from '../helpers/models.js';
import { tempDir } from '../helpers/temp-dir.js';

// The core's side of `llm -c`/`--cid`: it asks the resolveConversation hook, with no SQLite in
// sight. These plugins keep their "log" in memory.

describe('resolvePromptTarget and the resolveConversation hook', () => {
  let dir: ReturnType<typeof tempDir>;
  let llm: Llm;
  let requests: ConversationRequest[];
  let warnings: string[];
  const alpha = new ScriptedModel('alpha', ['a']);
  const beta = new ScriptedModel('beta', ['b']);

  /** A logged conversation with alpha: one finished turn. */
  async function logged(request: ConversationRequest): Promise<Conversation> {
    const model = await request.model('alpha');
    const conversation = new Conversation(model, { id: 'c1', name: 'earlier' });
    const prompt = new Prompt('earlier prompt', model, { system: 'sys' });
    conversation.responses.push(Response.restore({ id: 'r1', prompt, text: 'earlier answer', conversation }));
    return conversation;
  }

  beforeEach(async () => {
    dir = tempDir();
    requests = [];
    warnings = [];
    llm = await createLlm({
      userDir: dir.path,
      env: {},
      defaultPlugins: false,
      loadInstalled: false,
      warn: (message) => warnings.push(message),
      plugins: [
        {
          name: 'models',
          apply: (hooks) => hooks.registerModels.tap('models', (register) => (register(alpha), register(beta))),
        },
        // A tap that knows nothing answers undefined, and the next one is asked.
        { name: 'unaware', apply: (hooks) => hooks.resolveConversation.tapPromise('unaware', async () => undefined) },
        {
          name: 'memory-log',
          apply: (hooks) =>
            hooks.resolveConversation.tapPromise('memory-log', async (request) => {
              requests.push(request);
              if (request.id === 'c2') await request.model('uninstalled'); // a model no plugin registers any more
              return request.continueLast || request.id === 'c1' ? logged(request) : undefined;
            }),
        },
      ],
    });
  });
  afterEach(() => dir.remove());

  it('does not ask the hook unless asked to continue', async () => {
    expect(await resolvePromptTarget(llm, { model: 'beta' })).toEqual({ model: beta, conversation: undefined });
    expect(requests).toEqual([]);
  });

  it('continues with the logged model, or the -m one, passing -d along', async () => {
    const last = await resolvePromptTarget(llm, { continueLast: true, database: '/tmp/x.db', defaultModel: 'beta' });
    expect(last.model).toBe(alpha);
    expect(last.conversation!.id).toBe('c1');
    expect(requests[0]).toMatchObject({ continueLast: true, id: undefined, database: '/tmp/x.db' });
    const next = last.conversation!.prompt('and now?');
    expect(await next.text()).toBe('a');
    expect(alpha.calls.at(-1)!.earlierTurns).toBe(1);

    const switched = await resolvePromptTarget(llm, { conversationId: 'c1', model: 'beta' });
    expect(switched.model).toBe(beta);
    expect(switched.conversation!.responses).toHaveLength(1);
  });

  it('fails clearly on an unknown id, and on an unknown -m model (not as a plugin failure)', async () => {
    await expect(resolvePromptTarget(llm, { conversationId: 'c404' })).rejects.toThrow(
      "No conversation found with id 'c404' in the log. Run 'llm logs list' to see conversation ids.",
    );
    await expect(resolvePromptTarget(llm, { conversationId: 'c1', model: 'gamma' })).rejects.toThrow(/^Unknown model 'gamma'\./);
    await expect(resolvePromptTarget(llm, { conversationId: 'c2' })).rejects.toThrow(
      "The conversation's model 'uninstalled' is not available here. Continue it with another model: add -m MODEL (see 'llm models').",
    );
    expect((await resolvePromptTarget(llm, { conversationId: 'c1', model: 'beta' })).model).toBe(beta);
  });

  it('refuses -c together with --cid, before asking any plugin', async () => {
    await expect(resolvePromptTarget(llm, { continueLast: true, conversationId: 'c1' })).rejects.toThrow(
      '-c/--continue and --cid cannot be used together: -c continues the newest conversation, --cid the one you name. Give one of them.',
    );
    expect(requests).toEqual([]);
  });

  it('starts a new conversation, with a warning, when -c finds nothing to continue', async () => {
    const empty = await createLlm({ userDir: dir.path, env: {}, defaultPlugins: false, loadInstalled: false, warn: (m) => warnings.push(m), plugins: [
      { name: 'models', apply: (hooks) => hooks.registerModels.tap('models', (register) => register(alpha)) },
    ] });
    expect(await resolvePromptTarget(empty, { continueLast: true, defaultModel: 'alpha' })).toEqual({ model: alpha, conversation: undefined });
    expect(warnings).toEqual(['no logged conversation to continue; starting a new one']);
    await expect(resolvePromptTarget(empty, { conversationId: 'x' })).rejects.toThrow(/because no plugin reads logged conversations/);
  });

  it('counts -m only when typed: LLM_MODEL must not switch a continued conversation', () => {
    expect(modelFromArgv(['-c', 'hi'], 'from-env')).toBeUndefined();
    expect(modelFromArgv(['-m', 'x', '-c'], 'x')).toBe('x');
    expect(modelFromArgv(['--model=x'], 'x')).toBe('x');
    expect(modelFromArgv(['-mx'], 'x')).toBe('x');
    expect(modelFromArgv(['--', '-m'], 'from-env')).toBeUndefined();
  });
});
