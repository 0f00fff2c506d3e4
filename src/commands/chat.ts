import { Command } from '../cli/command.js';
import { conversationFlags, modelFlags, PAIRED_FLAGS } from '../cli/flags.js';
import { pairKeyValueArgs, parseKeyValues } from '../cli/key-value-args.js';
import { InterruptedError } from '../errors.js';
import { runChat } from '../services/chat-session.js';
import { promptTargetFromFlags } from '../services/continue-conversation.js';

export default class Chat extends Command {
  static override summary = 'Chat with a model: one conversation, one prompt per line.';

  static override description = `Type 'exit' or 'quit' (or press Ctrl-D) to leave. Type '!multi' to enter several lines, then '!end'.
Ctrl-C while the model answers stops that answer; Ctrl-C at the prompt leaves the chat.`;

  static override examples = [
    '<%= config.bin %> chat -m echo',
    '<%= config.bin %> chat -m 4o-mini -s "You are a patient tutor" -o temperature 0.2',
    '<%= config.bin %> chat -c          # pick up the last conversation where it stopped',
  ];

  static override flags = { ...modelFlags, ...conversationFlags };

  async run(): Promise<void> {
    const { flags } = await this.parse(Chat, pairKeyValueArgs(this.argv, PAIRED_FLAGS));
    const llm = await this.llm();
    const { model, conversation } = await promptTargetFromFlags(llm, this.argv, flags);
    const options = await model.validateOptions(parseKeyValues(flags.option), { fromCli: true });

    let answering: AbortController | undefined;
    const onSigint = () => {
      if (answering && !answering.signal.aborted) answering.abort(new InterruptedError());
      else process.exit(130);
    };
    process.on('SIGINT', onSigint);
    try {
      await runChat({
        model,
        system: flags.system,
        options,
        key: flags.key,
        stream: !flags['no-stream'],
        conversation,
        log: flags.database ? { database: flags.database } : undefined,
        input: process.stdin,
        output: process.stdout,
        turnSignal: () => {
          answering = new AbortController();
          return { signal: answering.signal, done: () => (answering = undefined) };
        },
      });
    } finally {
      process.off('SIGINT', onSigint);
    }
  }
}
