import { commandSummaries, readCommandSummaries } from '../../../src/cli/help.js';
import { tempDir } from '../../helpers/temp-dir.js';

// `llm --help` lists the default plugins' commands from the summaries the build writes, without
// importing them: they must be what the command classes say, every command of every default plugin.
describe('the default plugins\' command summaries', () => {
  it('the file the build wrote holds exactly what the commands say', async () => {
    const dir = tempDir('llm-summaries-');
    try {
      const live = await commandSummaries(dir.path);
      expect(Object.keys(live).length).toBeGreaterThan(30);
      expect(live['sqlite-logger logs']?.summary).toMatch(/\S/);
      expect(readCommandSummaries()).toEqual(JSON.parse(JSON.stringify(live)));
    } finally {
      dir.remove();
    }
  });
});
