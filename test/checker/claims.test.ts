/**
 * Claims and reports: `sometimes` witnesses (reached, unreached, vacuous), coverage of action
 * kinds (`neverFired`), `assertSpec` and `formatResult`, path replay, and misuse errors.
 */
import { describe, expect, it } from 'vitest';
import {
  assertSpec,
  CheckerError,
  check,
  explore,
  formatPath,
  formatResult,
  parsePath,
  replayPath,
  type Spec,
  sometimes,
} from '../../checker/index.js';
import { brokenMutex } from './fixtures/broken-mutex.js';
import { dieHard } from './fixtures/diehard.js';
import { peterson } from './fixtures/peterson.js';
import { racyCounter } from './fixtures/racy-counter.js';
import { type TPState, twoPhase } from './fixtures/twophase.js';
import { naiveBfs, nearest } from './naive.js';

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof CheckerError) return e.code;
    throw e;
  }
  return undefined;
}

const splitDecision = sometimes<TPState>(
  'split decision',
  (s) => s.rmState.includes('committed') && s.rmState.includes('aborted'),
);

describe('witnesses', () => {
  it('reached witnesses report the depth of their nearest state', () => {
    // TwoPhase, 3 RMs: commit agreement needs 3 prepares, 3 receipts, TMCommit and 3 commit
    // receipts (10 steps); abort agreement needs 3 RMChooseToAbort (3 steps). By hand; naive agrees.
    const spec = twoPhase(3);
    const r = check(spec);
    expect(r.witnesses).toEqual([
      { name: 'commit agreement', reached: true, depth: 10 },
      { name: 'abort agreement', reached: true, depth: 3 },
    ]);
    expect(r.vacuous).toBe(false);
    const ref = naiveBfs(spec);
    for (const [i, w] of spec.witnesses!.entries()) expect(nearest(ref, w.holds)).toBe(r.witnesses[i].depth);
    // Peterson: p0 critical after raiseFlag, giveTurn, enter (3); both waiting after both raise
    // and give (4). By hand.
    expect(check(peterson).witnesses.map((w) => w.depth)).toEqual([3, 3, 4]);
  });

  it('witnessTrace rebuilds the shortest path to a witness, and it replays', () => {
    const spec = twoPhase(3);
    const run = explore(spec);
    const t = run.witnessTrace('commit agreement')!;
    expect(t.steps.length).toBe(10);
    expect(t.steps.at(-1)!.state.rmState).toEqual(['committed', 'committed', 'committed']);
    expect(replayPath(spec, t.path).steps.map((s) => s.state)).toEqual(t.steps.map((s) => s.state));
    expect(run.witnessTrace('abort agreement')!.steps.map((s) => s.label)).toEqual([
      'RMChooseToAbort(r1)',
      'RMChooseToAbort(r2)',
      'RMChooseToAbort(r3)',
    ]);
    expect(run.witnessTrace('no such witness')).toBeUndefined();
  });

  it('an unreached witness makes a complete run vacuous, and assertSpec names it', () => {
    // TCConsistent holds (verified above), so no state has one RM committed and one aborted.
    const good = twoPhase(3);
    const spec: typeof good = { ...good, witnesses: [...good.witnesses!, splitDecision] };
    const r = check(spec);
    expect(r.verdict).toBe('verified');
    expect(r.witnesses[2]).toEqual({ name: 'split decision', reached: false });
    expect(r.vacuous).toBe(true);
    expect(explore(spec).witnessTrace('split decision')).toBeUndefined();
    expect(() => assertSpec(spec)).toThrow(/witness never reached: split decision/);
  });

  it('an incomplete run is not called vacuous', () => {
    const good = twoPhase(3);
    const r = check({ ...good, witnesses: [splitDecision] }, { maxStates: 10 });
    expect(r.verdict).toBe('incomplete');
    expect(r.witnesses[0].reached).toBe(false);
    expect(r.vacuous).toBe(false);
  });

  it('witnesses found before a violation are reported with it', () => {
    // The racy counter's "one done" (a read then a write: depth 2) is met before the lost update.
    const r = check(racyCounter);
    expect(r.verdict).toBe('violated');
    expect(r.witnesses).toEqual([{ name: 'one done', reached: true, depth: 2 }]);
  });
});

describe('coverage', () => {
  it('neverFired names a declared action kind that never fired', () => {
    const spec: Spec<{ small: number; big: number }, string> = {
      ...dieHard,
      actionKinds: [...dieHard.actionKinds!, 'Spill'],
      invariants: [],
    };
    const r = check(spec);
    expect(r.neverFired).toEqual(['Spill']);
    expect(r.stats.fired.Spill).toBeUndefined();
    // DieHard's actions are strings: the kind defaults to the label. 16 states * 1 each (naive.test.ts).
    expect(r.stats.fired.FillBig).toBe(16);
  });

  it('neverFired is empty when every declared kind fired, and lists kinds cut off by a limit', () => {
    expect(check(peterson).neverFired).toEqual([]);
    // Within one step of the initial state only TMAbort, RMPrepare and RMChooseToAbort are
    // enabled (by hand from TwoPhase.tla's guards).
    expect(check(twoPhase(3), { maxDepth: 0 }).neverFired).toEqual([
      'TMCommit',
      'TMRcvPrepared',
      'RMRcvCommitMsg',
      'RMRcvAbortMsg',
    ]);
  });
});

