import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Config } from '@oclif/core';
import { LightConfig } from '../../../src/cli/light-config.js';
import { packageRoot } from '../../../src/package-info.js';
import { tempDir } from '../../helpers/temp-dir.js';

// llm's own commands run with a LightConfig instead of oclif's Config (start-up time). What a
// command reads of it must be what oclif's Config would hold, in every environment that changes it.
const ENV_KEYS = ['LLM_CONFIG_DIR', 'XDG_CONFIG_HOME', 'HOME', 'LLM_DISABLE_THEME'] as const;

async function both(env: Partial<Record<(typeof ENV_KEYS)[number], string>>): Promise<{ light: LightConfig | undefined; oclif: Config }> {
  const saved = Object.fromEntries(ENV_KEYS.map((key) => [key, process.env[key]]));
  try {
    for (const key of ENV_KEYS) {
      if (env[key] === undefined) delete process.env[key];
      else process.env[key] = env[key];
    }
    if (env.HOME === undefined) process.env.HOME = saved.HOME;
    return { light: LightConfig.create(), oclif: await Config.load({ root: packageRoot }) };
  } finally {
    for (const key of ENV_KEYS) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  }
}

describe('LightConfig', () => {
  it('holds what oclif’s Config holds for what commands read', async () => {
    const { light, oclif } = await both({});
    expect(light).toBeDefined();
    const l = light!.asConfig();
    for (const key of ['root', 'name', 'version', 'bin', 'binAliases', 'dirname', 'topicSeparator', 'arch', 'windows', 'userAgent', 'home', 'configDir', 'theme'] as const) {
      expect([key, l[key]]).toEqual([key, oclif[key]]);
    }
    expect(l.pjson.oclif).toEqual(oclif.pjson.oclif);
    expect(l.commandIDs).toEqual(oclif.commandIDs);
    expect(l.commandIDs).toEqual(expect.arrayContaining(['keys:path', 'install', 'uninstall']));
    for (const id of oclif.commandIDs) {
      const mine = l.findCommand(id)!;
      const theirs = oclif.findCommand(id)!;
      expect({ id: mine.id, args: mine.args, flags: mine.flags, strict: mine.strict, aliases: mine.aliases }).toEqual({
        id: theirs.id,
        args: theirs.args,
        flags: theirs.flags,
        strict: theirs.strict,
        aliases: theirs.aliases,
      });
      expect((await mine.load()).summary).toBe((await theirs.load()).summary);
    }
    expect(l.findCommand('no:such')).toBeUndefined();
    for (const key of ['CONTENT_TYPE', 'REDIRECTED', 'a-b']) {
      expect(l.scopedEnvVarKey(key)).toBe(oclif.scopedEnvVarKey(key));
      expect(l.scopedEnvVarKeys(key)).toEqual(oclif.scopedEnvVarKeys(key));
    }
    // What llm's help reads: every command and alias, and the topics derived from them.
    const shown = (commands: { id: string; hidden?: boolean; summary?: string; aliases?: string[] }[]) =>
      commands.map((c) => ({ id: c.id, hidden: c.hidden, summary: c.summary, aliases: c.aliases }));
    expect(shown(l.commands)).toEqual(shown(oclif.commands));
    expect(l.topics).toEqual(oclif.topics);
    expect(l.topics.map((t) => t.name)).toEqual(expect.arrayContaining(['aliases', 'models', 'keys:set']));
    for (const name of ['keys', 'experiments', 'no-such-topic']) expect(l.findTopic(name)).toEqual(oclif.findTopic(name));
    expect([...l.plugins.keys()]).toEqual([...oclif.plugins.keys()].filter((name) => name !== oclif.name));
    const hookOptions = { argv: ['x'], options: {} };
    expect(await l.runHook('preparse', hookOptions)).toEqual(await oclif.runHook('preparse', hookOptions));
  });

  it('finds oclif’s config folder as oclif does (LLM_CONFIG_DIR, XDG_CONFIG_HOME, HOME)', async () => {
    const dir = tempDir('llm-light-config-');
    try {
      for (const env of [{ LLM_CONFIG_DIR: join(dir.path, 'a') }, { XDG_CONFIG_HOME: join(dir.path, 'xdg') }, { HOME: join(dir.path, 'home') }]) {
        const { light, oclif } = await both(env);
        expect(light!.configDir).toBe(oclif.configDir);
        expect(light!.home).toBe(oclif.home);
      }
    } finally {
      dir.remove();
    }
  });

  it('is not used where oclif would load a theme: oclif’s Config then runs the command', async () => {
    const dir = tempDir('llm-light-config-');
    try {
      mkdirSync(join(dir.path, 'config'));
      writeFileSync(join(dir.path, 'config', 'theme.json'), JSON.stringify({ json: { key: 'red' } }));
      const themed = await both({ LLM_CONFIG_DIR: join(dir.path, 'config') });
      expect(themed.light).toBeUndefined();
      expect(themed.oclif.theme).toBeDefined();
      const disabled = await both({ LLM_CONFIG_DIR: join(dir.path, 'config'), LLM_DISABLE_THEME: '1' });
      expect(disabled.light).toBeDefined();
      expect(disabled.oclif.theme).toBeUndefined();
    } finally {
      dir.remove();
    }
  });
});
