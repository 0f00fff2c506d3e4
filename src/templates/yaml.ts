import { commonJsExports } from '../util/interop.js';

type YamlModule = typeof import('yaml');

let loading: Promise<YamlModule> | undefined;

/** The `yaml` package, imported on first use: only commands that touch templates load it. */
export function loadYaml(): Promise<YamlModule> {
  loading ??= import('yaml').then((module) => commonJsExports(module));
  return loading;
}

/**
 * Template YAML as text. Written as YAML 1.1 so that strings such as `yes`, `on` or `n` are quoted
 * and read back as strings by both YAML 1.2 readers and the Python llm's PyYAML.
 */
export async function stringifyYaml(data: unknown): Promise<string> {
  const YAML = await loadYaml();
  return YAML.stringify(data, { version: '1.1', indent: 4, lineWidth: 0 });
}
