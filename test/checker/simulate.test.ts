/**
 * The random simulation (checker/simulate.ts) on toys with known answers: the ladder (a bug after
 * exactly `top` steps, by hand: fixtures/ladder.ts), DieHard (big = 4 after 6 steps at the
 * fewest: TLC's and our explorer's answer, toys.test.ts) and the racy counter (4 steps, every one
 * needed). Expected lengths come from those, never from the simulation itself; replays go through
 * `replayPath`, the reference path.
 */
import { assert, describe, expect, it } from 'vitest';
import { CheckerError, mergeSimulations, replayPath, type Spec, simulate } from '../../checker/index.js';
import { untimedSim } from './compare.js';
import { dieHard } from './fixtures/diehard.js';
import { type LadderAction, ladder, type Rungs } from './fixtures/ladder.js';
import { racyCounter } from './fixtures/racy-counter.js';

/** The last state of `path` replayed with `next` violates `property`, and no state before it does. */
function expectFailsAtEnd<S, A>(spec: Spec<S, A>, path: readonly number[], property: string): void {
  const t = replayPath(spec, path);
  const states = [t.initial, ...t.steps.map((s) => s.state)];
  const failing = states.map((s) => spec.invariants.find((inv) => !inv.holds(s))?.name);
  expect(failing.at(-1)).toBe(property);
  expect(failing.slice(0, -1).every((f) => f === undefined)).toBe(true);
}

describe('finds a known bug and shrinks it to its known shortest length', () => {
  it('ladder(5): shrunk by fast-check and the label reduction alone to 5 steps; replays', async () => {
    const spec = ladder({ top: 5 });
    const r = await simulate(spec, { runs: 50, depth: 40, seed: 1, shortestStates: 0 });
    assert(r.verdict === 'violated' && r.violation, r.verdict);
    const v = r.violation;
    expect(v.property).toBe('below(5)');
    expect(v.walk.path.length - 1).toBe(5);
    expect(v.trace.steps.map((s) => s.label)).toEqual(['up', 'up', 'up', 'up', 'up']);
    expect(v.shortest).toBe(false);
    expect(v.search).toBeUndefined();
    expect(v.walk.generatedSteps).toBeGreaterThanOrEqual(5);
    expectFailsAtEnd(spec, v.trace.path, 'below(5)');
    expect(v.message).toBe('x is 5, not below 5');
  });

  it('DieHard, seeds 0 to 11: a shrunk walk is never below the 6 steps of the shortest, most are 6, the search makes every one 6', async () => {
    // Shrinking is heuristic: with these settings seed 7 stops at 8 steps and seed 5 finds no
    // violation in 300 runs (both seen when this test was written); the breadth-first search
    // after it is what makes the counterexample shortest.
    let found = 0;
    let six = 0;
    for (let seed = 0; seed < 12; seed++) {
      const r = await simulate(dieHard, { runs: 300, depth: 30, seed, shortestStates: 0 });
      if (!r.violation) continue;
      found++;
      const len = r.violation.walk.path.length - 1;
      expect(len, `seed ${seed}`).toBeGreaterThanOrEqual(6);
      if (len === 6) six++;
      expectFailsAtEnd(dieHard, r.violation.walk.path, 'NotSolved');
      const withSearch = await simulate(dieHard, { runs: 300, depth: 30, seed });
      expect(withSearch.violation?.trace.steps, `seed ${seed}`).toHaveLength(6);
      expect(withSearch.violation?.shortest).toBe(true);
    }
    expect(found).toBeGreaterThanOrEqual(10);
    expect(six).toBeGreaterThanOrEqual(found - 2);
  });

  it('with the breadth-first search: the shortest trace, marked shortest', async () => {
    const r = await simulate(dieHard, { runs: 300, depth: 30, seed: 0 });
    assert(r.violation);
    expect(r.violation.shortest).toBe(true);
    expect(r.violation.trace.steps).toHaveLength(6);
    expect(r.violation.search?.complete).toBe(true);
    expectFailsAtEnd(dieHard, r.violation.trace.path, 'NotSolved');
  });

  it('the racy counter, on the fast path (codec and apply): 4 steps', async () => {
    const r = await simulate(racyCounter, { runs: 50, depth: 10, seed: 3, shortestStates: 0 });
    assert(r.violation);
    expect(r.violation.trace.steps).toHaveLength(4);
    expectFailsAtEnd(racyCounter, r.violation.trace.path, 'BothDoneMeansTwo');
  });

  it('the fast path and next give the same result', async () => {
    const spec = ladder({ top: 7 });
    const o = { runs: 60, depth: 30, seed: 11 };
    const fast = await simulate(spec, o);
    const ref = await simulate(spec, { ...o, referencePath: true });
    expect(untimedSim(fast)).toEqual(untimedSim(ref));
  });
});

