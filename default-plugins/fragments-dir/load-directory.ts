import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { Fragment, isText, LlmError } from 'llm-host';

/** Files larger than this are left out (a log or a data dump is rarely wanted in a prompt). */
export const MAX_FILE_BYTES = 1024 * 1024;

type Ignore = import('ignore').Ignore;

/** The `.gitignore` rules of one folder, with the folder they are relative to. */
interface Rules {
  readonly dir: string;
  readonly ignore: Ignore;
}

/**
 * The fragments for `dir:PATH`: each text file under the folder, in path order, as its relative
 * path followed by its text in a code fence. `.gitignore` files apply to their folder and below,
 * as git reads them; `.git` is always skipped, and so are binary files and files over 1 MiB.
 */
export async function loadDirectory(argument: string): Promise<Fragment[]> {
  const root = resolve(argument || '.');
  const info = await stat(root).catch(() => undefined);
  if (!info?.isDirectory()) throw new LlmError(`dir:${argument} needs a folder, and ${root} ${info ? 'is a file (use -f PATH for one file)' : 'does not exist'}.`);
  const { default: ignore } = await import('ignore');
  const fragments: Fragment[] = [];
  const walk = async (dir: string, rules: readonly Rules[]): Promise<void> => {
    const gitignore = await readFile(join(dir, '.gitignore'), 'utf8').catch(() => undefined);
    const active = gitignore === undefined ? rules : [...rules, { dir, ignore: ignore().add(gitignore) }];
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name === '.git') continue;
      const path = join(dir, entry.name);
      const isDir = entry.isDirectory();
      if (active.some((r) => r.ignore.ignores(relative(r.dir, path).split(sep).join('/') + (isDir ? '/' : '')))) continue;
      if (isDir) await walk(path, active);
      else if (entry.isFile()) {
        const fragment = await fileFragment(path, relative(root, path).split(sep).join('/'));
        if (fragment) fragments.push(fragment);
      }
    }
  };
  await walk(root, []);
  return fragments;
}

async function fileFragment(path: string, name: string): Promise<Fragment | undefined> {
  if ((await stat(path)).size > MAX_FILE_BYTES) return undefined;
  const bytes = await readFile(path);
  if (!isText(bytes)) return undefined;
  const text = bytes.toString('utf8');
  let fence = '```';
  while (text.includes(fence)) fence += '`';
  return new Fragment(`${name}\n${fence}\n${text.replace(/\n$/, '')}\n${fence}`, path);
}
