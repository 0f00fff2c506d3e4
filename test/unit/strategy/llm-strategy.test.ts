import { transformSync } from 'esbuild';
import type { Llm } from '../../../src/host/llm.js';
import type { Model } from '../../../src/models/model.js';
import { ContractError } from '../../../src/strategy/contract.js';
import { withHyperparameters } from '../../../src/strategy/hyperparameters.js';
import { llm } from '../../../src/strategy/llm-decorator.js';
import { llmStrategy } from '../../../src/strategy/llm-strategy.js';
import { memberMark, type MemberContracts } from '../../../src/strategy/member.js';
import { NotImplementedError } from '../../../src/strategy/not-implemented.js';
import { FakeOpenAIServer, lastUserMessage, type FakeRequest } from '../../helpers/fake-openai-server.js';
import { firstPrompt, jsonReply, strategyHost } from '../../helpers/strategy-host.js';
import { tempDir } from '../../helpers/temp-dir.js';
import type { TraceRecord } from '../../../src/strategy/trace-record.js';

// llmStrategy on classes with data fields and unimplemented members, against the fake server.

interface Customer {
  key: string;
  firstName: string;
  lastName: string;
  birthdate: string;
  address: string;
}

const customerSchema = {
  type: 'object',
  properties: {
    key: { type: 'string' },
    firstName: { type: 'string' },
    lastName: { type: 'string' },
    birthdate: { type: 'string', description: 'YYYY-MM-DD' },
    address: { type: 'string' },
  },
  required: ['key', 'firstName', 'lastName', 'birthdate', 'address'],
  additionalProperties: false,
};

const MOCKS: Customer[] = [
  { key: 'c1', firstName: 'Ada', lastName: 'Okafor', birthdate: '1990-03-14', address: 'Lagos, Nigeria' },
  { key: 'c2', firstName: 'Mei', lastName: 'Tanaka', birthdate: '1985-11-02', address: 'Osaka, Japan' },
  { key: 'c3', firstName: 'Lars', lastName: 'Berg', birthdate: '1990-07-30', address: 'Bergen, Norway' },
];

const contracts: MemberContracts = {
  findCustomerKey: {
    description: 'The keys of the customers that best match a natural-language query, best match first.',
    input: { type: 'object', properties: { query: { type: 'string', minLength: 1 } }, required: ['query'] },
    output: { type: 'array', items: { type: 'string' } },
  },
  createMockCustomers: {
    description: 'Believable mock customers (our customers are world citizens).',
    input: { type: 'object', properties: { n: { type: 'integer', minimum: 1 } }, required: ['n'] },
    output: { type: 'array', items: customerSchema },
  },
};

