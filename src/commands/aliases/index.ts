import AliasesList from './list.js';

export default class Aliases extends AliasesList {
  static override summary = 'Manage model aliases (same as llm aliases list).';
}
