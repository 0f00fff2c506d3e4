import { condenseTurnPayload, condenseValue, payloadReplacements, resolveTurnPayload, type PayloadContext } from '../../../default-plugins/sqlite-logger/threads/turn-payload.js';

// A turn's own messages (Message.to_dict() form), tools and schema. The expected replacements are
// what the Python llm 0.32's own llm/logs.py `_payload_replacements` returned for the same input
// (run from the git mirror at its HEAD), in its order.
const LONG = 'SQLite stores the whole database in a single file on disk. '.repeat(2);
const QUERY = 'the quick brown fox jumps over the lazy dog, and then some more words';
const context: PayloadContext = {
  messages: [
    {
      parts: [
        { type: 'text', text: LONG },
        { type: 'text', text: 'short' },
        { type: 'tool_call', name: 'search', arguments: { query: QUERY, é: 1 }, tool_call_id: 'c1' },
        { type: 'tool_call', name: 'noop', arguments: {}, tool_call_id: 'c2' },
        { type: 'reasoning', text: 'r', provider_metadata: { openai: { encrypted: 'x'.repeat(70), summary: [{ type: 'summary_text', text: 'y'.repeat(64) }] } } },
      ],
      provider_metadata: { id: 'z'.repeat(80) },
    },
    { parts: [{ type: 'tool_result', name: 'search', output: 'o'.repeat(64), tool_call_id: 'c1' }] },
  ],
  tools: [
    ['search', 'Searches the web for pages that match a query and returns the top results'],
    ['dup', 'd'.repeat(70)],
    ['dup', 'e'.repeat(70)],
    ['short', 'tiny'],
  ],
  schema: { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' } } },
};

it('derives the replacements 0.32 derives, under the same keys and in the same order', () => {
  const summary = [{ type: 'summary_text', text: 'y'.repeat(64) }];
  const openai = { encrypted: 'x'.repeat(70), summary };
  expect([...payloadReplacements(context)]).toEqual([
    ['0.0.text', LONG],
    ['0.2.args', `{"query":"${QUERY}","\\u00e9":1}`],
    ['0.2.args2', `{"query": "${QUERY}", "\\u00e9": 1}`],
    ['0.2.argsv', { query: QUERY, é: 1 }],
    ['0.4.pm', { openai }],
    ['0.4.pm.openai', openai],
    ['0.4.pm.openai.encrypted', 'x'.repeat(70)],
    ['0.4.pm.openai.summary', summary],
    ['0.4.pm.openai.summary.0', summary[0]],
    ['0.4.pm.openai.summary.0.text', 'y'.repeat(64)],
    ['0.pm', { id: 'z'.repeat(80) }],
    ['0.pm.id', 'z'.repeat(80)],
    ['1.0.output', 'o'.repeat(64)],
    ['tool.search.description', 'Searches the web for pages that match a query and returns the top results'],
    ['schema', context.schema],
  ]);
});

it('stores the reply text as a reference, short strings verbatim, the schema echo as one reference whatever its key order (0.32 tests)', () => {
  const payload = {
    id: 'chatcmpl-1',
    content: LONG,
    note: 'short answer',
    format: { schema: { properties: { age: { type: 'integer' }, name: { type: 'string' } }, type: 'object' } },
    usage: { total_tokens: 9 },
  };
  const stored = condenseTurnPayload(payload, context)!;
  expect(stored).not.toContain('SQLite stores');
  expect(JSON.parse(stored)).toEqual({ id: 'chatcmpl-1', content: { $: '0.0.text' }, note: 'short answer', format: { schema: { $: 'schema' } }, usage: { total_tokens: 9 } });
  // Written as Python's json.dumps writes it.
  expect(stored.startsWith('{"id": "chatcmpl-1", "content": {"$": "0.0.text"}')).toBe(true);
  expect(resolveTurnPayload(stored, context)).toEqual(payload);
});

it('replaces texts inside longer strings, arguments in either JSON form, and the outermost matching container', () => {
  const payload = {
    text: `Before. ${LONG}After.`,
    calls: [{ function: { arguments: `{"query":"${QUERY}","\\u00e9":1}` } }, { input: { query: QUERY, é: 1 } }],
    metadata: { openai: { encrypted: 'x'.repeat(70), summary: [{ type: 'summary_text', text: 'y'.repeat(64) }] } },
  };
  const condensed = condenseValue(payload, payloadReplacements(context));
  expect(condensed).toEqual({
    text: { $r: ['Before. ', { $: '0.0.text' }, 'After.'] },
    calls: [{ function: { arguments: { $: '0.2.args' } } }, { input: { $: '0.2.argsv' } }],
    metadata: { $: '0.4.pm' },
  });
  expect(resolveTurnPayload(JSON.stringify(condensed), context)).toEqual(payload);
});

it('no payload, or one shaped like a marker, stores NULL; a marker the turn no longer produces resolves to null', () => {
  expect(condenseTurnPayload(undefined, context)).toBeNull();
  expect(condenseTurnPayload(null, context)).toBeNull();
  expect(condenseTurnPayload({ tricky: { $: 'not-a-marker' } }, context)).toBeNull();
  expect(condenseTurnPayload({ also: [{ $r: ['x'] }] }, context)).toBeNull();
  expect(resolveTurnPayload(JSON.stringify({ content: { $: '9.9.text' } }), context)).toBeNull();
  expect(resolveTurnPayload(null, context)).toBeNull();
  expect(resolveTurnPayload('not json', context)).toBeNull();
});
