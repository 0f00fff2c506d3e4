import type { ValidateFunction } from 'ajv';
import type { JsonSchema } from '../json-schema.js';
import { getModel } from '../library.js';
import type { Model } from '../models/model.js';
import type { ResponseInit } from '../models/response.js';
import { promptForJson, StructuredOutputError } from '../structured/prompt-for-json.js';
import { compileContractSchema, ContractError, problemsOf, replySchema, RESULT_PROPERTY, withDefinitions, type SchemaDefinitions } from './contract.js';
import { trackHyperparameters } from './hyperparameters.js';
import { toJsonValue } from './json-value.js';
import {
  DEFAULT_LLM_FUNCTION_HYPERPARAMETERS,
  fillTemplate,
  LLM_FUNCTION_HYPERPARAMETERS_SCHEMA,
  renderPrompt,
  type LlmFunctionHyperparameters,
} from './prompt-template.js';
import { currentTraceNode } from './trace.js';
import type { TraceKind } from './trace-record.js';

/** An input and the output it should give: shown to the model, checked against the schemas. */
export interface LlmFunctionExample<I, O> {
  readonly input: I;
  readonly output: O;
}

/** What an LLM function is: its contract as data, and how to run it. */
export interface LlmFunctionSpec<I = unknown, O = unknown> {
  /** Its name: in the prompt, in traces, and the key `withHyperparameters` sets its values under. */
  readonly name: string;
  /** What it does, in words. */
  readonly description: string;
  /** JSON Schema of its one argument, checked before any request. */
  readonly input: JsonSchema;
  /** JSON Schema of what it returns, checked on every reply. */
  readonly output: JsonSchema;
  /** A model, or a model id or alias (default: the default model, `llm models default`). */
  readonly model?: Model | string | undefined;
  readonly examples?: readonly LlmFunctionExample<I, O>[] | undefined;
  /** Definitions added to the `$defs` of both schemas, for contracts that refer to `#/$defs/Name`. */
  readonly defs?: SchemaDefinitions | undefined;
  /** This function's own hyperparameter defaults; scopes and `.with()` win over them. */
  readonly hyperparameters?: Partial<LlmFunctionHyperparameters> | undefined;
  /** A system prompt. */
  readonly system?: string | undefined;
  /** Model options, checked against the model's options schema, e.g. `{ temperature: 0 }`. */
  readonly options?: Readonly<Record<string, unknown>> | undefined;
  /** An API key, or the name of a stored key (default: keys.json, then the environment). */
  readonly key?: string | undefined;
  /** `false` logs neither the responses nor the trace; `{ database }` logs to another file. */
  readonly log?: ResponseInit['log'];
  /**
   * Answer each request from the log when it has a response to the same request (`true`, or
   * `{ ttlMs }` for answers logged that recently): a call with the same input, hyperparameters,
   * model and options then sends nothing. Default: as the enclosing experiment run says, else off.
   */
  readonly cache?: ResponseInit['cache'];
}

/** Options for one call. */
export interface LlmCallOptions {
  readonly signal?: AbortSignal | undefined;
  /** Data the function may use besides its input, shown to the model after the schemas (not checked). */
  readonly context?: unknown;
}

/** An async function a model implements. */
export interface LlmFunction<I, O> {
  (input: I, options?: LlmCallOptions): Promise<O>;
  readonly spec: LlmFunctionSpec<I, O>;
  /** Its hyperparameter defaults (the built-in ones with the spec's over them). */
  readonly defaults: Readonly<LlmFunctionHyperparameters>;
  /** The function with these hyperparameters, which win over any scope. */
  with(hyperparameters: Partial<LlmFunctionHyperparameters>): (input: I, options?: LlmCallOptions) => Promise<O>;
  /** The same contract with these `$defs` bound (a generic contract made specific). */
  withDefs<I2 = I, O2 = O>(defs: SchemaDefinitions): LlmFunction<I2, O2>;
}

/** An LLM function's model gave no valid output: carries the raw reply and what was wrong. */
export class LlmFunctionError extends StructuredOutputError {
  constructor(
    readonly functionName: string,
    cause: StructuredOutputError,
  ) {
    super(cause.modelId, cause.rawText, cause.problems, cause.attempts);
    this.message = `${functionName}: ${this.message}`;
  }
}

/**
 * An async function implemented by a model. Each call checks the input against the input schema
 * (before any request), asks the model with a prompt carrying the name, the description, both
 * schemas, the examples and the input as JSON (schema-constrained where the model supports it),
 * checks the reply against the output schema and asks again with the problems (3 attempts by
 * default), then throws LlmFunctionError with the raw reply. Every call is a trace node; its
 * template, retries and JSON format are hyperparameters (see `withHyperparameters`).
 */
export function llmFunction<I = unknown, O = unknown>(spec: LlmFunctionSpec<I, O>): LlmFunction<I, O> {
  return createLlmFunction(spec, { kind: 'llm', contextLabel: 'Context:' });
}

/** How a function is traced and how its context is introduced (llmStrategy members differ). */
export interface LlmFunctionRole {
  readonly kind: TraceKind;
  readonly contextLabel: string;
}

interface Contract {
  readonly inputSchema: JsonSchema;
  readonly outputSchema: JsonSchema;
  readonly validateInput: ValidateFunction;
  readonly reply: { readonly schema: JsonSchema; readonly wrapped: boolean };
  readonly examples: readonly { readonly input: unknown; readonly reply: unknown }[];
}

