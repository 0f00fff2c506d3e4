import { Flags } from 'llm-host/command';
import { parseCacheTtl } from 'llm-host';

/** `--cache` and `--cache-ttl`, as `llm experiments run` and `resume` take them. */
export const cacheFlags = {
  cache: Flags.boolean({ summary: 'Answer each request from the log when it has the same request from the same run index (no request is sent).' }),
  'cache-ttl': Flags.string({ summary: 'With --cache: only answers logged this recently (30m, 12h, 7d, 2w).', helpValue: 'AGE', dependsOn: ['cache'] }),
};

/** The runner's `cache` option from the flags. */
export function cacheOption(flags: { cache?: boolean; 'cache-ttl'?: string | undefined }): boolean | { ttlMs: number } | undefined {
  if (!flags.cache) return undefined;
  const ttl = flags['cache-ttl'];
  if (ttl === undefined) return true;
  return { ttlMs: parseCacheTtl(ttl) };
}
