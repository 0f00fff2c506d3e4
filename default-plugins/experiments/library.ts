/**
 * `llm-host/experiments`: what experiment files import. Prompt functions, bots, metrics,
 * experiments and their runner, run contexts, the experiments' log tables and statistics. The
 * default plugin `experiments` (index.ts) registers the metrics, tables and commands.
 */
export { prompt, type Message, type MessageRole, type PromptFunction, type PromptFunctionOptions, type PromptVariables } from './lib/prompt-function.js';
export { templateHash } from './lib/template.js';
export { bot, BotReply, type Bot, type BotOptions } from './lib/bot.js';
export { collectBotModels, type ModelReference } from './lib/definitions.js';
export type { BotInput } from './lib/messages.js';
export { structuredBot, type StructuredBot, type StructuredBotOptions } from './lib/structured-bot.js';
export { metric, coerceMetricValue, MetricError, type MetricReference, type ResolvedMetric } from './lib/metric.js';
export {
  experiment,
  Experiment,
  isExperiment,
  type ExperimentOptions,
  type ExperimentResult,
  type ExperimentRunOptions,
  type MetricResult,
  type Pipeline,
  type PipelineContext,
  type RunRecord,
} from './lib/experiment.js';
export { addRunInfo, currentRun, RunContext, type BotUse, type PromptUse, type RunResponse } from './lib/run-context.js';
export type { ExperimentProgress, ProgressSnapshot } from './lib/progress.js';
export { EXPERIMENT_MIGRATIONS } from './lib/schema.js';
export {
  compareSamples,
  summarize,
  tInterval,
  welchInterval,
  wilsonInterval,
  newcombeInterval,
  type Interval,
  type MetricDifference,
  type MetricKind,
  type MetricSummary,
} from './lib/statistics.js';
export type { Metric, MetricContext, MetricDirection, MetricValue } from 'llm-host';
