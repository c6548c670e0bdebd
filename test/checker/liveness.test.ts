/**
 * Liveness under fairness (checker/liveness.ts) on toys with answers known by hand: an unfair and
 * a fair (ticket) mutex, weak against strong fairness, stuttering, justice, and a limit that cuts
 * the graph. State and transition counts of the toys are counted by hand in the comments.
 */
import { describe, expect, it } from 'vitest';
import { check, type Spec } from '../../checker/index.js';
import { checkLiveness, type FairClass, type LivenessClaim } from '../../checker/liveness.js';

/** Thread i: 0 idle, 1 waiting, 2 critical. `ticket` mode: a waiting thread queues behind the other. */
type Mutex = { t: number[]; queue: number[] };
interface Step {
  readonly thread: number;
  readonly kind: 'request' | 'acquire' | 'release';
}

function mutex(ticket: boolean): Spec<Mutex, Step> {
  return {
    name: ticket ? 'ticket-mutex' : 'unfair-mutex',
    initial: () => [{ t: [0, 0], queue: [] }],
    actions: (s) => {
      const out: Step[] = [];
      const held = s.t.includes(2);
      s.t.forEach((v, thread) => {
        if (v === 0) out.push({ thread, kind: 'request' });
        if (v === 1 && !held && (!ticket || s.queue[0] === thread)) out.push({ thread, kind: 'acquire' });
        if (v === 2) out.push({ thread, kind: 'release' });
      });
      return out;
    },
    next: (s, a) => {
      const t = [...s.t];
      let queue = [...s.queue];
      if (a.kind === 'request') {
        t[a.thread] = 1;
        if (ticket) queue.push(a.thread);
      } else if (a.kind === 'acquire') {
        t[a.thread] = 2;
        if (ticket) queue = queue.slice(1);
      } else t[a.thread] = 0;
      return { t, queue };
    },
    label: (a) => `t${a.thread} ${a.kind}`,
    invariants: [],
  };
}

/** A waiting thread eventually enters; acquire and release are fair (per thread), request is the environment's. */
function entersClaim(strong: boolean): LivenessClaim<Mutex, Step> {
  return {
    name: 'waiting_thread_enters',
    subjects: ['t0', 't1'],
    stuck: (s, i) => s.t[i] === 1,
    fairness: (_s, a): FairClass | null => (a.kind === 'request' ? null : { name: `t${a.thread}`, strong }),
  };
}

describe('liveness on mutexes', () => {
  it('the unfair mutex starves a waiting thread under weak fairness: a lasso of the other thread looping', () => {
    const spec = mutex(false);
    const run = checkLiveness(spec, entersClaim(false));
    // By hand: 8 states (pairs of idle/waiting/critical but not both critical), 14 transitions.
    expect([run.distinct, run.transitions]).toEqual([8, 14]);
    expect(check(spec).stats.distinct).toBe(8);
    expect(run.verdict).toBe('violated');
    const t0 = run.sets.find((x) => x.subject === 0)!;
    const lasso = run.lasso(t0);
    // The prefix ends with t0 waiting; the cycle is t1's request, acquire and release, in some order.
    const last = lasso.prefix.steps.at(-1)?.state ?? lasso.prefix.initial;
    expect(last.t[0]).toBe(1);
    expect(lasso.cycle.map((st) => st.label).sort()).toEqual(['t1 acquire', 't1 release', 't1 request']);
    expect(lasso.cycle.at(-1)!.state).toEqual(last);
    expect(lasso.taken).toEqual(['t1']);
    // Every state of the cycle keeps t0 waiting.
    expect(lasso.cycle.every((st) => st.state.t[0] === 1)).toBe(true);
  });

  it('the unfair mutex is live under strong fairness: acquire is enabled infinitely often', () => {
    const run = checkLiveness(mutex(false), entersClaim(true));
    expect(run.verdict).toBe('verified');
    expect(run.sets).toEqual([]);
  });

  it('the ticket mutex is live under weak fairness alone', () => {
    const spec = mutex(true);
    const run = checkLiveness(spec, entersClaim(false));
    // By hand: queue orders the waiting threads: II, WI, IW, CI, IC, WW(0 first), WW(1 first),
    // CW, WC = 9 states; transitions: II 2, WI 2, IW 2, CI 2, IC 2, WW01 1, WW10 1, CW 1, WC 1 = 14.
    expect([run.distinct, run.transitions]).toEqual([9, 14]);
    expect(run.verdict).toBe('verified');
  });

  it('without any fairness a waiting thread may simply never be scheduled: the stuttering lasso', () => {
    const claim: LivenessClaim<Mutex, Step> = { ...entersClaim(false), fairness: () => null };
    const run = checkLiveness(mutex(false), claim);
    const lasso = run.lasso(run.sets.find((x) => x.subject === 0)!);
    // The first stuck state found: t0 waiting after one step; with no fair class it stays there.
    expect(lasso.prefix.steps.map((s) => s.label)).toEqual(['t0 request']);
    expect(lasso.cycleLength).toBe(0);
  });
});

/** A ring 0 → 1 → 2 → 0 (fair step `go`) and a fair exit 0 → 3 that is strong or weak; stuck: not at 3. */
function ring(): Spec<number, string> {
  return {
    name: 'ring',
    initial: () => [0],
    actions: (s) => (s === 3 ? [] : s === 0 ? ['go', 'exit'] : ['go']),
    next: (s, a) => (a === 'exit' ? 3 : (s + 1) % 3),
    label: (a) => a,
    invariants: [],
  };
}

describe('weak, strong, justice', () => {
  const claim = (exit: FairClass | null, go: FairClass | null): LivenessClaim<number, string> => ({
    name: 'exits',
    subjects: ['run'],
    stuck: (s) => s !== 3,
    fairness: (_s, a) => (a === 'exit' ? exit : go),
  });

  it('a weakly fair exit enabled only at 0 can be starved by the ring', () => {
    const run = checkLiveness(ring(), claim({ name: 'exit', strong: false }, { name: 'go', strong: false }));
    expect(run.verdict).toBe('violated');
    expect(run.lasso(run.sets[0]).cycle.map((s) => s.label)).toEqual(['go', 'go', 'go']);
  });

  it('a strongly fair exit cannot: the only cycle enables it and never takes it', () => {
    const run = checkLiveness(ring(), claim({ name: 'exit', strong: true }, { name: 'go', strong: false }));
    expect(run.verdict).toBe('verified');
  });

  it('justice: a run must pass state 2 infinitely often; the ring does, so it still violates', () => {
    const base = claim({ name: 'exit', strong: false }, null);
    const run = checkLiveness(ring(), { ...base, justice: [{ name: 'at 2', holds: (s) => s === 2 }] });
    expect(run.verdict).toBe('violated');
    // `go` is not fair, so without justice stuttering at 1 (no fair class there) would do; justice
    // forces the cycle through 2 (stuttering at 2 would do too; the search reports the maximal
    // fair component, the ring, and its lasso visits 2).
    const lasso = run.lasso(run.sets[0]);
    expect(lasso.cycle.some((s) => s.state === 2)).toBe(true);
  });

  it('a limit that cuts the graph before any cycle gives incomplete, never verified', () => {
    const run = checkLiveness(ring(), claim({ name: 'exit', strong: false }, { name: 'go', strong: false }), {
      maxDepth: 1,
    });
    expect(run.verdict).toBe('incomplete');
    expect(run.limit?.kind).toBe('maxDepth');
  });
});
