/**
 * Every built-in variant simulated at bounds too large for the explorer: each variant's own gate
 * scope (proofs.json) with a third CPU and a grandchild memcg (`--cpus 3 --memcgs root/A,A/A1`;
 * `tiny` has 2.4 M states at two CPUs and one child, and each CPU and memcg multiplies the count:
 * docs/simulate.md gives the explorer's figures at these bounds). One setting for all of them
 * (a first try of 300 runs of at most 40 steps missed four of them with some seeds), checked over
 * seeds 1 to 10 (docs/simulate.md, "Every variant at larger bounds"): 2,000 runs of at most 60
 * steps, swarm on, a shortest search of at most 20,000 states. test/simulate/variants.test.ts runs
 * seeds 1 and 2; this script any seeds:
 *
 *   npm run build && node dist/bench/simulate-variants.js [--seeds 1-10] [variant names...]
 *
 * For each variant and seed it prints the first violating run, its claim, and the lengths of the
 * shrunk walk and of the reported trace (S: a shortest one).
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { type SimulationResult, simulate } from '../checker/index.js';
import { parseMemcgs } from '../model/config.js';
import type { MemcgAction } from '../model/machine.js';
import type { State } from '../model/state.js';
import type { VariantDef } from '../model/variant.js';
import { BUILTIN_VARIANTS, specOf } from '../properties/model-ref.js';
import type { MemcgSpec } from '../properties/spec.js';

/** The larger bounds, over each variant's gate scope. */
export const LARGER_BOUNDS = { cpus: 3, memcgs: parseMemcgs('root/A,A/A1') } as const;

/** The one simulation setting for every variant. */
export const VARIANT_SIMULATION = { runs: 2000, depth: 60, shortestStates: 20_000 } as const;

/**
 * Claims other than the variant's expected one that are the same bug showing otherwise, each with
 * why: the variant that fixes the bug (all other edits alike) shows neither at these bounds.
 */
export const SAME_BUG: Readonly<Record<string, readonly string[]>> = {
  // F3: the unreferenced objcg that get_obj_cgroup_from_current returns is dead (refcnt 0) at once;
  // refill_obj_stock's obj_cgroup_get on it is a get on zero before obj_cgroup_release frees it
  // (the use after free of the gate comes once it is freed). slab-fixed: no violation.
  'slab-root-return': ['no_get_on_zero'],
};

interface Gate {
  readonly variant?: string;
  readonly scope: string;
  readonly expect: unknown;
}

/** Each variant's scope: the scope of its first gate in proofs.json (slab for the one without). */
export function variantScopes(root: string): ReadonlyMap<string, string> {
  const gates = (JSON.parse(readFileSync(`${root}/proofs.json`, 'utf8')) as { gates: Gate[] }).gates;
  const out = new Map<string, string>();
  for (const v of BUILTIN_VARIANTS) {
    const gate = gates.find((g) => g.variant === v.name);
    // slab-v58-charge-ancestor has no gate of its own: its bug (F7) is in v5.8's slab paths.
    out.set(v.name, gate?.scope ?? 'slab');
  }
  return out;
}

/** The spec of a variant at the larger bounds over `scope`. */
export async function largerSpec(v: VariantDef, scope: string): Promise<MemcgSpec> {
  return specOf({ design: { kind: 'variant', name: v.name }, scope, bounds: LARGER_BOUNDS });
}

export async function simulateVariant(
  spec: MemcgSpec,
  seed: number,
): Promise<SimulationResult<State, MemcgAction>> {
  return simulate(spec, { ...VARIANT_SIMULATION, seed });
}

/** The claims that count as finding the variant's bug (none for a variant that expects verified). */
export function bugClaims(v: VariantDef): readonly string[] {
  if (v.expect === undefined || v.expect === 'verified') return [];
  return [v.expect.violated, ...(SAME_BUG[v.name] ?? [])];
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf('--seeds');
  const range = at >= 0 ? args.splice(at, 2)[1] : '1-10';
  const [lo, hi] = range.split('-').map(Number);
  const seeds = Array.from({ length: (hi ?? lo) - lo + 1 }, (_, i) => lo + i);
  // dist/bench/ -> the checkout.
  const scopes = variantScopes(new URL('../..', import.meta.url).pathname);
  for (const v of BUILTIN_VARIANTS) {
    if (args.length > 0 && !args.includes(v.name)) continue;
    const spec = await largerSpec(v, scopes.get(v.name)!);
    const cells: string[] = [];
    for (const seed of seeds) {
      const t = performance.now();
      const r = await simulateVariant(spec, seed);
      const x = r.violation;
      const ms = Math.round(performance.now() - t);
      cells.push(
        x
          ? `s${seed} run ${x.run} ${bugClaims(v).includes(x.property) ? x.property : `OTHER ${x.property}`} ${x.walk.path.length - 1}/${x.trace.steps.length}${x.shortest ? 'S' : ''} ${ms}ms`
          : `s${seed} ${r.verdict} ${ms}ms`,
      );
    }
    process.stdout.write(`${v.name} (${scopes.get(v.name)}): ${cells.join(' | ')}\n`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