describe('determinism, seeds and shards', () => {
  it('the same seed gives the same result, figure for figure; another seed other runs', async () => {
    const spec = ladder({ top: 8 });
    const a = await simulate(spec, { runs: 80, depth: 30, seed: 42 });
    const b = await simulate(spec, { runs: 80, depth: 30, seed: 42 });
    expect(untimedSim(a)).toEqual(untimedSim(b));
    const c = await simulate(spec, { runs: 80, depth: 30, seed: 43 });
    expect(c.coverage.fired).not.toEqual(a.coverage.fired);
  });

  it('N = 1, 2, 3, 5 shards merged equal the unsharded run (runs, coverage, first violation)', async () => {
    for (const spec of [ladder({ top: 8 }), dieHard] as Spec<unknown, unknown>[]) {
      const o = { runs: 40, depth: 30, seed: 5 };
      const whole = await simulate(spec, o);
      for (const count of [1, 2, 3, 5]) {
        const shards = [];
        for (let index = 1; index <= count; index++)
          shards.push(await simulate(spec, { ...o, shard: { index, count } }));
        expect(shards.reduce((n, s) => n + s.coverage.runsDone, 0)).toBe(40);
        // Given in any order.
        const { mergedShards, ...merged } = untimedSim(mergeSimulations([...shards].reverse()));
        expect(mergedShards).toBe(count);
        expect(merged, `${spec.name}, ${count} shards`).toEqual(untimedSim(whole));
      }
    }
  });

  it('a violation after the first does not stop the runs: violatingRuns counts each', async () => {
    const r = await simulate(ladder({ top: 3 }), { runs: 30, depth: 40, seed: 9, shortestStates: 0 });
    expect(r.coverage.runsDone).toBe(30);
    expect(r.coverage.violatingRuns).toBeGreaterThan(1);
    expect(r.violation?.run).toBeLessThan(30);
  });

  it('merge refuses shards of other simulations, a shard twice, a missing shard', async () => {
    const spec = ladder();
    const o = { runs: 10, depth: 10, seed: 1 };
    const s = async (index: number, count: number, extra = {}) =>
      simulate(spec, { ...o, ...extra, shard: { index, count } });
    const [a, b, c] = [await s(1, 3), await s(2, 3), await s(3, 3)];
    const msg = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(CheckerError);
        expect((e as CheckerError).code).toBe('E_BAD_MERGE');
        return (e as Error).message;
      }
      throw new Error('merged');
    };
    expect(msg(() => mergeSimulations([a, b, a]))).toContain('both shard 1/3');
    expect(msg(() => mergeSimulations([a, c]))).toContain('shard 2/3 missing');
    expect(msg(() => mergeSimulations([a]))).toContain('shards 2/3, 3/3 missing');
    const otherSeed = await s(3, 3, { seed: 2 });
    expect(msg(() => mergeSimulations([a, b, otherSeed]))).toContain('seed');
    const otherDepth = await s(3, 3, { depth: 11 });
    expect(msg(() => mergeSimulations([a, b, otherDepth]))).toContain('depth');
    const otherSplit = await s(2, 4);
    expect(msg(() => mergeSimulations([a, otherSplit]))).toContain('shard 2/4');
    const uniform = await s(3, 3, { swarm: false });
    expect(msg(() => mergeSimulations([a, b, uniform]))).toContain('swarm');
  });
});

