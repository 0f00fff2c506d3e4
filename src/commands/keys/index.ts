import KeysList from './list.js';

export default class Keys extends KeysList {
  static override summary = 'Manage stored API keys (same as llm keys list).';
}
