/**
 * The memcg liveness claim (properties/liveness.ts) on hand-built states and on small bounds: the
 * fair work items are steps the designs have, when a memcg is stuck (the premise's pointers), the
 * fairness class of each kind of action, the classification of a leak and a zombie, and the graph
 * the liveness check explores equal to the invariant explorer's without symmetry (a search that
 * keeps no edges) at bounds where both finish.
 */
import { describe, expect, it } from 'vitest';
import { check } from '../../checker/index.js';
import { checkLiveness } from '../../checker/liveness.js';
import { parseMemcgs, scopeByName } from '../../model/config.js';
import type { MemcgAction } from '../../model/machine.js';
import { PROG } from '../../model/paths/order.js';
import type { State } from '../../model/state.js';
import { DESIGNS } from '../../model/variant.js';
import { classify, ENVIRONMENT, FAIR_WORK, findings, memcgLivenessClaim } from '../../properties/liveness.js';
import { memcgSpec } from '../../properties/spec.js';

const tiny1 = { ...scopeByName('tiny')!.config, cpus: 1 };
const spec = memcgSpec(tiny1, DESIGNS.new);
const A = 1;

function clone(s: State): State {
  return structuredClone(s);
}

describe('the claim', () => {
  it('every fair work item is a step of some design (a rename would silently make it unfair)', () => {
    const steps = new Set(
      (['old', 'new'] as const).flatMap((d) =>
        DESIGNS[d].programs.flatMap((p) => p.steps.map((s) => s.name)),
      ),
    );
    expect(FAIR_WORK.filter((n) => !steps.has(n))).toEqual([]);
  });

  it('every path starts with a fair work item or an environment step (a new path must be put in one list)', () => {
    const entries = new Set(
      (['old', 'new'] as const).flatMap((d) => DESIGNS[d].programs.map((p) => p.steps[0].name)),
    );
    const listed = [...FAIR_WORK, ...ENVIRONMENT];
    expect([...entries].filter((n) => !listed.includes(n))).toEqual([]);
    expect(FAIR_WORK.filter((n) => ENVIRONMENT.includes(n))).toEqual([]);
  });

  it('a swap record naming the memcg excuses it too (it pins the id and the charge)', () => {
    const swap = memcgSpec({ ...scopeByName('swap')!.config, cpus: 1 }, DESIGNS.new);
    const claim = memcgLivenessClaim(swap, 'default');
    const s = clone(swap.initial()[0]);
    s.memcg[A].killed = 1;
    expect(claim.stuck(s, 0)).toBe(true);
    s.swapRecord[0] = A + 1;
    expect(claim.stuck(s, 0)).toBe(false);
  });

  it('a page of a memcg below excuses its parent, and --fair stock looks below too', () => {
    const nested = memcgSpec({ ...tiny1, memcgs: parseMemcgs('root/A,A/A1') }, DESIGNS.new);
    const A1 = 2;
    const claim = memcgLivenessClaim(nested, 'stock');
    const s = clone(nested.initial()[0]);
    s.memcg[A].killed = 1;
    s.memcg[A1].killed = 1;
    expect([claim.stuck(s, 0), claim.stuck(s, 1)]).toEqual([true, true]);
    s.page[0] = A1 + 1;
    expect([claim.stuck(s, 0), claim.stuck(s, 1)]).toEqual([false, false]);
    s.page[0] = 0;
    s.stock[0].cached = A1 + 1;
    // cpu0's stock caches A1: the justice is not met for A1, nor for A above it.
    expect([claim.justice![0].holds(s, 0), claim.justice![0].holds(s, 1)]).toEqual([false, false]);
  });

  it('a memcg is stuck when killed, not freed, and no page points at it', () => {
    const claim = memcgLivenessClaim(spec, 'default');
    const s = clone(spec.initial()[0]);
    expect(claim.subjects).toEqual(['A']);
    expect(claim.stuck(s, 0)).toBe(false);
    s.memcg[A].killed = 1;
    expect(claim.stuck(s, 0)).toBe(true);
    s.page[0] = A + 1;
    expect(claim.stuck(s, 0)).toBe(false);
    s.page[0] = 0;
    s.memcg[A].freed = 1;
    expect(claim.stuck(s, 0)).toBe(false);
  });

  it('fairness: a path in flight is weak per CPU, queued work strong per argument, a charge not fair', () => {
    const claim = memcgLivenessClaim(spec, 'default');
    const s = clone(spec.initial()[0]);
    const entry = [...spec.actions(s)].find(
      (a) => a.kind === spec.design.programs[PROG.charge].steps[0].name,
    )!;
    expect(claim.fairness(s, entry)).toBeNull();
    const busy = spec.next(s, entry);
    const next = [...spec.actions(busy)].find((a) => a.cpu === 0)!;
    expect(claim.fairness(busy, next)).toEqual({ name: 'cpu0: the path in flight', strong: false });
    const killed = clone(s);
    killed.memcg[A].killed = 1;
    const offline = [...spec.actions(killed)].find((a: MemcgAction) => a.kind === 'css_killed_work_fn')!;
    expect(claim.fairness(killed, offline)).toEqual({ name: 'css_killed_work_fn(A)', strong: true });
  });

  it('--fair stock: justice per CPU, met when that stock does not cache the memcg', () => {
    const claim = memcgLivenessClaim(spec, 'stock');
    const s = clone(spec.initial()[0]);
    expect(claim.justice?.map((j) => j.name)).toEqual(["cpu0's stock drained or switched"]);
    expect(claim.justice![0].holds(s, 0)).toBe(true);
    s.stock[0].cached = A + 1;
    expect(claim.justice![0].holds(s, 0)).toBe(false);
  });
});

