import type { Llm } from '../host/llm.js';
import { UsageError } from '../errors.js';
import type { ChainOptions } from '../models/chain.js';
import type { Model } from '../models/model.js';
import type { Tool, ToolCall, ToolResult } from '../models/tool.js';
import { CancelToolCall } from '../models/tool-runner.js';
import { loadFunctions } from './load-functions.js';

/** What the command line says about tools (`-T`, `--functions`, `--td`, `--ta`, `--chain-limit`). */
export interface ToolArguments {
  /** `-T NAME` / `-T 'Name({...})'`, then a template's `tools:`. */
  readonly tools: readonly string[];
  /** `--functions FILE|CODE`, then a template's `functions:`. */
  readonly functions: readonly string[];
  /** `--td`: print each call and its result on stderr. */
  readonly debug: boolean;
  /** `--ta`: ask before each call. */
  readonly approve: boolean;
  /** `--chain-limit N`. */
  readonly chainLimit?: number | undefined;
}

/** Asks the user a question and returns the line typed (undefined at end of input). */
export type Ask = (question: string) => Promise<string | undefined>;

/** The chain options for the tools the user named; undefined when none was named. */
export type CliToolOptions = Pick<ChainOptions, 'tools' | 'chainLimit' | 'beforeCall' | 'afterCall'> & { readonly tools: readonly Tool[] };

/**
 * The tools the user named, with `--td`/`--ta` behaviour, for `model.chain()`. Only named tools
 * are ever offered to the model. `-T` with a model that cannot call tools is a usage error; so is
 * `--ta` without a terminal to ask at (`hasTerminal`).
 */
export async function cliTools(
  llm: Llm,
  model: Model,
  args: ToolArguments,
  io: { readonly ask: Ask; readonly hasTerminal: boolean; readonly stderr: NodeJS.WritableStream },
): Promise<CliToolOptions | undefined> {
  if (args.chainLimit !== undefined && (!Number.isInteger(args.chainLimit) || args.chainLimit < 0)) {
    throw new UsageError(`--chain-limit must be a whole number, 0 or more (0: no limit); got ${args.chainLimit}.`);
  }
  if (args.tools.length === 0 && args.functions.length === 0) {
    if (args.approve || args.debug) llm.warn(`${args.approve ? '--ta' : '--td'} has no effect without tools: name them with -T NAME or --functions`);
    return undefined;
  }
  if (!model.supportsTools) {
    throw new UsageError(`Model '${model.id}' does not support tools. Pick one that does with -m ('llm models --options' lists each model's features).`);
  }
  if (args.approve && !io.hasTerminal) {
    throw new UsageError('--ta asks before each tool call, which needs a terminal: run llm at one, or leave out --ta to let the named tools run.');
  }
  const tools: Tool[] = [];
  for (const code of args.functions) tools.push(...(await loadFunctions(code, llm.warn)));
  tools.push(...llm.tools().resolve(args.tools));
  return {
    tools,
    chainLimit: args.chainLimit,
    ...(args.approve ? { beforeCall: approver(io.ask, io.stderr) } : {}),
    ...(args.debug ? { afterCall: debugPrinter(io.stderr) } : {}),
  };
}

/**
 * `--ta`: shows the call and asks; anything but yes cancels it (the model is told). The calls of
 * one reply run concurrently, but their questions are asked one at a time, in order: two at once
 * would share the terminal and read one answer for both.
 */
export function approver(ask: Ask, stderr: NodeJS.WritableStream): NonNullable<ChainOptions['beforeCall']> {
  let previous: Promise<unknown> = Promise.resolve();
  return (_tool, call) => {
    const asked = previous.then(async () => {
      stderr.write(`Tool call: ${describeCall(call)}\n`);
      const answer = (await ask('Approve tool call? [y/N]: '))?.trim().toLowerCase();
      if (answer !== 'y' && answer !== 'yes') throw new CancelToolCall('User cancelled tool call');
    });
    previous = asked.catch(() => undefined);
    return asked;
  };
}

/** `--td`: each call and its result (JSON indented) on stderr, as the Python llm prints them. */
export function debugPrinter(stderr: NodeJS.WritableStream): NonNullable<ChainOptions['afterCall']> {
  return (_tool, call, result) => {
    stderr.write(`\nTool call: ${describeCall(call)}\n`);
    stderr.write(`${indent(prettyOutput(result))}\n`);
    if (result.exception) stderr.write(`  Exception: ${result.exception.message}\n`);
  };
}

function describeCall(call: ToolCall): string {
  return `${call.name}(${JSON.stringify(call.arguments)})`;
}

function prettyOutput(result: ToolResult): string {
  try {
    return JSON.stringify(JSON.parse(result.output), null, 2);
  } catch {
    return result.output;
  }
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
