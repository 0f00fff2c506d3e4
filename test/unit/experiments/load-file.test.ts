import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadExperimentFile } from '../../../default-plugins/experiments/services/load-file.js';
import { Experiment } from '../../../default-plugins/experiments/lib/experiment.js';
import { tempDir } from '../../helpers/temp-dir.js';

describe('loading experiment files', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir('llm-experiment-file-')));
  afterEach(() => dir.remove());
  const file = (name: string, text: string) => {
    const path = join(dir.path, name);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
    return path;
  };

  it('compiles TypeScript from any folder, resolving llm to this llm, and finds every exported experiment', async () => {
    file('helper.ts', 'export const double = (n: number): number => n * 2;\n');
    const path = file(
      'exp.ts',
      `import { experiment, metric, type PipelineContext } from 'llm-host/experiments';
import { double } from './helper.js';
interface Out { readonly n: number }
const run = ({ index }: PipelineContext): Out => ({ n: double(index) });
export const first = experiment('first', run, { executions: 2 });
export default experiment('second', run);
export const both = [first];
export const notOne = metric('m', () => 1);
`,
    );
    const loaded = await loadExperimentFile('exp.ts', dir.path);
    expect(loaded.path).toBe(path);
    expect(loaded.experiments.map((e) => e.name)).toEqual(['first', 'second']);
    // The same class as the host's: the file got this llm, not a copy.
    expect(loaded.experiments[0]).toBeInstanceOf(Experiment);
    expect(await loaded.experiments[0]!.pipeline({ index: 3, input: undefined, signal: new AbortController().signal, runId: 'x' })).toEqual({ n: 6 });
  });

  it('loads .mjs and .js files', async () => {
    file('a.mjs', "import { experiment } from 'llm-host/experiments';\nexport default experiment('a', () => 1);\n");
    file('pkg/package.json', '{"type": "commonjs"}');
    file('pkg/b.js', "const { experiment } = require('llm-host/experiments');\nmodule.exports = { b: experiment('b', () => 2) };\n");
    expect((await loadExperimentFile('a.mjs', dir.path)).experiments.map((e) => e.name)).toEqual(['a']);
    expect((await loadExperimentFile('pkg/b.js', dir.path)).experiments.map((e) => e.name)).toEqual(['b']);
  });

  it("still takes the package's old name, 'llm', with one deprecation warning per file", async () => {
    file('old.ts', "import { experiment } from 'llm/experiments';\nimport { Command } from 'llm/command';\nexport default experiment('old', () => typeof Command);\n");
    const warnings: string[] = [];
    const loaded = await loadExperimentFile('old.ts', dir.path, (message) => warnings.push(message));
    expect(loaded.experiments[0]).toBeInstanceOf(Experiment);
    expect(warnings).toEqual([
      `experiment file ${join(dir.path, 'old.ts')} imports 'llm', the package's name before 0.2: import from 'llm-host' instead ('llm' stops working in 0.3)`,
    ]);
    file('new.ts', "import { experiment } from 'llm-host/experiments';\nexport default experiment('new', () => 1);\n");
    await loadExperimentFile('new.ts', dir.path, (message) => warnings.push(message));
    expect(warnings).toHaveLength(1);
  });

  it("still gives a file that imports the experiments from the package's root what it asks for, with one warning", async () => {
    file('root.ts', "import { bot, experiment, prompt } from 'llm-host';\nimport { Model } from 'llm-host';\nexport default experiment('root', () => [typeof bot, typeof prompt, typeof Model].join());\n");
    const warnings: string[] = [];
    const loaded = await loadExperimentFile('root.ts', dir.path, (message) => warnings.push(message));
    expect(loaded.experiments[0]).toBeInstanceOf(Experiment);
    expect(await loaded.experiments[0]!.pipeline({ index: 0, input: undefined, signal: new AbortController().signal, runId: 'x' })).toBe('function,function,function');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      new RegExp(`^experiment file ${join(dir.path, 'root.ts').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} imports (bot|experiment|prompt) from 'llm-host': import it from 'llm-host/experiments' instead .*stop working in 0\\.3\\)$`),
    );
    // A 0.1 file: the old name and the old place, both said once.
    file('older.mjs', "import { experiment } from 'llm';\nexport default experiment('older', () => 1);\n");
    const more: string[] = [];
    await loadExperimentFile('older.mjs', dir.path, (message) => more.push(message));
    expect(more).toHaveLength(2);
    expect(more[0]).toContain("imports 'llm', the package's name before 0.2");
    expect(more[1]).toContain("imports experiment from 'llm-host': import it from 'llm-host/experiments' instead");
  });

  it('reports a compile error with file, line and column', async () => {
    file('broken.ts', "import { experiment } from 'llm-host/experiments';\n\nexport default experiment('x', () => (;\n");
    await expect(loadExperimentFile('broken.ts', dir.path)).rejects.toThrow(/^broken\.ts:3:\d+: .+ \(the file does not compile\)$/);
  });

  it('reports an error thrown while the file loads, with its line', async () => {
    file('throws.mjs', "const x = 1;\nthrow new Error('no dataset at ./data.json');\n");
    await expect(loadExperimentFile('throws.mjs', dir.path)).rejects.toThrow(/^throws\.mjs:2(:\d+)?: no dataset at \.\/data\.json \(while loading the experiment file\)$/);
    file('missing-import.ts', "import { nope } from './nowhere.js';\nexport default nope;\n");
    await expect(loadExperimentFile('missing-import.ts', dir.path)).rejects.toThrow(/^missing-import\.ts.*nowhere/);
  });

  it('says when a file exports no experiment, and what it exports instead', async () => {
    file('none.ts', "export const x = 1;\nexport default function run() {}\n");
    await expect(loadExperimentFile('none.ts', dir.path)).rejects.toThrow(
      "none.ts exports no experiment: export one made with experiment(name, pipeline, options) from 'llm-host/experiments' (it exports default, x).",
    );
  });

  it('refuses a missing file, a folder, another extension and two experiments with one name', async () => {
    await expect(loadExperimentFile('nope.ts', dir.path)).rejects.toThrow(`No experiment file at ${join(dir.path, 'nope.ts')}: check the path.`);
    await expect(loadExperimentFile('.', dir.path)).rejects.toThrow(/is a directory/);
    file('data.json', '{}');
    await expect(loadExperimentFile('data.json', dir.path)).rejects.toThrow('data.json is not a .ts, .js or .mjs module');
    file('twins.mjs', "import { experiment } from 'llm-host/experiments';\nexport const a = experiment('same', () => 1);\nexport const b = experiment('same', () => 2);\n");
    await expect(loadExperimentFile('twins.mjs', dir.path)).rejects.toThrow("twins.mjs exports two experiments named 'same': give each its own name.");
  });
});
