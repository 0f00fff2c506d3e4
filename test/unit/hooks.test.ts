import { AsyncSeriesBailHook, AsyncSeriesHook, SyncHook } from 'tapable';
import { createHooks, hookNames } from '../../src/hooks.js';

describe('createHooks', () => {
  it('declares every hook with the class that says how it runs', () => {
    const hooks = createHooks();
    expect(Object.keys(hooks).sort()).toEqual([...hookNames].sort());
    // tapable's hook classes are factories: each hook records its factory as `constructor`.
    expect(hooks.registerModels.constructor).toBe(AsyncSeriesHook);
    expect(hooks.logResponse.constructor).toBe(AsyncSeriesHook);
    expect(hooks.registerCommands.constructor).toBe(SyncHook);
    expect(hooks.registerMetrics.constructor).toBe(SyncHook);
    expect(hooks.resolveConversation.constructor).toBe(AsyncSeriesBailHook);
  });

  it('is frozen and fresh on every call', () => {
    const a = createHooks();
    const b = createHooks();
    expect(Object.isFrozen(a)).toBe(true);
    expect(a.registerModels).not.toBe(b.registerModels);
    a.registerCommands.tap('only-a', () => {});
    expect(a.registerCommands.taps).toHaveLength(1);
    expect(b.registerCommands.taps).toHaveLength(0);
  });
});
