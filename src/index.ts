/**
 * `llm` as a library: models, prompts, responses and conversations, the plugin host and its
 * hooks. Plugin commands import `Command` from `llm-host/command` instead, so this entry never loads
 * the CLI framework.
 */
export { getEmbeddingModel, getEmbeddingModels, getModel, getModels, openCollection } from './library.js';
export { EmbeddingModel, type EmbedContext, type EmbedItem, type EmbedOptions } from './embeddings/embedding-model.js';
export type { Collection, CollectionEmbedOptions, CollectionItem, CollectionRequest, Entry, Metadata, SimilarOptions } from './embeddings/collection.js';
export { cosineSimilarity, decodeVector, encodeVector, float32View, squaredMagnitude } from './embeddings/vector.js';
export { createLlm, Llm, type FragmentLoaderEntry, type LlmOptions, type LoadedPlugin } from './host/llm.js';
export { Model, type ExecuteContext, type PromptOptions } from './models/model.js';
export { Prompt, type PromptInit } from './models/prompt.js';
export { Response, type ResponseInit, type RestoredResponse, type Usage } from './models/response.js';
export { Conversation } from './models/conversation.js';
export { historyText, type HistoryMessage, type MessageAttachment, type MessagePart } from './models/message.js';
export type { ModelEntry, NamedModel } from './models/registry.js';
export { ChainLimitError, ChainResponse, DEFAULT_CHAIN_LIMIT, type ChainOptions } from './models/chain.js';
export { defineTool, Toolbox, ToolOutput, type ToolOutputInit, type Tool, type ToolboxClass, type ToolCall, type ToolMethod, type ToolResult } from './models/tool.js';
export { CancelToolCall, executeToolCalls, toTools, type AfterCall, type BeforeCall, type ToolLike } from './models/tool-runner.js';
export { ToolRegistry, type ToolEntry } from './models/tool-registry.js';
export { loadFunctions } from './services/load-functions.js';
export { Attachment, type AttachmentInit } from './models/attachment.js';
export { Fragment } from './models/fragment.js';
export { fetchBytes, fetchText, type FetchLimits } from './models/fetch-url.js';
export { detectType, isText } from './models/detect-type.js';
export type { FragmentContext } from './services/resolve-fragments.js';
export { NO_OPTIONS } from './models/options.js';
export {
  createHooks,
  hookNames,
  type ConversationRequest,
  type FragmentLoader,
  type FragmentLoaderResult,
  type FragmentRequest,
  type HookName,
  type Hooks,
  type LogContext,
  type TraceLogContext,
  type RegisterCommand,
  type RegisterEmbeddingModel,
  type RegisterFragmentLoader,
  type RegisterLogMigration,
  type RegisterMetric,
  type RegisterTool,
  type RegisterModel,
} from './hooks.js';
export { importModule, type ImportModuleOptions } from './host/module-loader.js';
export { definePlugin, type Plugin, type PluginContext, type PluginFunction, type PluginObject } from './host/plugin.js';
export type { CommandClass, CommandEntry, CommandLoader } from './host/commands-registry.js';
export type { Metric, MetricValue } from './metrics.js';
export type { LogMigration, LogStore, LogStoreRequest, SqlDatabase, SqlRow, SqlStatement, SqlValue } from './log-store.js';
export { parseJsonReply, type JsonSchema } from './json-schema.js';
export {
  jsonInstruction,
  promptForJson,
  retryMessage,
  StructuredOutputError,
  type JsonRequest,
  type JsonResult,
} from './structured/prompt-for-json.js';
export { multiSchema, schemaDsl } from './services/schema-arg.js';
export { ContractError, type SchemaDefinitions } from './strategy/contract.js';
export {
  currentResponseCache,
  parseDuration,
  parseCacheTtl,
  requestHash,
  withResponseCache,
  type CachedResponse,
  type CachedResponseRequest,
  type ResponseCacheSettings,
} from './models/response-cache.js';
export {
  currentRequestBatcher,
  TERMINAL_BATCH_STATUSES,
  withRequestBatcher,
  type BatchableRequest,
  type BatchApi,
  type BatchState,
  type RequestBatcher,
} from './models/request-batch.js';
export { currentConversationOrigin, isPersonOrigin, PERSON_ORIGINS, withConversationOrigin, type ConversationOrigin } from './models/origin.js';
export {
  inferSchema,
  trackHyperparameters,
  withHyperparameters,
  type HyperparameterScope,
  type HyperparameterScopeOptions,
  type HyperparameterSet,
  type HyperparameterValues,
  type TrackedFunction,
  type TrackOptions,
} from './strategy/hyperparameters.js';
export { llm, type LlmMemberDecorator } from './strategy/llm-decorator.js';
export {
  llmFunction,
  LlmFunctionError,
  type LlmCallOptions,
  type LlmFunction,
  type LlmFunctionExample,
  type LlmFunctionSpec,
} from './strategy/llm-function.js';
export { llmStrategy, type StrategyDecorator, type StrategyOptions } from './strategy/llm-strategy.js';
export type { MemberContract, MemberContracts } from './strategy/member.js';
export { NotImplementedError } from './strategy/not-implemented.js';
export {
  DEFAULT_LLM_FUNCTION_HYPERPARAMETERS,
  LLM_FUNCTION_HYPERPARAMETERS_SCHEMA,
  type LlmFunctionHyperparameters,
} from './strategy/prompt-template.js';
export { currentTraceNode, runTraced, trace, TraceNode, type TraceOptions } from './strategy/trace.js';
export type { TraceError, TraceKind, TraceRecord } from './strategy/trace-record.js';
export { resolveUserDir } from './user/user-dir.js';
export {
  ConfigError,
  InterruptedError,
  LlmError,
  MissingKeyError,
  OptionsError,
  PluginConflictError,
  PluginError,
  TemplateError,
  UnknownEmbeddingModelError,
  UnknownModelError,
  UsageError,
} from './errors.js';
export type { MetricContext, MetricDirection } from './metrics.js';