describe('walks, coverage and limits', () => {
  it('coverage: fire counts sum to the steps, kinds never fired named, witnesses counted per run', async () => {
    const r = await simulate(ladder({ top: 10 }), { runs: 50, depth: 20, seed: 4 });
    expect(r.verdict).toBe('no-violation');
    expect(r.violation).toBeUndefined();
    const c = r.coverage;
    expect(c.runsDone).toBe(50);
    // x < 10 always holds (x <= 9), no state is a dead end: every walk takes all 20 steps.
    expect(c.steps).toBe(50 * 20);
    expect(Object.values(c.fired).reduce((n, k) => n + k, 0)).toBe(c.steps);
    expect(c.neverFired).toContain('jump');
    expect(Object.keys(c.fired)).toEqual(['up', 'down', 'toggle', 'rest'].filter((k) => c.fired[k]));
    expect(c.witnesses).toHaveLength(1);
    expect(c.witnesses[0].runs).toBeGreaterThan(0);
    expect(c.witnesses[0].runs).toBeLessThanOrEqual(50);
  });

  it('the first choice picks the initial state (modulo their number)', async () => {
    // Initial states x = 0..5 and top 5: starting at x = 5 violates at once (0 steps).
    const r = await simulate(ladder({ top: 5, initials: 6 }), { runs: 40, depth: 10, seed: 1 });
    assert(r.violation);
    expect(r.violation.trace.path).toEqual([5]);
    expect(r.violation.trace.steps).toHaveLength(0);
  });

  it('timeout 0: incomplete before the first run, never a crash; an aborted signal: interrupted', async () => {
    const t = await simulate(ladder(), { runs: 10, depth: 10, timeoutMs: 0 });
    expect(t.verdict).toBe('incomplete');
    expect(t.limit).toEqual({ kind: 'timeout', value: 0 });
    expect(t.coverage.runsDone).toBe(0);
    const c = new AbortController();
    c.abort('SIGINT');
    const i = await simulate(ladder(), { runs: 10, depth: 10, signal: c.signal });
    expect(i.verdict).toBe('incomplete');
    expect(i.limit).toMatchObject({ kind: 'interrupted', reason: 'SIGINT' });
  });

  it('a fast path that disagrees with next is E_CODEC_MISMATCH', async () => {
    await expect(simulate(ladder({ bad: 'apply' }), { runs: 20, depth: 20, seed: 1 })).rejects.toMatchObject({
      code: 'E_CODEC_MISMATCH',
    });
  });

  it('a spec that throws: its error with a path that replays to the state it threw from', async () => {
    const base = ladder({ top: 9 });
    const spec: Spec<Rungs, LadderAction> = {
      ...base,
      next: (s, a) => {
        if (a.kind === 'up' && s.x === 3) throw new Error('boom');
        return base.next(s, a);
      },
    };
    for (const fast of [true, false]) {
      const thrower = fast
        ? {
            ...spec,
            apply: (s: Rungs, a: LadderAction) => {
              if (a.kind === 'up' && s.x === 3) throw new Error('boom');
              base.apply!(s, a);
            },
          }
        : { ...spec, apply: undefined };
      const e = await simulate(thrower, { runs: 50, depth: 30, seed: 1 }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(CheckerError);
      expect((e as CheckerError).code).toBe('E_SPEC_THROWS');
      expect((e as CheckerError).message).toContain('boom');
      const t = replayPath(base, (e as CheckerError).path!);
      expect((t.steps.at(-1)?.state ?? t.initial).x).toBe(3);
    }
  });

  it('options out of range are E_BAD_OPTION', async () => {
    for (const o of [{ runs: -1 }, { depth: 1.5 }, { seed: 2 ** 32 }, { shard: { index: 0, count: 2 } }]) {
      await expect(simulate(ladder(), o), JSON.stringify(o)).rejects.toMatchObject({ code: 'E_BAD_OPTION' });
    }
  });
});
