import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command as OclifCommand } from '@oclif/core/command';
import { packageRoot } from '../package-info.js';

/** A built-in command as oclif.manifest.json describes it (flags, args, summary, file...). */
export type ManifestCommand = OclifCommand.Cached & { readonly relativePath?: string[] };

/** The built-in commands of oclif.manifest.json, which the build writes. */
export interface BuiltinCommands {
  /** Every command by its colon id and by each of its aliases, as oclif's Config finds them. */
  readonly byId: ReadonlyMap<string, ManifestCommand>;
}

let read: BuiltinCommands | undefined | null;

/** The manifest's commands, read once; undefined when it cannot be read (oclif's Config then reports it). */
export function builtinCommands(): BuiltinCommands | undefined {
  if (read !== undefined) return read ?? undefined;
  let manifest: { commands?: Record<string, ManifestCommand> };
  try {
    manifest = JSON.parse(readFileSync(join(packageRoot, 'oclif.manifest.json'), 'utf8')) as typeof manifest;
  } catch {
    read = null;
    return undefined;
  }
  const byId = new Map<string, ManifestCommand>();
  for (const [id, command] of Object.entries(manifest.commands ?? {})) {
    byId.set(id, command);
    // As oclif's Config holds an alias: the command under the alias's id, shown unless hidden.
    for (const alias of command.aliases ?? []) byId.set(alias, { ...command, hidden: false, id: alias });
    for (const alias of command.hiddenAliases ?? []) byId.set(alias, { ...command, id: alias, hidden: true });
  }
  read = { byId };
  return read;
}

/** Imports a built-in command from the file the manifest names. */
export async function importBuiltin(command: { readonly relativePath?: string[]; load?(): Promise<OclifCommand.Class> }): Promise<OclifCommand.Class> {
  if (!command.relativePath) {
    if (!command.load) throw new Error('llm: a built-in command without a file in oclif.manifest.json; run `npm run build`');
    return command.load();
  }
  const module = (await import(pathToFileURL(join(packageRoot, ...command.relativePath)).href)) as { default: OclifCommand.Class };
  return module.default;
}
