import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { Command } from '../cli/command.js';
import { askAtTerminal, hasTerminal } from '../cli/ask.js';
import { attachmentArguments, attachmentFlags, conversationFlags, modelFlags, PAIRED_FLAGS, templateFlags, toolFlags } from '../cli/flags.js';
import { withInterrupt } from '../cli/interrupt.js';
import { pairKeyValueArgs, parseKeyValues } from '../cli/key-value-args.js';
import { quiesceJitEarly } from '../cli/quiesce-jit.js';
import { UsageError } from '../errors.js';
import { withConversationOrigin } from '../models/origin.js';
import { parseCacheTtl } from '../models/response-cache.js';
import { cliTools } from '../services/cli-tools.js';
import { continuedConversation, modelFromArgv } from '../services/continue-conversation.js';
import { preparePrompt } from '../services/prepare-prompt.js';
import { saveTemplateFromPrompt } from '../services/save-template.js';
import { resolveSchemaArg } from '../services/schema-arg.js';
import { writeExtracted } from '../services/write-extracted.js';
import { formatUsage, writeResponse } from '../services/write-response.js';

export default class Prompt extends Command {
  static override summary = 'Send a prompt to a model and stream the reply (the default command).';

  static override description = `\`llm "..."\` is short for \`llm prompt "..."\`. Piped stdin comes first, then the
prompt arguments. Options are checked against the model's options schema before any request.
Every response is logged unless logging is off (see the sqlite-logger plugin).

-t NAME fills in a template (see llm templates): $input becomes your input, other $variables come from -p KEY VALUE or the template's defaults. -m, -s and -o win over the template's own values.

-T NAME lets the model call a tool (see llm tools); --functions FILE|CODE makes exported functions tools. Tools run code with your rights: only the tools you name ever run. The model's calls run, their results go back to it, and so on until it answers (at most --chain-limit replies).

--save NAME stores the prompt, -s, -m, -o, -p (as defaults), -f, --sf, -a and --at as a template instead of running it; --force replaces an existing one.

-a attaches a file, a URL or stdin (-a -); its type is read from its content and must be one the model takes (llm models --options lists them). -f and --sf add text fragments before the prompt and the system prompt; each is stored once in the log (see llm fragments).`;

  static override examples = [
    '<%= config.bin %> "Ten names for a pet pelican"',
    '<%= config.bin %> -m echo -s "Answer briefly" "What is a pelican?"',
    'cat notes.txt | <%= config.bin %> "Summarize these notes"',
    '<%= config.bin %> -m echo -o delay 50 "Stream this slowly"',
    'git diff --staged | <%= config.bin %> -t commit-message',
    '<%= config.bin %> -t translate -p language French "Where is the station?"',
    '<%= config.bin %> -s "Summarize this in the voice of $voice" -p voice GlaDOS --save glados',
    '<%= config.bin %> --schema "name, age int, bio: a short bio" "Invent a dog"',
    '<%= config.bin %> --schema dog.schema.json "Describe a dog"',
    '<%= config.bin %> -c "And one more"          # continue the last conversation',
    '<%= config.bin %> -m echo -T llm_time \'{"prompt": "What time is it?", "tool_calls": [{"name": "llm_time", "arguments": {}}]}\' --td',
    '<%= config.bin %> -T llm_version -T llm_time "What version of llm is this, and what time is it?"',
    '<%= config.bin %> --functions tools.ts "Add 3 and 4"',
    '<%= config.bin %> -m 4o-mini -a photo.jpg "Describe this image"',
    'cat recording.wav | <%= config.bin %> -m gpt-4o-audio-preview -a - "Transcribe this"',
    '<%= config.bin %> -f README.md -f https://example.com/notes.txt "Summarize these"',
    '<%= config.bin %> -f dir:src "Where is the parser?"   # every text file under src/',
  ];

  static override strict = false;

  static override args = {
    // ignoreStdin: oclif would read piped stdin into this argument itself (trimmed, and only what
    // arrives within 10 ms); readPrompt reads all of it, unchanged.
    prompt: Args.string({ description: 'The prompt (several words are joined with spaces).', ignoreStdin: true }),
  };