/** Answers each member by the function name in its prompt. */
function answer(request: FakeRequest) {
  const prompt = lastUserMessage(request);
  const name = /You are the function `([^`]+)`/.exec(prompt)?.[1];
  const input = JSON.parse(/Input:\n(.*)\n/.exec(prompt)?.[1] ?? '{}') as { n?: number; query?: string };
  switch (name?.split('.').at(-1)) {
    case 'createMockCustomers':
      return jsonReply({ result: MOCKS.slice(0, input.n) });
    case 'findCustomerKey':
      return jsonReply({ result: input.query?.includes('1990') ? ['c1', 'c3'] : [] });
    case 'countries':
      return jsonReply({ result: ['Nigeria', 'Japan', 'Norway'] });
    case 'greeting':
      return jsonReply({ result: 'Hello, Ada!' });
    default:
      return jsonReply({ unexpected: name });
  }
}

let server: FakeOpenAIServer;
let dir: ReturnType<typeof tempDir>;
let host: Llm;
let model: Model;
let traces: TraceRecord[];
beforeEach(async () => {
  server = await FakeOpenAIServer.start();
  server.handle(answer);
  dir = tempDir();
  ({ llm: host, traces } = await strategyHost(server, dir.path));
  model = await host.getModel('gpt-4o-mini');
});
afterEach(async () => {
  expect(server.problems).toEqual([]);
  await server.close();
  dir.remove();
});

describe('llmStrategy', () => {
  it('implements instance, static and getter members of a class with data, and leaves the rest alone', async () => {
    @llmStrategy(model)
    class CustomerDatabase {
      static contracts = contracts;
      constructor(public customers: Customer[] = []) {}

      findCustomerKey(_query: string): Promise<string[]> {
        throw new NotImplementedError();
      }

      static createMockCustomers(_n: number): Promise<Customer[]> {
        throw new NotImplementedError();
      }

      @llm({ description: 'The countries the customers live in, each once.', output: { type: 'array', items: { type: 'string' } } })
      get countries(): Promise<string[]> {
        throw new NotImplementedError();
      }

      size(): number {
        return this.customers.length;
      }
    }
    const size = CustomerDatabase.prototype.size;

    const customers = await CustomerDatabase.createMockCustomers(3);
    expect(customers).toEqual(MOCKS);
    const db = new CustomerDatabase(customers);
    expect(await db.findCustomerKey('the customers born in 1990')).toEqual(['c1', 'c3']);
    expect(await db.countries).toEqual(['Nigeria', 'Japan', 'Norway']);
    expect(db.size()).toBe(3);
    expect(CustomerDatabase.prototype.size).toBe(size);

    const [create, find, countries] = server.requests.map(firstPrompt);
    expect(create).toContain('You are the function `CustomerDatabase.createMockCustomers`: Believable mock customers');
    expect(create).toContain('Input:\n{"n":3}');
    expect(create).not.toContain('(`this`)'); // a static member has no object
    expect(find).toContain('Input:\n{"query":"the customers born in 1990"}');
    expect(find).toContain(`The object the method is called on (\`this\`), as JSON:\n${JSON.stringify({ customers: MOCKS })}`);
    expect(countries).toContain('You are the function `CustomerDatabase.countries`');
    expect(countries).toContain('The object the getter is read on (`this`), as JSON:');
    expect(countries).toContain('Input:\n{}');

    expect(traces.map((t) => [t.name, t.kind])).toEqual([
      ['CustomerDatabase.createMockCustomers', 'static'],
      ['CustomerDatabase.findCustomerKey', 'method'],
      ['CustomerDatabase.countries', 'getter'],
    ]);
    expect(traces[1]).toMatchObject({ arguments: { query: 'the customers born in 1990' }, context: { customers: MOCKS }, result: ['c1', 'c3'] });
  });

  it('implements inherited members on the decorated class only, when called as a function', async () => {
    class CustomerDatabase {
      static contracts = contracts;
      customers: Customer[] = [];
      findCustomerKey(_query: string): Promise<string[]> {
        throw new NotImplementedError();
      }
      static createMockCustomers(_n: number): Promise<Customer[]> {
        throw new NotImplementedError();
      }
      load(): Promise<void> {
        throw new NotImplementedError();
      }
    }
    class MockCustomerDatabase extends CustomerDatabase {
      override async load(): Promise<void> {
        this.customers = await MockCustomerDatabase.createMockCustomers(2);
      }
    }
    const warnings: string[] = [];
    const Implemented = llmStrategy(model, { warn: (m) => warnings.push(m) })(MockCustomerDatabase);
    expect(Implemented).toBe(MockCustomerDatabase);
    expect(warnings).toEqual([]);
    const db = new MockCustomerDatabase();
    await db.load();
    expect(db.customers).toEqual(MOCKS.slice(0, 2));
    expect(await db.findCustomerKey('born in 1990')).toEqual(['c1', 'c3']);
    // The parent class is as it was.
    expect(() => new CustomerDatabase().findCustomerKey('x')).toThrow(NotImplementedError);
    expect(() => CustomerDatabase.createMockCustomers(1)).toThrow(NotImplementedError);
    expect(traces.map((t) => t.name)).toEqual(['MockCustomerDatabase.createMockCustomers', 'MockCustomerDatabase.findCustomerKey']);
  });

  it('sets hyperparameters by Class.member in scopes', async () => {
    @llmStrategy(model)
    class Greeter {
      name = 'Ada';
      @llm({ description: 'A greeting for this person.', output: { type: 'string' } })
      greeting(): Promise<string> {
        throw new NotImplementedError();
      }
    }
    server.reply(jsonReply({ result: 'Hi' }));
    await withHyperparameters({ 'Greeter.greeting': { jsonIndent: 2, template: 'Greet. {{context}}\nInput: {{input}} as `{{name}}`' } }, () => new Greeter().greeting());
    expect(firstPrompt(server.requests[0]!)).toBe('Greet. \nThe object the method is called on (`this`), as JSON:\n{\n  "name": "Ada"\n}\n\nInput: {} as `Greeter.greeting`');
  });

  it('checks arguments against the input schema before any request', async () => {
    const Db = llmStrategy(model)(
      class Db {
        static contracts: MemberContracts = { findCustomerKey: contracts.findCustomerKey! };
        findCustomerKey(_query: string): Promise<string[]> {
          throw new NotImplementedError();
        }
      },
    );
    const db = new Db();
    await expect(db.findCustomerKey('')).rejects.toThrow(new ContractError('The input of Db.findCustomerKey does not match its input schema: /query must NOT have fewer than 1 characters (got "")'));
    await expect((db.findCustomerKey as (...args: unknown[]) => Promise<string[]>)('a', 'b')).rejects.toThrow('Db.findCustomerKey takes 1 argument (query); it was given 2');
    expect(server.requests).toHaveLength(0);
  });

  it('warns about a class with nothing to implement, and about contracts that match no member', () => {
    const warnings: string[] = [];
    class Done {
      static contracts = { finish: contracts.findCustomerKey! };
      work(): number {
        return 1;
      }
    }
    llmStrategy(model, { warn: (m) => warnings.push(m) })(Done);
    expect(warnings).toEqual([
      'llmStrategy: class Done has no unimplemented members, so a model implements nothing. Declare members with @llm({ description, input, output }), or give them a body that only throws NotImplementedError and a contract.',
      "llmStrategy: Done has a contract for 'finish', but no unimplemented member of that name",
    ]);
    expect(new Done().work()).toBe(1);
  });

  it('says what is missing when a member cannot be implemented', () => {
    class NoContract {
      find(_q: string): Promise<string[]> {
        throw new NotImplementedError();
      }
    }
    expect(() => llmStrategy(model)(NoContract)).toThrow(
      "NoContract.find only throws NotImplementedError but has no contract: declare it with @llm({ description, input, output }), or add 'find' to NoContract.contracts",
    );
    class TooManyParameters {
      static contracts = contracts;
      findCustomerKey(_query: string, _limit: number): Promise<string[]> {
        throw new NotImplementedError();
      }
    }
    expect(() => llmStrategy(model)(TooManyParameters)).toThrow('TooManyParameters.findCustomerKey takes 2 parameters but its input schema has 1 property (query)');
    expect(() => {
      class BadGetter {
        @llm({ description: 'x', input: { type: 'object', properties: { a: {} } }, output: {} })
        get value(): Promise<number> {
          throw new NotImplementedError();
        }
      }
      return BadGetter;
    }).toThrow('@llm member value is a getter: it takes no arguments, so its contract has no input properties');
    expect(() => llm({ description: 'x', output: {} })(undefined as never, { kind: 'field', name: 'x' } as never)).toThrow('@llm goes on a method, a static method or a getter, not on a field');
  });

  it('takes contracts from options over the class’s, tells static from instance members, and keeps setters', async () => {
    const description = (text: string) => ({ description: text, output: { type: 'string' } });
    class Twins {
      static contracts: MemberContracts = { greeting: description('from the class') };
      stored = '';
      greeting(): Promise<string> {
        throw new NotImplementedError();
      }
      static greeting(): Promise<string> {
        throw new NotImplementedError();
      }
      get label(): Promise<string> {
        throw new NotImplementedError();
      }
      set label(value: Promise<string>) {
        void value.then((text) => (this.stored = text));
      }
    }
    llmStrategy(model, { contracts: { 'static greeting': description('the static one'), label: description('a label') } })(Twins);
    server.reply(jsonReply({ result: 'a' }), jsonReply({ result: 'b' }), jsonReply({ result: 'c' }));
    const twins = new Twins();
    await twins.greeting();
    await Twins.greeting();
    await twins.label;
    expect(server.requests.map((request) => /`: (.*)\n/.exec(firstPrompt(request))?.[1])).toEqual(['from the class', 'the static one', 'a label']);
    twins.label = Promise.resolve('set');
    await new Promise((resolve) => setImmediate(resolve));
    expect(twins.stored).toBe('set');
  });

  it('answers members from the log with { cache: true }, sending nothing the second time', async () => {
    class Shop {
      constructor(readonly customers: Customer[] = []) {}
      findCustomerKey(_query: string): Promise<string[]> {
        throw new NotImplementedError();
      }
    }
    llmStrategy(model, { contracts: { findCustomerKey: contracts.findCustomerKey! }, cache: true })(Shop);
    const shop = new Shop(MOCKS);
    expect(await shop.findCustomerKey('born in 1990')).toEqual(['c1', 'c3']);
    expect(await shop.findCustomerKey('born in 1990')).toEqual(['c1', 'c3']);
    expect(server.chatBodies).toHaveLength(1);
    // Another object it is called on is another request.
    expect(await new Shop(MOCKS.slice(1)).findCustomerKey('born in 1990')).toEqual(['c1', 'c3']);
    expect(server.chatBodies).toHaveLength(2);
  });

  it('fails when the class is defined, as a decorator, if a member has no contract', () => {
    expect(() => {
      @llmStrategy(model)
      class Orphan {
        find(_q: string): Promise<string[]> {
          throw new NotImplementedError();
        }
      }
      return Orphan;
    }).toThrow(ContractError);
  });

  it('lets an @llm member run without llmStrategy, with the contract’s model', async () => {
    class Person {
      name = 'Ada';
      @llm({ description: 'A greeting for this person.', output: { type: 'string' }, model })
      greeting(): Promise<string> {
        throw new NotImplementedError();
      }
    }
    expect(memberMark(Person.prototype.greeting)?.contract.description).toBe('A greeting for this person.');
    expect(await new Person().greeting()).toBe('Hello, Ada!');
    expect(traces[0]).toMatchObject({ name: 'Person.greeting', kind: 'method', context: { name: 'Ada' } });
  });

  it('works on classes compiled by esbuild (standard decorators lowered for Node 20)', async () => {
    const source = `
      const { llm, llmStrategy, NotImplementedError } = require('llm-host');
      @llmStrategy(model)
      class Shop {
        static contracts = contracts;
        stock = ['tea'];
        static createMockCustomers(n: number): Promise<unknown[]> { throw new NotImplementedError(); }
        @llm({ description: 'The countries of our customers.', output: { type: 'array', items: { type: 'string' } } })
        get countries(): Promise<string[]> { throw new NotImplementedError(); }
      }
      module.exports = Shop;`;
    const { code } = transformSync(source, { loader: 'ts', format: 'cjs', target: 'node20.18' });
    expect(code).toContain('__decorateElement'); // lowered, not left to the runtime
    const module = { exports: {} as unknown };
    const require = (id: string) => (id === 'llm-host' ? { llm, llmStrategy, NotImplementedError } : undefined);
    new Function('require', 'module', 'model', 'contracts', code)(require, module, model, { createMockCustomers: contracts.createMockCustomers });
    const Shop = module.exports as { createMockCustomers(n: number): Promise<unknown[]>; new (): { countries: Promise<string[]> } };
    expect(await Shop.createMockCustomers(1)).toEqual(MOCKS.slice(0, 1));
    expect(await new Shop().countries).toEqual(['Nigeria', 'Japan', 'Norway']);
    expect(firstPrompt(server.requests[1]!)).toContain('{"stock":["tea"]}');
  });
});
