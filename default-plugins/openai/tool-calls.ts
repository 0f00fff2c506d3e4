import type { ToolCall } from 'llm-host';

/** A piece of a streamed tool call (`choices[0].delta.tool_calls[]`). */
export interface ToolCallDelta {
  index?: number;
  id?: string | null;
  type?: string | null;
  function?: { name?: string | null; arguments?: string | null } | null;
}

/** A whole tool call, as a completion's message carries it. */
export interface ToolCallJson {
  id?: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/**
 * Puts streamed tool calls together: each delta carries an `index`; the first piece of a call has
 * its id and name, later pieces add to its arguments (several calls may interleave).
 */
export class ToolCallAssembler {
  private readonly byIndex = new Map<number, { id?: string; name: string; arguments: string }>();

  add(delta: ToolCallDelta): void {
    const index = delta.index ?? 0;
    let call = this.byIndex.get(index);
    if (!call) this.byIndex.set(index, (call = { name: '', arguments: '' }));
    if (delta.id) call.id = delta.id;
    if (delta.function?.name) call.name += delta.function.name;
    if (delta.function?.arguments) call.arguments += delta.function.arguments;
  }

  /** The calls, by index. */
  calls(): ToolCallJson[] {
    return [...this.byIndex.entries()]
      .sort(([a], [b]) => a - b)
      .filter(([, call]) => call.name !== '')
      .map(([, call]) => ({ ...(call.id ? { id: call.id } : {}), type: 'function' as const, function: { name: call.name, arguments: call.arguments } }));
  }
}

/**
 * A call as `llm` records it. Arguments that are not valid JSON are kept as the text the model
 * sent: checking them against the tool's schema then fails, and the model is told so.
 */
export function toToolCall(call: ToolCallJson): ToolCall {
  const text = call.function.arguments ?? '';
  let args: unknown = {};
  if (text.trim() !== '') {
    try {
      args = JSON.parse(text);
    } catch {
      args = text;
    }
  }
  return { name: call.function.name, arguments: args, toolCallId: call.id };
}