/** `llmFunction` with the trace kind and context label of the caller's choosing. */
export function createLlmFunction<I, O>(spec: LlmFunctionSpec<I, O>, role: LlmFunctionRole): LlmFunction<I, O> {
  checkSpec(spec);
  const { name } = spec;
  let contract: Promise<Contract> | undefined;
  const loadContract = () => (contract ??= compileContract(spec).catch((error: unknown) => ((contract = undefined), Promise.reject(error))));

  const run = async (hp: LlmFunctionHyperparameters, input: I, options: LlmCallOptions = {}): Promise<O> => {
    const { inputSchema, outputSchema, validateInput, reply, examples } = await loadContract();
    const data = toJsonValue(input);
    const problems = problemsOf(validateInput, data);
    if (problems.length > 0) throw new ContractError(`The input of ${name} does not match its input schema: ${problems.join('; ')}`);
    const model = typeof spec.model === 'object' ? spec.model : await getModel(spec.model);
    const node = currentTraceNode();
    node?.useModel(model, spec.log);
    const context = options.context === undefined ? undefined : toJsonValue(options.context);
    if (node && context !== undefined) node.context = context;
    const prompt = renderPrompt(
      hp.template,
      {
        name,
        description: spec.description,
        inputSchema,
        outputSchema: reply.wrapped ? reply.schema : outputSchema,
        input: data,
        examples,
        context: context === undefined ? undefined : { label: role.contextLabel, value: context },
      },
      hp.jsonIndent,
    );
    try {
      const result = await promptForJson<Record<string, unknown>>({
        model,
        prompt,
        system: spec.system,
        schema: reply.schema,
        options: spec.options,
        maxAttempts: hp.maxAttempts,
        key: spec.key,
        signal: options.signal,
        log: spec.log,
        cache: spec.cache,
        instruction: () => '',
        retry: (found) => fillTemplate(hp.retryTemplate, { problems: found.join('; ') }),
        onResponse: (response) => node?.responses.push(response),
      });
      return (reply.wrapped ? result.data[RESULT_PROPERTY] : result.data) as O;
    } catch (error) {
      throw error instanceof StructuredOutputError ? new LlmFunctionError(name, error) : error;
    }
  };

  const defaults = { ...DEFAULT_LLM_FUNCTION_HYPERPARAMETERS, ...spec.hyperparameters } as LlmFunctionHyperparameters;
  const tracked = trackHyperparameters(run, defaults, {
    name,
    schema: LLM_FUNCTION_HYPERPARAMETERS_SCHEMA,
    kind: role.kind,
    traceArguments: (args) => args[0],
  });
  const fn = (input: I, options?: LlmCallOptions) => tracked(input, options);
  Object.defineProperty(fn, 'name', { value: name });
  return Object.assign(fn, {
    spec,
    defaults: tracked.defaults,
    with: (hyperparameters: Partial<LlmFunctionHyperparameters>) => tracked.with(hyperparameters),
    withDefs: <I2 = I, O2 = O>(defs: SchemaDefinitions) =>
      createLlmFunction({ ...spec, defs: { ...spec.defs, ...defs } } as unknown as LlmFunctionSpec<I2, O2>, role),
  });
}

/** A spec missing what every function needs is an error when the function is made. */
function checkSpec(spec: LlmFunctionSpec<unknown, unknown>): void {
  if (spec === null || typeof spec !== 'object') throw new ContractError('llmFunction takes a spec: { name, description, input, output }');
  const name = typeof spec.name === 'string' && spec.name ? spec.name : undefined;
  if (!name) throw new ContractError('An llmFunction needs a name (a non-empty string): it is in the prompt, in traces and in hyperparameter scopes');
  if (typeof spec.description !== 'string' || !spec.description.trim()) throw new ContractError(`llmFunction ${name} needs a description: what it does, in words`);
  for (const which of ['input', 'output'] as const) {
    if (spec[which] === undefined) throw new ContractError(`llmFunction ${name} needs an ${which} schema (JSON Schema)`);
  }
  if (spec.examples !== undefined && !Array.isArray(spec.examples)) throw new ContractError(`The examples of ${name} must be a list of { input, output }`);
}

async function compileContract(spec: LlmFunctionSpec<unknown, unknown>): Promise<Contract> {
  const inputSchema = withDefinitions(spec.input, spec.defs);
  const outputSchema = withDefinitions(spec.output, spec.defs);
  const validateInput = await compileContractSchema(inputSchema, 'input', spec.name);
  const validateOutput = await compileContractSchema(outputSchema, 'output', spec.name);
  const reply = replySchema(outputSchema);
  const examples = (spec.examples ?? []).map((example, index) => {
    const input = toJsonValue(example.input);
    const output = toJsonValue(example.output);
    const problems = [
      ...problemsOf(validateInput, input).map((problem) => `input ${problem}`),
      ...problemsOf(validateOutput, output).map((problem) => `output ${problem}`),
    ];
    if (problems.length > 0) throw new ContractError(`Example ${index + 1} of ${spec.name} does not match the contract: ${problems.join('; ')}`);
    return { input, reply: reply.wrapped ? { [RESULT_PROPERTY]: output } : output };
  });
  return { inputSchema, outputSchema, validateInput, reply, examples };
}
