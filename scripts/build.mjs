// Compiles TypeScript to dist/ and generates oclif.manifest.json from the compiled commands
// (what `oclif manifest` does, without the oclif packaging tool's large dependency tree).
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
rmSync(join(root, 'dist'), { recursive: true, force: true });
execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.json')], { stdio: 'inherit' });

const { Plugin } = await import('@oclif/core');
const plugin = new Plugin({ root, isRoot: true, ignoreManifest: true, errorOnManifestCreate: true, respectNoCacheDefault: true, type: 'core' });
await plugin.load();
const manifest = plugin.manifest;
manifest.commands = Object.fromEntries(Object.entries(manifest.commands).sort(([a], [b]) => a.localeCompare(b)));
writeFileSync(join(root, 'oclif.manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
console.log(`built dist/ and oclif.manifest.json (${Object.keys(manifest.commands).length} commands)`);
