/**
 * Meta-optimisation, after the Python llm-strategy's research example: a model tunes the
 * hyperparameters of an LLM function (its prompt template, retries, JSON format). Each round it
 * reflects on task runs, summarises older runs so the context stays short, suggests the next
 * hyperparameters and task parameters to try, and estimates the probability that more rounds
 * improve things; the loop stops when that is low.
 *
 * The optimiser's functions are generic contracts: their schemas refer to `#/$defs/TaskParameters`,
 * `#/$defs/TaskResult` and `#/$defs/Hyperparameters`, bound to one task with `withDefs`.
 *
 *   npm run build
 *   OPENAI_API_KEY=sk-... node examples/dist/meta-optimisation.js
 *
 * LLM_MODEL picks another model (default: `llm models default`). Offline, against the fake OpenAI
 * server with scripted replies: test/e2e/examples.test.ts.
 */
import {
  currentTraceNode,
  LLM_FUNCTION_HYPERPARAMETERS_SCHEMA,
  llmFunction,
  runTraced,
  trace,
  trackHyperparameters,
  withHyperparameters,
  type HyperparameterSet,
  type JsonSchema,
  type LlmFunction,
  type TraceNode,
} from 'llm-host';

const model = process.env.LLM_MODEL || undefined; // undefined: the default model

// -- The task whose hyperparameters we tune ----------------------------------------------------------

interface TaglineRequest {
  product: string;
  audience: string;
}

interface Tagline {
  tagline: string;
  rationale: string;
}

export const writeTagline: LlmFunction<TaglineRequest, Tagline> = llmFunction<TaglineRequest, Tagline>({
  name: 'writeTagline',
  description: 'A tagline for the product, for this audience: at most eight words, concrete and memorable.',
  input: {
    type: 'object',
    properties: { product: { type: 'string', description: 'What is sold' }, audience: { type: 'string', description: 'Who buys it' } },
    required: ['product', 'audience'],
    additionalProperties: false,
  },
  output: {
    type: 'object',
    properties: { tagline: { type: 'string' }, rationale: { type: 'string', description: 'Why it works, in one sentence' } },
    required: ['tagline', 'rationale'],
    additionalProperties: false,
  },
  model,
});

// -- The optimiser: generic contracts over the task's types ------------------------------------------

const ref = (name: string): JsonSchema => ({ $ref: `#/$defs/${name}` });
const text = (description: string): JsonSchema => ({ type: 'string', description });

const resultSchema: JsonSchema = { anyOf: [ref('TaskResult'), { type: 'null' }], description: 'What the task returned (null if it failed)' };

/** One run of the task: what it was asked, with which hyperparameters, and what happened. */
const taskRunSchema: JsonSchema = {
  type: 'object',
  properties: {
    taskParameters: ref('TaskParameters'),
    hyperparameters: ref('Hyperparameters'),
    result: resultSchema,
    error: { type: ['string', 'null'], description: 'Why it failed, if it did' },
    calls: {
      type: 'array',
      description: 'The prompts the task sent to its model and the replies, in order',
      items: { type: 'object', properties: { prompt: { type: 'string' }, reply: { type: 'string' } }, required: ['prompt', 'reply'] },
    },
  },
  required: ['taskParameters', 'hyperparameters', 'result', 'error', 'calls'],
};

const reflectionSchema: JsonSchema = {
  type: 'object',
  properties: {
    feedback: text('Does the result satisfy the task description and its parameters? What could be better?'),
    evaluation: text('Is the output satisfying? What is wrong or missing?'),
    hyperparameterSuggestion: text('How to change the hyperparameters to improve the results'),
    hyperparameterMissing: text('What is not exposed as a hyperparameter but should be'),
  },
  required: ['feedback', 'evaluation', 'hyperparameterSuggestion', 'hyperparameterMissing'],
  additionalProperties: false,
};

const taskInfoSchema: JsonSchema = {
  type: 'object',
  properties: { taskParameters: ref('TaskParameters'), hyperparameters: ref('Hyperparameters'), result: resultSchema, reflection: reflectionSchema },
  required: ['taskParameters', 'hyperparameters', 'result', 'reflection'],
};

const optimizationInfoSchema: JsonSchema = {
  type: 'object',
  properties: {
    olderTaskSummary: { type: ['string', 'null'], description: 'What earlier runs taught us, so we do not try the same changes again' },
    taskInfos: { type: 'array', items: taskInfoSchema, description: 'The most recent runs and our reflections on them' },
    bestHyperparameters: ref('Hyperparameters'),
  },
  required: ['olderTaskSummary', 'taskInfos', 'bestHyperparameters'],
};

