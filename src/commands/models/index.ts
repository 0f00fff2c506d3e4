import ModelsList from './list.js';

export default class Models extends ModelsList {
  static override summary = 'List the models that plugins provide (same as llm models list).';
}
