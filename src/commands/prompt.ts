import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { Command } from '../cli/command.js';
import { conversationFlags, modelFlags, PAIRED_FLAGS } from '../cli/flags.js';
import { withInterrupt } from '../cli/interrupt.js';
import { pairKeyValueArgs, parseKeyValues } from '../cli/key-value-args.js';
import { UsageError } from '../errors.js';
import { promptTargetFromFlags } from '../services/continue-conversation.js';
import { readPrompt } from '../services/read-prompt.js';
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
    '<%= config.bin %> -c "And one more"          # continue the last conversation',
  ];

  static override strict = false;

  static override args = {
    prompt: Args.string({ description: 'The prompt (several words are joined with spaces).' }),
  };

  static override flags = {
    ...modelFlags,
    ...conversationFlags,
    'no-log': Flags.boolean({ char: 'n', summary: 'Do not log this prompt and response.', exclusive: ['log'] }),
    log: Flags.boolean({ summary: 'Log this prompt and response even when logging is off.' }),
    usage: Flags.boolean({ char: 'u', summary: 'Show token usage on stderr.' }),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Prompt, pairKeyValueArgs(this.argv, PAIRED_FLAGS));
    const words = argv as string[];
    const unknown = words.find((word) => /^--?[a-zA-Z]/.test(word) && !word.includes(' '));
    if (unknown) throw new UsageError(`Unknown flag ${unknown}. See 'llm prompt --help' (use -- before a prompt that starts with -).`);

    const llm = await this.llm();
    const { model, conversation } = await promptTargetFromFlags(llm, this.argv, flags);
    const options = await model.validateOptions(parseKeyValues(flags.option), { fromCli: true });
    const text = await readPrompt(words);
    await withInterrupt(async (signal) => {
      const response = model.prompt(text, {
        system: flags.system,
        options,
        key: flags.key,
        stream: !flags['no-stream'],
        signal,
        conversation,
        log: flags['no-log'] ? false : { force: flags.log, database: flags.database },
      });
      await writeResponse(response);
      if (flags.usage) process.stderr.write(`Token usage: ${formatUsage(await response.usage())}\n`);
    });
  }
}