describe('fairness classes at two CPUs', () => {
  it('the drain work is one strong class per CPU', () => {
    const two = memcgSpec(scopeByName('tiny')!.config, DESIGNS.new);
    const claim = memcgLivenessClaim(two, 'default');
    const s = clone(two.initial()[0]);
    s.stock[0].work = 1;
    s.stock[1].work = 1;
    const works = [...two.actions(s)].filter((a) => a.kind === 'drain_local_stock (work)');
    expect(works.map((a) => claim.fairness(s, a))).toEqual([
      { name: 'cpu0 drain_local_stock (work)', strong: true },
      { name: 'cpu1 drain_local_stock (work)', strong: true },
    ]);
  });
});

describe('classification', () => {
  const dying = () => {
    const s = clone(spec.initial()[0]);
    s.memcg[A].killed = 1;
    s.memcg[A].offline = 1;
    s.memcg[A].id = 0;
    return s;
  };

  it('a count above the holders in every state is a leak', () => {
    const s = dying();
    // Base dropped at kill, the extra at offline, the ID pin at offline: nothing holds A.
    s.memcg[A].ref = 1;
    expect(classify(spec, [s], A)).toMatchObject({ kind: 'leak', stocks: [] });
  });

  it('a stock holding the only reference in every state is a zombie naming the stock, with its pages', () => {
    const s = dying();
    s.memcg[A].ref = 1;
    s.stock[0].cached = A + 1;
    s.stock[0].nr = 0;
    expect(classify(spec, [s], A)).toMatchObject({ kind: 'zombie', stocks: [0], minPages: 0 });
    // v5.8: a stock with no pages holds nothing, so the same state is a leak there.
    const old = memcgSpec(tiny1, DESIGNS.old);
    expect(classify(old, [s], A).kind).toBe('leak');
  });

  it('a count below the holders in every state is an underflow', () => {
    const s = dying();
    s.memcg[A].ref = -1;
    expect(classify(spec, [s], A)).toMatchObject({ kind: 'underflow', stocks: [] });
  });

  it('another holder throughout (an uncharge batch) is held, and names it', () => {
    const s = dying();
    s.memcg[A].ref = 1;
    s.cpu[0].ugMemcg = A + 1;
    s.cpu[0].ugNr = 1;
    const c = classify(spec, [s, s], A);
    expect(c.kind).toBe('held');
    expect(c.why).toContain('uncharge batch of cpu0');
  });
});

describe('on the whole graph (tiny, one CPU)', () => {
  it('new: zombies only, each naming cpu0’s stock, the empty-stock zombie among them; live under --fair stock', () => {
    const run = checkLiveness(spec, memcgLivenessClaim(spec, 'default'));
    const fs = findings(spec, run);
    expect(fs.length).toBeGreaterThan(0);
    expect(fs.every((f) => f.classified.kind === 'zombie' && f.classified.stocks.includes(0))).toBe(true);
    expect(fs.some((f) => f.classified.minPages === 0)).toBe(true);
    // Each lasso ends where the stock still holds A, and A is not freed.
    for (const f of fs) {
      const lasso = run.lasso(f.first);
      const end = lasso.prefix.steps.at(-1)!.state;
      expect(end.stock[0].cached).toBe(A + 1);
      expect(end.memcg[A].freed).toBe(0);
    }
    expect(checkLiveness(spec, memcgLivenessClaim(spec, 'stock')).verdict).toBe('verified');
  });

  it.each(['old', 'new'] as const)(
    '%s: the graph has the states and transitions of check without symmetry',
    (d) => {
      const s = memcgSpec(tiny1, DESIGNS[d]);
      const live = checkLiveness(s, memcgLivenessClaim(s, 'default'));
      const inv = check(s, { noSymmetry: true });
      expect(inv.verdict).toBe('verified');
      expect([live.distinct, live.transitions, live.depth]).toEqual([
        inv.stats.distinct,
        inv.stats.transitions,
        inv.stats.depth,
      ]);
    },
  );
});
