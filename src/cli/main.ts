import { packageVersion } from '../package-info.js';

/**
 * The CLI's entry. `--version` is answered here, before the CLI framework or any plugin loads;
 * everything else goes to the router.
 */
export async function main(argv: readonly string[]): Promise<void> {
  if (argv.length === 1 && argv[0] === '--version') {
    process.stdout.write(`llm/${packageVersion()} ${process.platform}-${process.arch} node-${process.version}\n`);
    return;
  }
  const { dispatchCli } = await import('./dispatch.js');
  await dispatchCli(argv);
}