  static override flags = {
    ...modelFlags,
    ...attachmentFlags,
    ...templateFlags,
    save: Flags.string({ summary: 'Save the prompt, -s, -m, -o, -p, -f, --sf, -a and --at values as template NAME instead of running it.', helpValue: 'NAME' }),
    force: Flags.boolean({ summary: 'With --save: replace an existing template of that name.', dependsOn: ['save'] }),
    ...conversationFlags,
    ...toolFlags,
    'no-log': Flags.boolean({ char: 'n', summary: 'Do not log this prompt and response.', exclusive: ['log'] }),
    log: Flags.boolean({ summary: 'Log this prompt and response even when logging is off.' }),
    usage: Flags.boolean({ char: 'u', summary: 'Show token usage on stderr.' }),
    cache: Flags.boolean({ summary: 'Answer from the log when it has a response to the same request (model, conversation, prompt, system, options, schema, tools, attachments): nothing is sent.' }),
    'cache-ttl': Flags.string({ summary: 'With --cache: only answers logged this recently (30m, 12h, 7d, 2w).', helpValue: 'AGE', dependsOn: ['cache'] }),
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
    const schema = flags.schema === undefined ? undefined : await resolveSchemaArg(flags.schema);
    const continued = flags.save === undefined ? await continuedConversation(llm, this.argv, flags) : undefined;
    const args = {
      words,
      // A continued conversation keeps its model; otherwise a typed -m wins over a template's model,
      // which wins over LLM_MODEL and the default model.
      model: continued?.model.id ?? modelFromArgv(this.argv, flags.model),
      defaultModel: flags.model,
      system: flags.system,
      options: parseKeyValues(flags.option),
      template: flags.template,
      params: parseKeyValues(flags.param),
      schema,
      attachments: attachmentArguments(flags),
      fragments: flags.fragment,
      systemFragments: flags['system-fragment'],
      database: flags.database,
    };
    if (flags.save !== undefined) {
      const saved = await saveTemplateFromPrompt(llm, { ...args, name: flags.save, force: flags.force, tools: flags.tool, functions: flags.functions });
      if (saved.hidesBundled) llm.warn(`your template '${flags.save}' now hides the bundled template of that name`);
      return;
    }
    const prepared = await preparePrompt(llm, args);
    const tools = await cliTools(
      llm,
      prepared.model,
      {
        // As in the Python llm: the template's tools first, then those of the command line.
        tools: [...(prepared.templateTools?.tools ?? []), ...(flags.tool ?? [])],
        functions: [...(prepared.templateTools?.functions ?? []), ...(flags.functions ?? [])],
        debug: flags['tools-debug'],
        approve: flags['tools-approve'],
        chainLimit: flags['chain-limit'],
      },
      { ask: askAtTerminal, hasTerminal: hasTerminal(), stderr: process.stderr },
    );
    const ttl = flags['cache-ttl'];
    const ttlMs = ttl === undefined ? undefined : parseCacheTtl(ttl);
    await withInterrupt(async (signal) => {
      const settings = {
        ...(flags.cache ? { cache: { ttlMs } } : {}),
        system: prepared.system,
        options: prepared.options,
        schema: prepared.schema,
        attachments: prepared.attachments,
        fragments: prepared.fragments,
        systemFragments: prepared.systemFragments,
        key: flags.key,
        stream: !flags['no-stream'] && !prepared.extract,
        signal,
        conversation: continued?.conversation,
        log: flags['no-log'] ? false : { force: flags.log, database: flags.database },
      };
      const response = withConversationOrigin('prompt', () => (tools ? prepared.model.chain(prepared.prompt, { ...settings, ...tools }) : prepared.model.prompt(prepared.prompt, settings)));
      // Without tools (code that may run long), what remains once the first chunk is out is light:
      // the process's end gets ready while the rest of the reply streams in.
      const afterFirstChunk = tools ? undefined : quiesceJitEarly;
      await (prepared.extract ? writeExtracted(response, prepared.extract) : writeResponse(response, process.stdout, undefined, afterFirstChunk));
      // The reply is on stdout already; now check it against the schema (an error lists what failed).
      if (prepared.schema) await response.json();
      if (flags.usage) process.stderr.write(`Token usage: ${formatUsage(await response.usage())}\n`);
    });
  }
}

