import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { LlmError } from '../errors.js';
import type { TemplateStore } from '../templates/store.js';
import type { Template } from '../templates/template.js';
import { writeFileAtomic } from '../util/write-file-atomic.js';

/** What a new template starts as: a working template, with the other keys as comments. */
export const NEW_TEMPLATE = `# An llm prompt template. Every key is optional; see 'llm templates --help'.
# $input is your input (piped text and prompt arguments); $name is a variable (-p name VALUE).
# system: You are a helpful assistant
prompt: $input
# model: gpt-4o-mini
# defaults:
#   name: a value used when -p name is not given
# options:
#   temperature: 0.7
`;

/** The editor command: $EDITOR, else $VISUAL, else vi (notepad on Windows). */
export function editorCommand(env: Readonly<Record<string, string | undefined>>): string {
  return env.EDITOR?.trim() || env.VISUAL?.trim() || (process.platform === 'win32' ? 'notepad' : 'vi');
}

/**
 * Opens the user's copy of a template in their editor, then checks it. A name that is only bundled
 * is copied into the user's templates folder first (the copy then wins); a new name starts as
 * `NEW_TEMPLATE`. A template left invalid stays on disk, and the error says how to fix it.
 */
export async function editTemplate(store: TemplateStore, name: string, env: Readonly<Record<string, string | undefined>>): Promise<Template> {
  const path = store.userPath(name);
  const found = await store.find(name);
  if (found?.source !== 'user') {
    await writeFileAtomic(path, found ? await readFile(found.path, 'utf8') : NEW_TEMPLATE);
  }
  await runEditor(editorCommand(env), path, env);
  return store.loadFound({ name, path, source: 'user' });
}

/**
 * Runs the editor on a file and waits for it. The command goes through the shell, as git and the
 * Python llm do, so `EDITOR="code -w"` works.
 */
async function runEditor(editor: string, path: string, env: Readonly<Record<string, string | undefined>>): Promise<void> {
  const quoted = process.platform === 'win32' ? `"${path}"` : `'${path.replaceAll("'", `'\\''`)}'`;
  const child = spawn(`${editor} ${quoted}`, { shell: true, stdio: 'inherit', env: env as NodeJS.ProcessEnv });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (exitCode) => resolve(exitCode));
  }).catch((error: Error) => {
    throw new LlmError(`Cannot start the editor '${editor}': ${error.message}. Set EDITOR to your editor's command.`);
  });
  if (code !== 0) {
    throw new LlmError(`The editor '${editor}' exited with ${code === null ? 'a signal' : `code ${code}`}; ${path} is as it left it. Set EDITOR to your editor's command if '${editor}' is not it.`);
  }
}