/** The placeholders every optimiser contract starts with; `optimiserFor` binds them to a task. */
const GENERIC = { TaskParameters: {}, TaskResult: {}, Hyperparameters: {} };

const reflectOnTaskRun = llmFunction<TaskRun, Reflection>({
  name: 'reflectOnTaskRun',
  description:
    'Reflect on the result of a task run, given its task parameters and hyperparameters: the lessons that lead to better hyperparameters.',
  input: taskRunSchema,
  output: reflectionSchema,
  defs: GENERIC,
  model,
});

const summarizeOptimizationInfo = llmFunction<OptimizationInfo, string>({
  name: 'summarizeOptimizationInfo',
  description:
    'Summarise the optimisation so far. Everything from these runs is forgotten except this summary, so keep all that helps improve the hyperparameters.',
  input: optimizationInfoSchema,
  output: { type: 'string' },
  defs: GENERIC,
  model,
});

const suggestNextOptimizationStep = llmFunction<OptimizationInfo, OptimizationStep>({
  name: 'suggestNextOptimizationStep',
  description: 'Suggest the next step: new hyperparameters to try, and task parameters to try them on. Think step by step.',
  input: optimizationInfoSchema,
  output: {
    type: 'object',
    properties: {
      bestHyperparameters: ref('Hyperparameters'),
      suggestion: text('What to change next, and why'),
      taskParametersSuggestions: { type: 'array', items: ref('TaskParameters'), minItems: 1, maxItems: 4 },
      hyperparameterSuggestions: { type: 'array', items: ref('Hyperparameters'), minItems: 1, maxItems: 2 },
    },
    required: ['bestHyperparameters', 'suggestion', 'taskParametersSuggestions', 'hyperparameterSuggestions'],
    additionalProperties: false,
  },
  defs: GENERIC,
  model,
});

const probabilityForImprovement = llmFunction<OptimizationInfo, { considerations: string[]; probability: number }>({
  name: 'probabilityForImprovement',
  description:
    'Your confidence (0 to 1) that further optimisation steps will find better hyperparameters than the best so far: 0 if what we know is unlikely to lead anywhere better, 1 if it very likely will. Be concise.',
  input: optimizationInfoSchema,
  output: {
    type: 'object',
    properties: { considerations: { type: 'array', items: { type: 'string' } }, probability: { type: 'number', minimum: 0, maximum: 1 } },
    required: ['considerations', 'probability'],
    additionalProperties: false,
  },
  defs: GENERIC,
  model,
});

interface TaskRun {
  taskParameters: unknown;
  hyperparameters: HyperparameterSet;
  result: unknown;
  error: string | null;
  calls: { prompt: string; reply: string }[];
}

interface Reflection {
  feedback: string;
  evaluation: string;
  hyperparameterSuggestion: string;
  hyperparameterMissing: string;
}

interface TaskInfo {
  taskParameters: unknown;
  hyperparameters: HyperparameterSet;
  result: unknown;
  reflection: Reflection;
}

interface OptimizationInfo {
  olderTaskSummary: string | null;
  taskInfos: TaskInfo[];
  bestHyperparameters: HyperparameterSet;
}

interface OptimizationStep {
  bestHyperparameters: HyperparameterSet;
  suggestion: string;
  taskParametersSuggestions: unknown[];
  hyperparameterSuggestions: HyperparameterSet[];
}

/** The optimiser's functions, their generic contracts bound to this task's types. */
function optimiserFor<P, R>(task: LlmFunction<P, R>) {
  const defs = {
    TaskParameters: task.spec.input,
    TaskResult: task.spec.output,
    Hyperparameters: {
      type: 'object',
      description: `The hyperparameters of ${task.name}, by function name`,
      properties: { [task.name]: LLM_FUNCTION_HYPERPARAMETERS_SCHEMA },
      required: [task.name],
      additionalProperties: false,
    },
  };
  return {
    reflect: reflectOnTaskRun.withDefs<TaskRun, Reflection>(defs),
    summarize: summarizeOptimizationInfo.withDefs<OptimizationInfo, string>(defs),
    suggest: suggestNextOptimizationStep.withDefs<OptimizationInfo, OptimizationStep>(defs),
    probability: probabilityForImprovement.withDefs<OptimizationInfo, { considerations: string[]; probability: number }>(defs),
  };
}

