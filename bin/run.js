#!/usr/bin/env node
import module from 'node:module';

// Node 22.1+ keeps V8's compiled code of the CLI's modules on disk (in the temp folder), so later
// starts skip most parsing and compiling; NODE_DISABLE_COMPILE_CACHE=1 turns it off. Node 20 has
// no such cache. Called before the CLI is imported (a dynamic import), so it covers all of it.
module.enableCompileCache?.();

const { main } = await import('../dist/src/cli/main.js');
await main(process.argv.slice(2));
