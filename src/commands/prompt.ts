import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { Command } from '../cli/command.js';
import { modelFlags, PAIRED_FLAGS } from '../cli/flags.js';
import { withInterrupt } from '../cli/interrupt.js';
import { pairKeyValueArgs, parseKeyValues } from '../cli/key-value-args.js';
import { UsageError } from '../errors.js';
import { readPrompt } from '../services/read-prompt.js';
import { resolveSchemaArg } from '../services/schema-arg.js';
import { formatUsage, writeResponse } from '../services/write-response.js';

export default class Prompt extends Command {
  static override summary = 'Send a prompt to a model and stream the reply (the default command).';

  static override description = `\`llm "..."\` is short for \`llm prompt "..."\`. Piped stdin comes first, then the
prompt arguments. Options are checked against the model's options schema before any request.
Every response is logged unless logging is off (see the sqlite-logger plugin).`;

  static override examples = [
    '<%= config.bin %> "Ten names for a pet pelican"',
    '<%= config.bin %> -m echo -s "Answer briefly" "What is a pelican?"',
    'cat notes.txt | <%= config.bin %> "Summarize these notes"',
    '<%= config.bin %> -m echo -o delay 50 "Stream this slowly"',
    '<%= config.bin %> --schema "name, age int, bio: a short bio" "Invent a dog"',
    '<%= config.bin %> --schema dog.schema.json "Describe a dog"',
  ];

  static override strict = false;

  static override args = {
    prompt: Args.string({ description: 'The prompt (several words are joined with spaces).' }),
  };

  static override flags = {
    ...modelFlags,
    'no-log': Flags.boolean({ char: 'n', summary: 'Do not log this prompt and response.', exclusive: ['log'] }),
    log: Flags.boolean({ summary: 'Log this prompt and response even when logging is off.' }),
    usage: Flags.boolean({ char: 'u', summary: 'Show token usage on stderr.' }),
    schema: Flags.string({
      summary: 'JSON Schema the reply must match: inline JSON, a JSON file, or fields like "name, age int, bio: a short bio".',
      helpValue: 'SCHEMA',
    }),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Prompt, pairKeyValueArgs(this.argv, PAIRED_FLAGS));
    const words = argv as string[];
    const unknown = words.find((word) => /^--?[a-zA-Z]/.test(word) && !word.includes(' '));
    if (unknown) throw new UsageError(`Unknown flag ${unknown}. See 'llm prompt --help' (use -- before a prompt that starts with -).`);

    const llm = await this.llm();
    const model = await llm.getModel(flags.model);
    const options = await model.validateOptions(parseKeyValues(flags.option), { fromCli: true });
    const schema = flags.schema === undefined ? undefined : await resolveSchemaArg(flags.schema);
    if (schema && !model.supportsSchema) {
      throw new UsageError(`Model '${model.id}' does not support --schema. Pick a model that does ('llm models --options' lists its features).`);
    }
    const text = await readPrompt(words);
    await withInterrupt(async (signal) => {
      const response = model.prompt(text, {
        system: flags.system,
        options,
        key: flags.key,
        stream: !flags['no-stream'],
        signal,
        log: flags['no-log'] ? false : { force: flags.log },
        schema,
      });
      await writeResponse(response);
      // The reply is on stdout already; now check it against the schema (an error lists what failed).
      if (schema) await response.json();
      if (flags.usage) process.stderr.write(`Token usage: ${formatUsage(await response.usage())}\n`);
    });
  }
}
