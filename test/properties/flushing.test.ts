/**
 * Issue #11 item 7: a FLUSHING_CACHED_CHARGE bit left set with no drain work queued or running
 * means drain_all_stock never flushes that stock again (its test_and_set_bit fails). The claim
 * `flushing_has_drain_work` catches the two ways to get there: drain_local_stock that never clears
 * the bit, and a schedule_work_on that is lost. Both are found at `tiny`, and the shortest trace
 * is the naive BFS's distance to the first violating state.
 */
import { assert, describe, expect, it } from 'vitest';
import { check } from '../../checker/index.js';
import { scopeByName } from '../../model/config.js';
import { buildVariant, DESIGNS, defineVariant, op, type VariantDef } from '../../model/variant.js';
import { memcgSpec } from '../../properties/spec.js';
import { naiveBfs } from '../checker/naive.js';

const neverCleared = defineVariant({
  name: 'flushing-never-cleared',
  base: 'new',
  description: 'drain_local_stock without clear_bit(FLUSHING_CACHED_CHARGE)',
  edit: (d) => d.remove('drain_local_stock', 'clear_bit(FLUSHING_CACHED_CHARGE, &stock->flags)'),
});

const lostWork = defineVariant({
  name: 'schedule-work-lost',
  base: 'new',
  description: 'drain_all_stock sets FLUSHING but its schedule_work_on is lost (the work is never queued)',
  edit: (d) =>
    d.replace(
      'drain_all_stock: read stock->nr_pages',
      'if (flush && !test_and_set_bit(FLUSHING)) { cpu == curcpu ? drain_local_stock : schedule_work_on }',
      op(
        'if (flush && !test_and_set_bit(FLUSHING)) { cpu == curcpu ? drain_local_stock : (work lost) }',
        (x) => {
          const c = x.s.cpu[x.cpu];
          const st = x.s.stock[c.i];
          if (c.flush && !st.flushing) {
            st.flushing = 1;
            if (c.i === x.cpu) x.s.stock[c.i].flushing = 0;
          }
        },
      ),
    ),
});

describe.each([
  ['drain_local_stock never clears the bit', neverCleared],
  ['schedule_work_on lost', lostWork],
] as [string, VariantDef][])('%s', (_, v) => {
  it('violates flushing_has_drain_work, at the naive BFS distance', () => {
    const spec = memcgSpec(scopeByName('tiny')!.config, buildVariant(v));
    const r = check(spec);
    assert(r.verdict === 'violated', r.verdict);
    expect(r.violation.property).toBe('flushing_has_drain_work');
    expect(r.violation.message).toMatch(/FLUSHING_CACHED_CHARGE set with no drain work/);
    const naive = naiveBfs(spec, { stopAt: (s) => spec.invariants.some((i) => !i.holds(s)) });
    expect(r.violation.trace.steps).toHaveLength(naive.nodes[naive.stoppedAt!].depth);
  });
});

it('the claim reads the fields the steps write: FLUSHING with work queued holds, without it fails', () => {
  const spec = memcgSpec(scopeByName('tiny')!.config, DESIGNS.new);
  const claim = spec.invariants.find((i) => i.name === 'flushing_has_drain_work')!;
  const s = structuredClone(spec.initial()[0]);
  s.stock[1] = { cached: 2, nr: 1, flushing: 1, work: 1 };
  expect(claim.holds(s)).toBe(true);
  s.stock[1].work = 0;
  expect(claim.holds(s)).toBe(false);
});