/** The prompts a traced call and the calls inside it sent, with the replies. */
function callsOf(node: TraceNode): { prompt: string; reply: string }[] {
  return [...node.responses.map((r) => ({ prompt: r.prompt.prompt, reply: r.textSoFar })), ...node.children.flatMap(callsOf)];
}

/** Runs the task once with these hyperparameters, capturing what it used, returned and sent. */
async function captureTaskRun<P, R>(task: LlmFunction<P, R>, taskParameters: P, hyperparameters: HyperparameterSet): Promise<TaskRun> {
  return withHyperparameters(hyperparameters, (scope) =>
    trace('taskRun', async () => {
      const span = currentTraceNode()!;
      let result: R | null = null;
      let error: string | null = null;
      try {
        result = await task(taskParameters);
      } catch (failure) {
        error = failure instanceof Error ? failure.message : String(failure);
      }
      // What the task ran with: defaults and these values resolved (recorded by the call itself,
      // unless the values were so wrong that it never started).
      const used = scope.used[task.name] ?? { ...task.defaults, ...hyperparameters[task.name] };
      return { taskParameters, hyperparameters: { [task.name]: used }, result, error, calls: callsOf(span) };
    }),
  );
}

/**
 * The loop. Its own settings are hyperparameters too: how many rounds, when to stop, how many
 * runs to keep in full before summarising the older ones, how many runs per round.
 */
export const optimizeHyperparameters = trackHyperparameters(
  async function optimizeHyperparameters(
    hp: { maxRounds: number; stopBelow: number; keepRecent: number; runsPerRound: number },
    task: LlmFunction<TaglineRequest, Tagline>,
    seeds: TaglineRequest[],
  ) {
    const optimiser = optimiserFor(task);
    let taskInfos: TaskInfo[] = [];
    const record = async (run: TaskRun) => {
      taskInfos.push({ taskParameters: run.taskParameters, hyperparameters: run.hyperparameters, result: run.result, reflection: await optimiser.reflect(run) });
      console.log(`  ${JSON.stringify(run.taskParameters)} -> ${run.error ? `error: ${run.error}` : JSON.stringify(run.result)}`);
    };
    console.log('Seed runs, default hyperparameters:');
    for (const seed of seeds) await record(await captureTaskRun(task, seed, {}));
    let best = taskInfos[0]!.hyperparameters;
    let olderTaskSummary: string | null = null;
    for (let round = 1; round <= hp.maxRounds; round++) {
      const step = await optimiser.suggest({ olderTaskSummary, taskInfos, bestHyperparameters: best });
      best = step.bestHyperparameters;
      console.log(`Round ${round}: ${step.suggestion}`);
      const runs = step.taskParametersSuggestions.flatMap((p) => step.hyperparameterSuggestions.map((h) => [p, h] as const)).slice(0, hp.runsPerRound);
      for (const [parameters, hyperparameters] of runs) await record(await captureTaskRun(task, parameters as TaglineRequest, hyperparameters));
      if (taskInfos.length > hp.keepRecent) {
        olderTaskSummary = await optimiser.summarize({ olderTaskSummary, taskInfos: taskInfos.slice(0, -hp.keepRecent), bestHyperparameters: best });
        taskInfos = taskInfos.slice(-hp.keepRecent);
        console.log(`  Summary of older runs: ${olderTaskSummary}`);
      }
      const { probability, considerations } = await optimiser.probability({ olderTaskSummary, taskInfos, bestHyperparameters: best });
      console.log(`  Probability of improvement: ${probability} (${considerations.join('; ')})`);
      if (probability < hp.stopBelow) break;
    }
    return best;
  },
  { maxRounds: 3, stopBelow: 0.5, keepRecent: 3, runsPerRound: 2 },
  // The name scopes use; explicit because the build renames functions (bundlers do).
  { name: 'optimizeHyperparameters' },
);

async function main(): Promise<void> {
  const seeds: TaglineRequest[] = [
    { product: 'a reusable coffee cup', audience: 'commuters' },
    { product: 'noise-cancelling headphones', audience: 'students' },
  ];
  const { value: best, node } = await runTraced('meta-optimisation example', () => optimizeHyperparameters(writeTagline, seeds));
  console.log('Best hyperparameters:');
  console.log(JSON.stringify(best, null, 2));
  console.log(`Trace: llm traces show ${node.id}`);
}

main().catch((error: unknown) => {
  console.error(`Error: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
