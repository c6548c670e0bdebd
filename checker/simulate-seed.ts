/**
 * Seeds, shards and swarm weights of a random simulation (checker/simulate.ts): all fixed
 * functions of the user's seed, so the same seed gives the same runs on any machine and in any
 * shard.
 *
 * - Run r's seed is `runSeed(seed, r)`: murmur3's 32-bit finaliser (a bijection) of the run index,
 *   xored into the seed and mixed again. Distinct runs of one seed get distinct run seeds, and a
 *   run's walk and weights depend on its run seed alone, never on which runs came before it.
 * - Shard I of N (1-based, as `--shard I/N`) runs the runs r with r mod N = I - 1: the N shards
 *   cover the runs of one unsharded run exactly, each once.
 * - Swarm (Groce et al., "Swarm testing", ISSTA 2012): each run draws a weight per action kind
 *   from its run seed; a kind is switched off (weight 0) with probability 1/2, else its weight is
 *   1, 2, 3 or 4 with equal probability.
 */
import { CheckerError } from './errors.js';

/** Shard `index` (1-based) of `count`. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** Largest seed: seeds are unsigned 32-bit integers. */
export const MAX_SEED = 0xffffffff;

/** murmur3's fmix32: a bijection of 32-bit integers that spreads every input bit. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The seed of run `run` (0-based) under `seed`: an unsigned 32-bit integer. */
export function runSeed(seed: number, run: number): number {
  return fmix32((seed >>> 0) ^ fmix32((run ^ 0x9e3779b9) >>> 0));
}

/** mulberry32: a small deterministic generator of floats in [0, 1) from a 32-bit seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The swarm weights of a run: one per kind, in the order given (`spec.actionKinds`), drawn from
 * the run seed (a stream of its own, apart from the walk's). 0 switches the kind off.
 */
export function swarmWeights(kinds: readonly string[], seedOfRun: number): Map<string, number> {
  const next = mulberry32(seedOfRun ^ 0x5357524d);
  const out = new Map<string, number>();
  for (const k of kinds) {
    const off = next() < 0.5;
    const w = 1 + Math.floor(next() * 4);
    out.set(k, off ? 0 : w);
  }
  return out;
}

/** The runs of a shard among `runs` runs, in order (every run without a shard). */
export function shardRuns(runs: number, shard: Shard | undefined): number[] {
  return [...shardRunIndices(runs, shard)];
}

/** The same runs, one by one, without listing them: the loop `simulate` walks. */
export function* shardRunIndices(runs: number, shard: Shard | undefined): Generator<number> {
  const first = shard ? shard.index - 1 : 0;
  const step = shard ? shard.count : 1;
  for (let r = first; r < runs; r += step) yield r;
}

/** A shard as `I/N`, e.g. `2/3`. */
export function formatShard(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}

/** Checks a shard: whole numbers with 1 <= index <= count (E_BAD_OPTION otherwise). */
export function validateShard(shard: Shard): void {
  const { index, count } = shard;
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(index) || index < 1 || index > count)
    throw new CheckerError(
      'E_BAD_OPTION',
      `shard ${index}/${count} must be I/N with whole numbers 1 <= I <= N (shards are numbered from 1)`,
    );
}

/** `I/N` parsed, 1-based (E_BAD_OPTION if it is not that). */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  if (!m)
    throw new CheckerError(
      'E_BAD_OPTION',
      `shard "${text}" must be I/N, e.g. 1/4 (shards are numbered from 1)`,
    );
  const shard = { index: Number(m[1]), count: Number(m[2]) };
  validateShard(shard);
  return shard;
}
