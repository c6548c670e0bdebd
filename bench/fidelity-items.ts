/**
 * How each fidelity item of issue #11 changed the state space (BENCHMARKS.md, "After issue #11"):
 * the model as it is, then with one item's guard put back as it was before, one item at a time.
 * The reverted guards are written here, from the model before the change, only to measure; they
 * are not a model anyone checks.
 *
 *   npm run build && node dist/bench/fidelity-items.js [scope] [design]   (default: tiny new)
 *
 * Items that cannot be reverted by a guard alone (the split of get_cpu from the mutex, and the
 * reclaim drain, which the `reclaim` config switch turns off) are measured by their switch or not
 * at all; the report says which.
 */
import { check } from '../checker/index.js';
import { scopeByName } from '../model/config.js';
import type { Design } from '../model/design/types.js';
import { chargeable } from '../model/guards.js';
import type { Program, Step } from '../model/ops.js';
import { PROG } from '../model/paths/order.js';
import type { Layout, ReadonlyState } from '../model/state.js';
import { DESIGNS } from '../model/variant.js';
import { memcgSpec } from '../properties/spec.js';

const chargeArg = (p: number, m: number) => p * 16 + m;

/** Replaces the guard of step `step` of program `prog`. */
function withChoices(d: Design, prog: number, step: number, choices: Step['choices']): Design {
  const programs = d.programs.map((p, i): Program => {
    if (i !== prog) return p;
    return { ...p, steps: p.steps.map((st, j) => (j === step ? { ...st, choices } : st)) };
  });
  return { ...d, programs };
}

/** The guards of the lookup before issue #11: only memcgs not killed, no whole-THP re-charge. */
const lookupBefore = (s: ReadonlyState, L: Layout) => {
  const out: number[] = [];
  for (let p = 0; p < L.structFrame.length; p++) {
    if (!chargeable(s, L, p)) continue;
    for (let m = 0; m < L.config.memcgs.length; m++) if (!s.memcg[m].killed) out.push(chargeArg(p, m));
  }
  return out;
};
/** Only the whole-THP re-charge reverted: the lookup as now, minus the `wholeThp` bit. */
const noWholeThp = (d: Design) => {
  const entry = d.programs[PROG.charge].steps[0].choices!;
  return withChoices(d, PROG.charge, 0, (s, L, c) => entry(s, L, c).filter((a) => a >> 8 === 0));
};
/** cgroup_mutex not guarded (the ops still set it): kill_css, release and offline as before. */
const noCgroupMutex = (d: Design) => {
  const unguard = (prog: number) => {
    const g = d.programs[prog].steps[0].choices!;
    return (s: ReadonlyState, L: Layout, c: number) => g({ ...s, cgroupMutex: 0 }, L, c);
  };
  let out = withChoices(d, PROG.killCss, 0, unguard(PROG.killCss));
  out = withChoices(out, PROG.release, 0, unguard(PROG.release));
  return withChoices(out, PROG.offline, 0, unguard(PROG.offline));
};

function main(): void {
  const [scopeName = 'tiny', designName = 'new'] = process.argv.slice(2);
  const scope = scopeByName(scopeName);
  if (!scope) throw new Error(`no scope ${scopeName}`);
  const base = DESIGNS[designName as 'old' | 'new'];
  const rows: [string, Design, boolean | undefined][] = [
    ['the model (issue #11)', base, undefined],
    [
      'lookup: only live memcgs, no whole-THP re-charge (items 1, 4 reverted)',
      withChoices(base, PROG.charge, 0, lookupBefore),
      undefined,
    ],
    ['no whole-THP re-charge (item 4 reverted)', noWholeThp(base), undefined],
    ['cgroup_mutex unguarded (item 6 reverted)', noCgroupMutex(base), undefined],
    ['reclaim off (item 2, its reclaim drain)', base, false],
  ];
  console.log(`scope ${scopeName}, design ${designName}`);
  for (const [what, d, reclaim] of rows) {
    const config = reclaim === undefined ? scope.config : { ...scope.config, reclaim };
    const r = check(memcgSpec(config, d));
    console.log(
      `${what.padEnd(74)} ${r.verdict.padEnd(9)} ${String(r.stats.distinct).padStart(11)} states ${String(r.stats.transitions).padStart(12)} transitions  ${(r.stats.ms / 1000).toFixed(1)} s`,
    );
  }
}

main();
