import { LlmError, MissingKeyError } from 'llm-host';
import { Command, Flags } from 'llm-host/command';
import { displayUrl, OpenAIApiError, type Target } from './api-error.js';
import { OpenAIChatModel } from './chat-model.js';
import { send, withRetries } from './http.js';
import { httpSettings } from './http-settings.js';

/** One model as `/v1/models` lists it. */
interface ListedModel {
  id: string;
  object?: string;
  created?: number;
  owned_by?: string;
  [key: string]: unknown;
}

/** `llm openai models`: the models the server reports at `/v1/models`. */
export default class OpenAIModels extends Command {
  static override summary = 'List the models the OpenAI API (or a compatible server) offers, from its /v1/models.';

  static override description = `Asks the server behind an OpenAI model: by default the OpenAI API (OPENAI_BASE_URL, else
https://api.openai.com/v1) with the 'openai' key; with -m, the server and key of that model, e.g. one
from extra-openai-models.yaml.`;

  static override examples = [
    '<%= config.bin %> openai models',
    '<%= config.bin %> openai models --json',
    '<%= config.bin %> openai models -m my-local-model',
  ];

  static override enableJsonFlag = true;

  static override flags = {
    model: Flags.string({ char: 'm', summary: "Ask the server of this OpenAI model (default: gpt-4o-mini's, the OpenAI API).", helpValue: 'MODEL' }),
    key: Flags.string({ summary: 'API key to use, or the name of a key stored with llm keys set.', helpValue: 'KEY' }),
  };

  async run(): Promise<ListedModel[]> {
    const { flags } = await this.parse(OpenAIModels);
    const llm = await this.llm();
    const model = await llm.getModel(flags.model ?? 'gpt-4o-mini');
    if (!(model instanceof OpenAIChatModel)) {
      throw new LlmError(`Model '${model.id}' is not an OpenAI model; pick one listed as 'OpenAI Chat' by 'llm models'.`);
    }
    let key: string | undefined;
    try {
      key = await llm.resolveKey(model, flags.key);
    } catch (error) {
      if (!(error instanceof MissingKeyError)) throw error;
      const env = model.keyEnvVar ? ` or set the ${model.keyEnvVar} environment variable` : '';
      throw new LlmError(`No key found for ${displayUrl(model.baseUrl())}: add one with 'llm keys set ${model.needsKey}'${env}, or pass --key.`);
    }
    const models = await listModels(model, key);
    if (!this.jsonEnabled()) {
      const rows = models.map((m) => [m.id, m.owned_by ?? '', typeof m.created === 'number' ? new Date(m.created * 1000).toISOString() : '']);
      for (const line of table(['id', 'owned_by', 'created'], rows)) this.log(line);
    }
    return models;
  }
}

/** GET {base}/models with the model's key and headers; retried like a prompt. */
async function listModels(model: OpenAIChatModel, key: string | undefined): Promise<ListedModel[]> {
  const settings = httpSettings(model.runtime.env, model.runtime.options);
  const target: Target = {
    url: `${model.baseUrl()}/models`,
    key,
    keyFix: model.needsKey ? `Set a valid key with 'llm keys set ${model.needsKey}', or pass --key.` : 'Pass a key with --key.',
    notFoundFix: 'Check the base URL (OPENAI_BASE_URL or api_base; it usually ends in /v1).',
    timeoutMs: settings.timeoutMs,
    connectTimeoutMs: settings.connectTimeoutMs,
  };
  const headers: Record<string, string> = {
    accept: 'application/json',
    'user-agent': `llm/${model.runtime.version}`,
    ...(key ? { authorization: `Bearer ${key}` } : {}),
    ...model.spec.headers,
  };
  const signal = new AbortController().signal;
  let text = '';
  for await (const body of withRetries(target, settings, signal, async function* () {
    yield await (await send(target, { method: 'GET', headers }, settings, signal)).text();
  })) {
    text = body;
  }
  let data: unknown;
  try {
    data = (JSON.parse(text) as { data?: unknown }).data;
  } catch {
    data = undefined;
  }
  if (!Array.isArray(data) || !data.every((m) => typeof (m as ListedModel)?.id === 'string')) {
    throw new OpenAIApiError(`${displayUrl(target.url)} did not answer with a model list ({"data": [{"id": ...}]})`, 'Check the base URL.');
  }
  return data as ListedModel[];
}

/** Rows as left-aligned columns under a header. */
function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}
