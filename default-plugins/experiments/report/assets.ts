import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { LlmError } from 'llm-host';

/**
 * The charting library the report inlines: Observable Plot's browser build and d3's (Plot draws
 * with d3). Read from node_modules when a report is written, never at start-up.
 */
export interface ChartLibraries {
  readonly d3: string;
  readonly plot: string;
}

const requireHere = createRequire(import.meta.url);

/** Reads d3's and Plot's minified browser builds (their `umd` exports) from node_modules. */
export async function loadChartLibraries(): Promise<ChartLibraries> {
  const [d3, plot] = await Promise.all([readBuild('d3', 'dist/d3.min.js'), readBuild('@observablehq/plot', 'dist/plot.umd.min.js')]);
  return { d3, plot };
}

async function readBuild(name: string, file: string): Promise<string> {
  try {
    const path = join(packageRoot(name, requireHere.resolve(name)), file);
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new LlmError(`The report needs the package ${name} (${file}), which is missing from this installation: reinstall llm-host (${(error as Error).message.split('\n')[0]}).`);
  }
}

/** The package's folder, from the path of a file inside it. */
function packageRoot(name: string, entry: string): string {
  const marker = `${sep}node_modules${sep}${name.split('/').join(sep)}${sep}`;
  const at = entry.lastIndexOf(marker);
  return at >= 0 ? entry.slice(0, at + marker.length - 1) : dirname(dirname(entry));
}
