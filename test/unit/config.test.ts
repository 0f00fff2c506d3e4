import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/host/config.js';
import { ConfigError } from '../../src/errors.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('config: default plugins', () => {
  let user: ReturnType<typeof tempDir>;
  let project: ReturnType<typeof tempDir>;
  beforeEach(() => {
    user = tempDir();
    project = tempDir();
  });
  afterEach(() => {
    user.remove();
    project.remove();
  });
  const load = () => loadConfig({ cwd: project.path, userDir: user.path, warn: () => {} });

  it('switches default plugins on and off, and takes an options object as "on, with these options"', async () => {
    writeFileSync(join(user.path, '.llmrc.yaml'), 'defaultPlugins:\n  echo: false\n  openai:\n    timeout: 120\n    maxAttempts: 5\n');
    expect(await load()).toMatchObject({
      defaultPlugins: { echo: false, openai: true },
      defaultPluginOptions: { openai: { timeout: 120, maxAttempts: 5 } },
    });
  });

  it('merges the project file over the user one, option by option', async () => {
    writeFileSync(join(user.path, '.llmrc.json'), JSON.stringify({ defaultPlugins: { openai: { timeout: 120, maxAttempts: 5 } } }));
    writeFileSync(join(project.path, '.llmrc.json'), JSON.stringify({ defaultPlugins: { openai: { maxAttempts: 1 }, echo: true } }));
    expect(await load()).toMatchObject({
      defaultPlugins: { openai: true, echo: true },
      defaultPluginOptions: { openai: { timeout: 120, maxAttempts: 1 } },
    });
    writeFileSync(join(project.path, '.llmrc.json'), JSON.stringify({ defaultPlugins: { openai: false } }));
    expect((await load()).defaultPlugins).toEqual({ openai: false });
  });

  it('rejects anything else, naming the file', async () => {
    writeFileSync(join(user.path, '.llmrc.json'), JSON.stringify({ defaultPlugins: { openai: 'yes' } }));
    const error = await load().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(`Config file ${join(user.path, '.llmrc.json')}: 'defaultPlugins.openai' must be true, false or an object of options for the plugin.`);
  });
});
