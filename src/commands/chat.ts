import { Command } from '../cli/command.js';
import { hasTerminal } from '../cli/ask.js';
import { attachmentArguments, attachmentFlags, conversationFlags, modelFlags, PAIRED_FLAGS, templateFlags, toolFlags } from '../cli/flags.js';
import { pairKeyValueArgs, parseKeyValues } from '../cli/key-value-args.js';
import { InterruptedError, UsageError } from '../errors.js';
import { checkAttachmentTypes } from '../models/response.js';
import { withConversationOrigin } from '../models/origin.js';
import { runChat } from '../services/chat-session.js';
import { approver, cliTools } from '../services/cli-tools.js';
import { continuedConversation, modelFromArgv as typedModel } from '../services/continue-conversation.js';
import { prepareChat } from '../services/prepare-prompt.js';
import { resolveFragments, splitFragments } from '../services/resolve-fragments.js';

export default class Chat extends Command {
  static override summary = 'Chat with a model: one conversation, one prompt per line.';

  static override description = `Type 'exit' or 'quit' (or press Ctrl-D) to leave. Type '!multi' to enter several lines, then '!end'.
Ctrl-C while the model answers stops that answer; Ctrl-C at the prompt leaves the chat.

With -t NAME every line you type goes through the template, as llm -t does with a prompt; its system prompt goes with the first line.
With -T NAME or --functions the model may call those tools in every turn (--ta asks before each call, at the chat's prompt).
With -c or --cid the chat picks up a logged conversation, with its model unless -m names another.
-a, --at, -f and --sf go with the first line you send, as in llm prompt (a path, URL, hash or alias; not -: the chat reads stdin). Type '!fragment NAME [NAME ...]' to add fragments to a line (alone on a line it sends them; inside !multi it adds them to that message).`;

  static override examples = [
    '<%= config.bin %> chat -m echo',
    '<%= config.bin %> chat -m 4o-mini -s "You are a patient tutor" -o temperature 0.2',
    '<%= config.bin %> chat -t translate -p language German',
    '<%= config.bin %> chat -c          # pick up the last conversation where it stopped',
    '<%= config.bin %> chat -T llm_time --td',
    '<%= config.bin %> chat -m 4o-mini -f README.md -a diagram.png   # both go with the first line',
  ];

  static override flags = { ...modelFlags, ...attachmentFlags, ...templateFlags, ...conversationFlags, ...toolFlags };

  async run(): Promise<void> {
    const { flags } = await this.parse(Chat, pairKeyValueArgs(this.argv, PAIRED_FLAGS));
    const llm = await this.llm();
    const continued = await continuedConversation(llm, this.argv, flags);
    const { model, system, options, transform, templateTools, attachments, fragments, systemFragments } = await prepareChat(llm, {
      model: continued?.model.id ?? typedModel(this.argv, flags.model),
      defaultModel: flags.model,
      system: flags.system,
      options: parseKeyValues(flags.option),
      template: flags.template,
      params: parseKeyValues(flags.param),
      attachments: attachmentArguments(flags),
      fragments: flags.fragment,
      systemFragments: flags['system-fragment'],
      database: flags.database,
    });
    // `!fragment REF ...`: resolved as -f resolves them; attachments loaders return are checked now.
    const loadFragments = async (references: string[]) => {
      if (references.includes('-')) throw new UsageError('!fragment - cannot read stdin: llm chat reads your lines from it. Give a path, URL, hash or alias.');
      const loaded = splitFragments(await resolveFragments(llm, references, { stdin: null, database: flags.database, allowAttachments: true }));
      await checkAttachmentTypes(model, loaded.attachments);
      return loaded;
    };

    // The chat reads stdin itself, so --ta needs stdin to be the terminal it asks at.
    const tools = await cliTools(
      llm,
      model,
      { tools: [...(templateTools?.tools ?? []), ...(flags.tool ?? [])], functions: [...(templateTools?.functions ?? []), ...(flags.functions ?? [])], debug: flags['tools-debug'], approve: flags['tools-approve'], chainLimit: flags['chain-limit'] },
      { ask: async () => undefined, hasTerminal: hasTerminal(), stderr: process.stderr },
    );

    let answering: AbortController | undefined;
    const onSigint = () => {
      if (answering && !answering.signal.aborted) answering.abort(new InterruptedError());
      else process.exit(130);
    };
    process.on('SIGINT', onSigint);
    try {
      await withConversationOrigin('chat', () => runChat({
        model,
        system,
        options,
        transform,
        key: flags.key,
        stream: !flags['no-stream'],
        conversation: continued?.conversation,
        tools: tools && ((ask) => (tools.beforeCall ? { ...tools, beforeCall: approver(ask, process.stderr) } : tools)),
        log: flags.database ? { database: flags.database } : undefined,
        attachments,
        fragments,
        systemFragments,
        loadFragments,
        input: process.stdin,
        output: process.stdout,
        errors: process.stderr,
        turnSignal: () => {
          answering = new AbortController();
          return { signal: answering.signal, done: () => (answering = undefined) };
        },
      }));
    } finally {
      process.off('SIGINT', onSigint);
    }
  }
}
