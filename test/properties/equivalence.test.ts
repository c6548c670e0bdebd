/**
 * The equivalence claim's lists (properties/equivalence.ts) against the designs: every step whose
 * choices read `freed` (a lookup of "any memcg not yet freed") is an observing step, every listed
 * step exists in both designs, and the internal steps are the css release and free. A step added
 * later that reads a count in its choices fails here until it is classified.
 */
import { describe, expect, it } from 'vitest';
import { newDesign } from '../../model/design/new.js';
import { oldDesign } from '../../model/design/old.js';
import { INTERNAL_IN_PROGRAM, INTERNAL_STEPS, OBSERVING_STEPS } from '../../properties/equivalence.js';

/** Slab steps: the equivalence check refuses --objects (properties/equivalence.ts says why). */
const SLAB = ['get_obj_cgroup_from_current', 'obj_cgroup_release', 'memcg_kmem_get_cache'];

describe.each([
  ['old', oldDesign],
  ['new', newDesign],
])('%s: the equivalence lists match the design', (_, design) => {
  const steps = design.programs.flatMap((p) => p.steps).filter((s) => !SLAB.includes(s.name));
  const names = new Set(steps.map((s) => s.name));

  it('every step whose choices read freed is observing, and no other', () => {
    const reading = steps.filter((s) => s.choices?.toString().includes('.freed')).map((s) => s.name);
    // css_free_rwork_fn reads freed to free a memcg once: internal, not a lookup.
    expect(new Set(reading.filter((n) => !INTERNAL_STEPS.includes(n)))).toEqual(
      new Set(OBSERVING_STEPS.filter((n) => names.has(n))),
    );
  });

  it('every listed step exists', () => {
    for (const n of [...INTERNAL_STEPS, ...OBSERVING_STEPS]) expect(names.has(n), n).toBe(true);
    for (const [prog, step] of INTERNAL_IN_PROGRAM)
      expect(
        design.programs.find((p) => p.name === prog)?.steps.some((st) => st.name === step),
        `${prog}: ${step}`,
      ).toBe(true);
  });

  it('the choices that read a count are the internal steps (css_release_work_fn reads ref)', () => {
    const reading = steps
      .filter((s) => /\.ref\b|\.released\b/.test(s.choices?.toString() ?? ''))
      .map((s) => s.name);
    expect(new Set(reading)).toEqual(new Set(INTERNAL_STEPS));
  });
});