describe('assertSpec and formatResult', () => {
  it('assertSpec returns the result of a verified, non-vacuous spec', () => {
    expect(assertSpec(peterson)).toMatchObject({ verdict: 'verified', stats: { distinct: 20 } });
  });

  it('assertSpec throws a report with the property, the trace and the replay path', () => {
    let message = '';
    try {
      assertSpec(brokenMutex);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('violated: MutualExclusion');
    expect(message).toContain('1. p0 test');
    expect(message).toContain('4. p1 set');
    expect(message).toContain('replay path: 0/0/1/0/1');
    expect(() => assertSpec(dieHard)).toThrow(/NotSolved/);
  });

  it('assertSpec throws on an incomplete run', () => {
    expect(() => assertSpec(peterson, { maxStates: 5 })).toThrow(/stopped by maxStates = 5/);
  });

  it('formatResult gives the verdict line and figures', () => {
    const text = formatResult(check(peterson));
    expect(text.split('\n')[0]).toBe('Peterson: verified');
    expect(text).toContain('20 distinct states, 34 transitions, depth 6');
  });
});

describe('paths', () => {
  it('formatPath and parsePath round-trip', () => {
    expect(parsePath('0/1/5/2')).toEqual([0, 1, 5, 2]);
    expect(formatPath(parsePath('0/12/3'))).toBe('0/12/3');
    expect(codeOf(() => parsePath('0/x/1'))).toBe('E_BAD_OPTION');
    expect(codeOf(() => parsePath(''))).toBe('E_BAD_OPTION');
  });

  it('replayPath replays a hand-written path and rejects indices that are not enabled', () => {
    // DieHard: FillSmall (0), SmallToBig (4): (3,0) then (0,3).
    const t = replayPath(dieHard, parsePath('0/0/4'));
    expect(t.steps.map((s) => s.state)).toEqual([
      { small: 3, big: 0 },
      { small: 0, big: 3 },
    ]);
    expect(codeOf(() => replayPath(dieHard, [1]))).toBe('E_BAD_OPTION');
    expect(codeOf(() => replayPath(dieHard, []))).toBe('E_BAD_OPTION');
    expect(codeOf(() => replayPath(dieHard, [0, 6]))).toBe('E_BAD_OPTION');
    // Broken mutex: after p0 set, p1's test is not enabled (the flag is up): only p0 exit is.
    expect(codeOf(() => replayPath(brokenMutex, [0, 0, 0, 1]))).toBe('E_BAD_OPTION');
  });
});

describe('misuse of the tool', () => {
  const chain: Spec<number, number> = {
    name: 'Chain',
    initial: () => [0],
    actions: (s) => (s < 2 ? [s + 1] : []),
    next: (_s, a) => a,
    label: (a) => `to ${a}`,
    invariants: [],
  };

  it('no initial state is E_SPEC_NO_INITIAL', () => {
    expect(codeOf(() => check({ ...chain, initial: () => [] }))).toBe('E_SPEC_NO_INITIAL');
  });

  it('a spec that throws is E_SPEC_THROWS, naming where', () => {
    const throwing: Spec<number, number> = {
      ...chain,
      next: (s, a) => {
        if (s === 1) throw new Error('boom');
        return a;
      },
    };
    expect(() => check(throwing)).toThrow(/E_SPEC_THROWS.*next on action to 2.*boom/);
    // A generator's guards run while it is iterated, not when actions() is called.
    const throwingGuard: Spec<number, number> = {
      ...chain,
      *actions(s) {
        if (s === 1) throw new Error('guard boom');
        yield s + 1;
      },
    };
    expect(() => check(throwingGuard)).toThrow(/E_SPEC_THROWS.*in actions from state #1: guard boom/);
    expect(codeOf(() => check({ ...chain, actions: () => undefined as unknown as number[] }))).toBe(
      'E_SPEC_THROWS',
    );
  });

  it('actions that change between calls are E_SPEC_NONDETERMINISTIC when a trace is rebuilt', () => {
    let calls = 0;
    const flaky: Spec<number, number> = {
      ...chain,
      // The first call (exploration) enables 0 -> 1; later calls (trace rebuild) enable nothing.
      actions: (s) => (s === 0 && calls++ === 0 ? [1] : []),
      invariants: [{ type: 'always', name: 'NotOne', holds: (s) => s !== 1 }],
    };
    expect(codeOf(() => check(flaky))).toBe('E_SPEC_NONDETERMINISTIC');
  });
});
