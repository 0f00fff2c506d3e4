import { createHash } from 'node:crypto';
import { LlmError } from 'llm-host';

/** One of `count` disjoint slices of an experiment's runs (`--shard 3/8`: index 3, count 8). */
export interface Shard {
  /** Which slice, from 1. */
  readonly index: number;
  /** How many slices in all. */
  readonly count: number;
}

/** Reads `K/N` (1 <= K <= N); an error naming the fix otherwise. */
export function parseShard(text: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = match ? Number(match[1]) : NaN;
  const count = match ? Number(match[2]) : NaN;
  if (!match || count < 1 || index < 1 || index > count) {
    throw new LlmError(`--shard takes K/N, the Kth of N slices with 1 <= K <= N (e.g. --shard 3/8); got '${text}'.`);
  }
  return { index, count };
}

/** Checks a shard given from code. */
export function checkShard(shard: Shard): Shard {
  const ok = Number.isInteger(shard.index) && Number.isInteger(shard.count) && shard.count >= 1 && shard.index >= 1 && shard.index <= shard.count;
  if (!ok) throw new LlmError(`shard must be { index: K, count: N } with 1 <= K <= N (got ${JSON.stringify(shard)})`);
  return shard;
}

/** Whether run `runIndex` (from 0) belongs to the shard: runs are dealt out in turn, K-1, K-1+N, ... */
export function inShard(runIndex: number, shard: Shard | undefined): boolean {
  return shard === undefined || runIndex % shard.count === shard.index - 1;
}

/** The run indexes (from 0) of `executions` that belong to any of `shards` (none: all of them). */
export function shardIndexes(executions: number, shards: readonly Shard[]): number[] {
  const indexes: number[] = [];
  for (let i = 0; i < executions; i++) {
    if (shards.length === 0 || shards.some((shard) => inShard(i, shard))) indexes.push(i);
  }
  return indexes;
}

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';

/**
 * The experiment id every shard of one sharded run shares, so that their logs merge into one
 * experiment: derived from the experiment's name, its number of runs, the number of shards, and
 * a group that tells sharded runs apart (`--shard-group`, e.g. a CI run id; by default the
 * experiment file's contents, so the same file sharded again needs another group to be a new
 * experiment). Shaped like a ULID (26 Crockford base-32 characters), so id lookups and prefixes work.
 */
export function shardedExperimentId(parts: { name: string; executions: number; shards: number; group: string }): string {
  const digest = createHash('sha256').update(JSON.stringify(['llm-shards', parts.name, parts.executions, parts.shards, parts.group])).digest();
  let id = '';
  // The first character of a ULID is at most 7 (48 bits of time).
  id += CROCKFORD[digest[0]! % 8];
  for (let i = 1; i < 26; i++) id += CROCKFORD[digest[i]! % 32];
  return id;
}
