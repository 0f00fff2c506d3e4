import TemplatesList from './list.js';

export default class Templates extends TemplatesList {
  static override summary = 'Manage prompt templates (same as llm templates list).';

  static override description = `A template is a YAML file with any of: prompt, system, model, defaults, options, schema_object, extract, extract_last. In prompt and system, $input is your input and $name a variable set with -p name VALUE (or by defaults). Use one with llm -t NAME, save one with llm ... --save NAME.`;
}
