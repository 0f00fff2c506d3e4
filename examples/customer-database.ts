/**
 * The customer database of the Python llm-strategy, in TypeScript: classes with data fields and
 * members that only throw NotImplementedError; `llmStrategy` has a model implement them.
 *
 *   npm run build
 *   OPENAI_API_KEY=sk-... node examples/dist/customer-database.js "the customer born in the 1990s"
 *
 * LLM_MODEL picks another model (default: `llm models default`). Offline, against the fake OpenAI
 * server with scripted replies: test/e2e/examples.test.ts.
 */
import { llm, llmStrategy, NotImplementedError, runTraced, type MemberContracts } from 'llm-host';

const model = process.env.LLM_MODEL || undefined; // undefined: the default model

const customerSchema = {
  type: 'object',
  properties: {
    key: { type: 'string', description: 'A unique key, e.g. "c-1042"' },
    firstName: { type: 'string' },
    lastName: { type: 'string' },
    birthdate: { type: 'string', description: 'YYYY-MM-DD' },
    address: { type: 'string', description: 'Street, city and country' },
  },
  required: ['key', 'firstName', 'lastName', 'birthdate', 'address'],
  additionalProperties: false,
};

/** A customer's data, as the model creates it. */
export interface CustomerData {
  key: string;
  firstName: string;
  lastName: string;
  birthdate: string;
  address: string;
}

/** One customer. Its age is worked out by a model, from its data (the getter's `this`). */
@llmStrategy(model)
export class Customer implements CustomerData {
  static contracts: MemberContracts = {
    age: { description: 'The customer’s age in whole years on 2025-01-01, from the birthdate.', output: { type: 'integer', minimum: 0 } },
  };

  key = '';
  firstName = '';
  lastName = '';
  birthdate = '';
  address = '';

  static from(data: CustomerData): Customer {
    return Object.assign(new Customer(), data);
  }

  get age(): Promise<number> {
    throw new NotImplementedError();
  }
}

/** The interface: data, and members nobody has written. Not decorated: nothing happens to it. */
export class CustomerDatabase {
  static contracts: MemberContracts = {
    findCustomerKey: {
      description:
        'The keys of the customers who best match a query in natural language, best match first. Semantic queries are fine: "the customer who was born in 1990".',
      input: { type: 'object', properties: { query: { type: 'string', minLength: 1 } }, required: ['query'], additionalProperties: false },
      output: { type: 'array', items: { type: 'string' } },
    },
    createMockCustomers: {
      description: 'Mock customers with believable data. Our customers are citizens of the whole world.',
      input: { type: 'object', properties: { n: { type: 'integer', minimum: 1, maximum: 20 } }, required: ['n'], additionalProperties: false },
      output: { type: 'array', items: customerSchema },
    },
  };

  constructor(public customers: Customer[] = []) {}

  findCustomerKey(query: string): Promise<string[]> {
    throw new NotImplementedError();
  }

  static createMockCustomers(n: number): Promise<CustomerData[]> {
    throw new NotImplementedError();
  }

  load(): Promise<void> {
    throw new NotImplementedError();
  }
}

/**
 * A database of mock customers: it implements `load` itself; the model implements what it
 * inherits unimplemented (`findCustomerKey`, `createMockCustomers`) and its own `summary`.
 */
@llmStrategy(model)
export class MockCustomerDatabase extends CustomerDatabase {
  override async load(): Promise<void> {
    this.customers = (await MockCustomerDatabase.createMockCustomers(5)).map((data) => Customer.from(data));
  }

  @llm({ description: 'One sentence on who the customers are: how many, where they live, how old they are.', output: { type: 'string' } })
  get summary(): Promise<string> {
    throw new NotImplementedError();
  }
}

async function main(query: string): Promise<void> {
  const { node } = await runTraced('customer-database example', async () => {
    const db = new MockCustomerDatabase();
    await db.load();
    console.log('Customers:');
    for (const c of db.customers) console.log(`  ${c.key.padEnd(8)} ${`${c.firstName} ${c.lastName}`.padEnd(24)} ${c.birthdate}  ${c.address}`);
    console.log(`Summary: ${await db.summary}`);
    const keys = await db.findCustomerKey(query);
    console.log(`Best matches for "${query}": ${keys.join(', ') || '(none)'}`);
    const best = db.customers.find((c) => c.key === keys[0]);
    if (best) console.log(`${best.firstName} ${best.lastName} is ${await best.age}.`);
  });
  console.log(`Trace: llm traces show ${node.id}`);
}

main(process.argv[2] ?? 'the customer who was born in the 1990s').catch((error: unknown) => {
  console.error(`Error: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
