import { setTimeout as sleep } from 'node:timers/promises';
import { Model, type ExecuteContext, type JsonSchema, type Prompt } from 'llm-host';

/**
 * A model that needs no network or key: it streams back what it was sent (prompt, system prompt,
 * options, turn number) a word at a time. It makes `llm` usable on a fresh machine and lets tests
 * see exactly what reached the model. Offered tools, it calls the ones a JSON prompt names, as the
 * Python llm's llm-echo plugin does: `{"prompt": "...", "tool_calls": [{"name": "llm_time", "arguments": {}}]}`;
 * the results come back in the next turn, which echoes them.
 */
export class EchoModel extends Model {
  readonly id = 'echo';
  override readonly label = 'Echo';
  override readonly supportsTools = true;
  override readonly optionsSchema: JsonSchema = {
    type: 'object',
    additionalProperties: false,
    properties: {
      delay: { type: 'integer', minimum: 0, maximum: 60000, description: 'Milliseconds to wait before each chunk.' },
      uppercase: { type: 'boolean', description: 'Echo the prompt in upper case.' },
    },
  };

  async *execute(prompt: Prompt, { conversation, signal, response }: ExecuteContext): AsyncIterable<string> {
    const { delay = 0, uppercase = false } = prompt.options as { delay?: number; uppercase?: boolean };
    const turn = (conversation?.responses.length ?? 0) + 1;
    const lines = [`Turn ${turn}`];
    if (prompt.system) lines.push(`System: ${prompt.system}`);
    const request = toolRequest(prompt.prompt);
    const text = request?.prompt ?? prompt.prompt;
    for (const result of prompt.toolResults) lines.push(`Tool result ${result.name} (${result.toolCallId ?? 'no id'}): ${result.output}`);
    if (text || prompt.toolResults.length === 0) lines.push(`Prompt: ${uppercase ? text.toUpperCase() : text}`);
    // Calls are asked for only when tools are offered, as a real model would.
    if (prompt.tools.length > 0) {
      for (const [index, call] of (request?.tool_calls ?? []).entries()) {
        response.addToolCall({ name: call.name, arguments: call.arguments ?? {}, toolCallId: `echo_${turn}_${index + 1}` });
      }
    }
    if (Object.keys(prompt.options).length > 0) lines.push(`Options: ${JSON.stringify(prompt.options)}`);
    const chunks = lines.join('\n').match(/\s*\S+/g) ?? [];
    for (const chunk of chunks) {
      signal.throwIfAborted();
      if (delay > 0) await sleep(delay, undefined, { signal });
      yield chunk;
    }
    response.setUsage({ input: countWords(prompt.prompt) + countWords(prompt.system ?? ''), output: chunks.length });
  }
}

/** The Python llm-echo convention: a prompt that is `{"prompt": "...", "tool_calls": [{"name", "arguments"}]}`. */
interface ToolRequest {
  readonly prompt?: string;
  readonly tool_calls?: readonly { readonly name: string; readonly arguments?: unknown }[];
}

function toolRequest(text: string): ToolRequest | undefined {
  if (!text.trimStart().startsWith('{')) return undefined;
  try {
    const value = JSON.parse(text) as unknown;
    if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
    const request = value as ToolRequest;
    if (!Array.isArray(request.tool_calls)) return undefined;
    const calls = request.tool_calls.filter((c) => c && typeof c.name === 'string');
    return { prompt: typeof request.prompt === 'string' ? request.prompt : '', tool_calls: calls };
  } catch {
    return undefined;
  }
}

function countWords(text: string): number {
  return text.match(/\S+/g)?.length ?? 0;
}
