/**
 * Merging the results of the shards of one simulation (`--shard I/N`, checker/simulate-seed.ts):
 * shard I of N walked the runs r with r mod N = I - 1, so the N results together hold every run
 * once. Coverage adds up (runs, steps, fire counts, witnesses' run counts); the violation is the
 * one of the smallest run index (the first failing run of the unsharded simulation, shrunk and
 * searched the same way in its shard, since a run depends on its seed alone). So the merged result
 * equals the unsharded one, apart from its times (summed: the shards' CPU time) and the shard.
 *
 * Results that are not the shards of one simulation are refused with E_BAD_MERGE, saying which:
 * another spec or fingerprint, seed, run count, depth, swarm setting, shortest-search bound,
 * action kinds or witnesses; a shard given twice; a shard missing. A result without a shard
 * counts as shard 1/1.
 */
import { CheckerError } from './errors.js';
import { orderedFired } from './kind.js';
import { formatShard, type Shard } from './simulate-seed.js';
import type { SimulationCoverage, SimulationFigures } from './simulate-types.js';

/** The fields every shard of one simulation has alike. */
const SAME = ['spec', 'fingerprint', 'seed', 'runs', 'depth', 'swarm', 'shortestStates'] as const;

/**
 * Merges `parts` (shards of one simulation); `names` name them in messages (file names, say;
 * default "result 1", "result 2", ...).
 */
export function mergeSimulations<V extends { readonly run: number }>(
  parts: readonly SimulationFigures<V>[],
  names: readonly string[] = parts.map((_, i) => `result ${i + 1}`),
): SimulationFigures<V> {
  if (parts.length === 0) throw new CheckerError('E_BAD_MERGE', 'nothing to merge: give the shards');
  const first = parts[0];
  const shardOf = (p: SimulationFigures<V>): Shard => p.shard ?? { index: 1, count: 1 };
  const bad = (what: string) => new CheckerError('E_BAD_MERGE', what);
  parts.forEach((p, i) => {
    if (p.mergedShards !== undefined)
      throw bad(`${names[i]} is a merged result already; merge the shards' own results`);
    for (const k of SAME) {
      if (JSON.stringify(p[k]) !== JSON.stringify(first[k]))
        throw bad(
          `${names[i]} has ${k} ${JSON.stringify(p[k])} but ${names[0]} has ${JSON.stringify(first[k])}: not shards of one simulation`,
        );
    }
    if (JSON.stringify(p.actionKinds) !== JSON.stringify(first.actionKinds))
      throw bad(`${names[i]} and ${names[0]} have other action kinds: not shards of one simulation`);
    const ws = (q: SimulationFigures<V>) => JSON.stringify(q.coverage.witnesses.map((w) => w.name));
    if (ws(p) !== ws(first))
      throw bad(`${names[i]} and ${names[0]} have other witnesses: not shards of one simulation`);
    if (shardOf(p).count !== shardOf(first).count)
      throw bad(
        `${names[i]} is shard ${formatShard(shardOf(p))} but ${names[0]} is shard ${formatShard(shardOf(first))}: give the shards of one split`,
      );
  });
  const count = shardOf(first).count;
  const seen = new Map<number, number>();
  parts.forEach((p, i) => {
    const k = shardOf(p).index;
    const j = seen.get(k);
    if (j !== undefined)
      throw bad(`${names[j]} and ${names[i]} are both shard ${k}/${count}; give each shard once`);
    seen.set(k, i);
  });
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((k) => !seen.has(k));
  if (missing.length > 0)
    throw bad(
      `shard${missing.length > 1 ? 's' : ''} ${missing.map((k) => `${k}/${count}`).join(', ')} missing: give all ${count} shards`,
    );
  const byShard = [...parts].sort((a, b) => shardOf(a).index - shardOf(b).index);
  const coverage = mergeCoverage(
    byShard.map((p) => p.coverage),
    first.actionKinds,
  );
  const violation = byShard
    .map((p) => p.violation)
    .filter((v): v is V => v !== undefined)
    .sort((a, b) => a.run - b.run)[0];
  const limit = byShard.find((p) => p.limit !== undefined)?.limit;
  const ms = byShard.reduce((n, p) => n + p.stats.ms, 0);
  const { shard: _shard, violation: _v, limit: _l, ...rest } = first;
  return {
    ...rest,
    verdict: violation ? 'violated' : limit ? 'incomplete' : 'no-violation',
    coverage,
    stats: { ms, stepsPerSecond: Math.round((coverage.steps / Math.max(ms, 1e-3)) * 1000) },
    ...(violation ? { violation } : {}),
    ...(limit ? { limit } : {}),
    mergedShards: count,
  };
}

function mergeCoverage(parts: readonly SimulationCoverage[], kinds: readonly string[]): SimulationCoverage {
  const sum = (f: (c: SimulationCoverage) => number) => parts.reduce((n, c) => n + f(c), 0);
  const fired = new Map<string, number>();
  for (const c of parts) for (const [k, n] of Object.entries(c.fired)) fired.set(k, (fired.get(k) ?? 0) + n);
  const fires = orderedFired(fired, kinds);
  return {
    runsDone: sum((c) => c.runsDone),
    steps: sum((c) => c.steps),
    violatingRuns: sum((c) => c.violatingRuns),
    deadEnds: sum((c) => c.deadEnds),
    fired: fires,
    witnesses: parts[0].witnesses.map((w, i) => ({ name: w.name, runs: sum((c) => c.witnesses[i].runs) })),
    neverFired: kinds.filter((k) => !(fires[k] > 0)),
  };
}
