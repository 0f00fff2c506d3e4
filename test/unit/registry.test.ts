import { PluginConflictError } from '../../src/errors.js';
import { Model, type ExecuteContext } from '../../src/models/model.js';
import type { Prompt } from '../../src/models/prompt.js';
import { ModelRegistry } from '../../src/models/registry.js';

class Fixed extends Model {
  constructor(
    readonly id: string,
    override readonly aliases: readonly string[] = [],
  ) {
    super();
  }
  async *execute(_prompt: Prompt, _context: ExecuteContext): AsyncIterable<string> {
    yield this.id;
  }
}

describe('ModelRegistry', () => {
  it('finds models by id and alias, ids first', () => {
    const registry = new ModelRegistry();
    registry.register(new Fixed('gpt-4o', ['4o']), ['omni'], 'openai');
    registry.register(new Fixed('4o-mini'), [], 'other');
    expect(registry.find('gpt-4o')?.plugin).toBe('openai');
    expect(registry.find('omni')?.model.id).toBe('gpt-4o');
    expect(registry.find('4o')?.aliases).toEqual(['4o', 'omni']);
    expect(registry.list().map((e) => e.model.id)).toEqual(['gpt-4o', '4o-mini']);
  });

  it('rejects a duplicate id, naming both plugins', () => {
    const registry = new ModelRegistry();
    registry.register(new Fixed('echo'), [], 'echo');
    expect(() => registry.register(new Fixed('echo'), [], 'llm-parrot')).toThrow(PluginConflictError);
    expect(() => registry.register(new Fixed('echo'), [], 'llm-parrot')).toThrow(
      "model id 'echo' is registered by both plugin echo and plugin llm-parrot",
    );
  });

  it('rejects an alias that another model already answers to', () => {
    const registry = new ModelRegistry();
    registry.register(new Fixed('gpt-4o', ['4o']), [], 'openai');
    expect(() => registry.register(new Fixed('four'), ['4o'], 'llm-four')).toThrow(/alias '4o' is registered by both plugin openai and plugin llm-four/);
  });

  it('rejects something that is not a model', () => {
    const registry = new ModelRegistry();
    expect(() => registry.register({ id: 'x' } as unknown as Model, [], 'bad')).toThrow(/plugin bad registered something that is not a model/);
    const lookalike = { id: 'x', execute: async function* () {} } as unknown as Model;
    expect(() => registry.register(lookalike, [], 'bad')).toThrow("plugin bad registered something that is not a model: extend Model from 'llm-host' and give it an id");
  });

  it('suggests close names for a typo', () => {
    const registry = new ModelRegistry();
    registry.register(new Fixed('gpt-4o', ['4o']), [], 'openai');
    registry.register(new Fixed('gpt-4o-mini', ['4o-mini']), [], 'openai');
    registry.register(new Fixed('echo'), [], 'echo');
    expect(registry.suggest('gtp-4o')).toContain('gpt-4o');
    expect(registry.suggest('ecoh')).toEqual(['echo']);
    expect(registry.suggest('completely-different')).toEqual([]);
  });
});
