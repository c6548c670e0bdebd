/**
 * The product of two specs (checker/product.ts) on toys whose pair counts are counted by hand: the
 * lockstep of visible events, internal steps of one side in every interleaving, the two
 * invariants, and where runs part at an observing event.
 */
import { describe, expect, it } from 'vitest';
import { explore, type Spec } from '../../checker/index.js';
import { DIVERGED, type ProductSide, productSpec } from '../../checker/product.js';

interface Act {
  readonly kind: string;
}
type Counter = { c: number; f: number; pc: number };

/** A counter 0..2 with a visible `inc`; `tick` (internal) toggles a flag the projection ignores. */
function counter(opts: { step?: number; ticks?: boolean; max?: number } = {}): Spec<Counter, Act> {
  const step = opts.step ?? 1;
  const max = opts.max ?? 2;
  return {
    name: 'counter',
    initial: () => [{ c: 0, f: 0, pc: 0 }],
    actions: (s) => [...(s.c < max ? [{ kind: 'inc' }] : []), ...(opts.ticks ? [{ kind: 'tick' }] : [])],
    next: (s, a) => (a.kind === 'inc' ? { ...s, c: Math.min(2, s.c + step) } : { ...s, f: 1 - s.f }),
    label: (a) => a.kind,
    invariants: [],
  };
}

function side(name: string, spec: Spec<Counter, Act>, more: Partial<ProductSide<Counter, Act>> = {}) {
  return {
    name,
    spec,
    key: (a: Act) => a.kind,
    internal: (a: Act) => a.kind === 'tick',
    observing: () => false,
    actor: () => 0,
    project: (s: Counter) => [s.c],
    ...more,
  } satisfies ProductSide<Counter, Act>;
}

const product = (l: ProductSide<Counter, Act>, r: ProductSide<Counter, Act>) =>
  productSpec({ name: 'toy', left: l, right: r, fieldName: () => 'c' });

describe('productSpec', () => {
  it('lockstep with internal steps: 6 pairs, 10 transitions, depth 3 (by hand)', () => {
    // Pairs (c, (c, f)) for c in 0..2, f in 0..1: 6. From each, inc while c < 2 and tick: 4*2 + 2*1
    // = 10 transitions. The farthest pair, (2, (2, 1)), is 3 steps from (0, (0, 0)).
    const r = explore(product(side('l', counter()), side('r', counter({ ticks: true })))).result;
    expect(r.verdict).toBe('verified');
    expect({ d: r.stats.distinct, t: r.stats.transitions, depth: r.stats.depth }).toEqual({
      d: 6,
      t: 10,
      depth: 3,
    });
    expect(r.witnesses.find((w) => w.name === 'sides_diverged')?.reached).toBe(false);
  });

  it('a different effect: same_projection fails after the first event', () => {
    const r = explore(product(side('l', counter()), side('r', counter({ step: 2 })))).result;
    expect(r.violation?.property).toBe('same_projection');
    expect(r.violation?.message).toBe('the projections differ: c is 1 in l, 2 in r');
    expect(r.violation?.trace.steps.map((s) => s.label)).toEqual(['inc']);
  });

  it('an event one side cannot run: same_enabled fails, naming it', () => {
    const r = explore(product(side('l', counter()), side('r', counter({ max: 1 })))).result;
    expect(r.violation?.property).toBe('same_enabled');
    expect(r.violation?.message).toBe('inc can run in l and not in r, even after its internal steps');
    expect(r.violation?.trace.steps).toHaveLength(1);
  });

  it('an event the other side can run after an internal step is matched', () => {
    // r can inc only with its flag set: it must tick first, which the product explores.
    const gated: Spec<Counter, Act> = {
      ...counter({ ticks: true }),
      actions: (s) => [...(s.c < 2 && s.f === 1 ? [{ kind: 'inc' }] : []), { kind: 'tick' }],
    };
    const r = explore(product(side('l', counter()), side('r', gated))).result;
    expect(r.verdict).toBe('verified');
  });

  it('observing outcomes that differ part the runs: no violation, the witness reached', () => {
    // `try` is observing: it succeeds (pc 1, then `use`) on the left and fails (pc 2, then `retry`)
    // on the right. After it, the actor's next events differ: the pair is a divergence.
    const trying = (ok: boolean): Spec<Counter, Act> => ({
      name: 'try',
      initial: () => [{ c: 0, f: 0, pc: 0 }],
      actions: (s) => [{ kind: s.pc === 0 ? 'try' : s.pc === 1 ? 'use' : 'retry' }],
      next: (s, a) => (a.kind === 'try' ? { ...s, pc: ok ? 1 : 2 } : { ...s, pc: 0 }),
      label: (a) => a.kind,
      invariants: [],
    });
    const obs = { observing: (a: Act) => a.kind === 'try' };
    const p = product(side('l', trying(true), obs), side('r', trying(false), obs));
    const run = explore(p);
    expect(run.result.verdict).toBe('verified');
    // (pc 0, pc 0, mark 0) and (pc 1, pc 2, mark 1): the second has no successors.
    expect(run.result.stats.distinct).toBe(2);
    const t = run.witnessTrace('sides_diverged');
    expect(t?.steps.map((s) => s.label)).toEqual(['try']);
    expect(t && p.diverged(t.steps[0].state)).toBe(true);
    // Without `observing`, the same difference is a violation of same_enabled.
    const strict = explore(product(side('l', trying(true)), side('r', trying(false)))).result;
    expect(strict.violation?.property).toBe('same_enabled');
  });

  it('an observing event on one side only leads to the divergence sink unless it refuses', () => {
    const only = (has: boolean): Spec<Counter, Act> => ({
      ...counter(),
      actions: (s) => (has && s.pc === 0 ? [{ kind: 'peek' }] : []),
      next: (s) => ({ ...s, pc: 1 }),
    });
    const obs = { observing: (a: Act) => a.kind === 'peek' };
    const p = product(side('l', only(true), obs), side('r', only(false), obs));
    const run = explore(p);
    expect(run.result.stats.distinct).toBe(2);
    expect(run.witnessTrace('sides_diverged')?.steps[0].state.mark).toBe(DIVERGED);
    const refusing = product(
      side('l', only(true), { ...obs, refuses: () => true }),
      side('r', only(false), obs),
    );
    const quiet = explore(refusing).result;
    expect(quiet.stats.distinct).toBe(1);
    expect(quiet.verdict).toBe('verified');
  });
});
