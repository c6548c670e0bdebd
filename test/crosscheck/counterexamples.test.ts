/**
 * Cross-check 3: shortest counterexamples. For each known-bug variant (and for the OLD design where
 * it fails), the expected trace length is the reference BFS's distance to the nearest state that
 * breaks any claim: reference.ts explores with spec.next only and stops at the first such state it
 * discovers, which is at minimal depth because BFS discovers states in order of depth. The checker
 * must report a trace of exactly that length with symmetry off and on. Without symmetry it explores
 * in the same order as the reference, so it must also stop at the very same state (same path, same
 * claim, same counts). With symmetry the trace is rebuilt concrete: it must replay on the spec
 * without `canonical` and end in a state that breaks the claim it names, with no earlier state
 * breaking any claim.
 */
import { assert, describe, expect, it } from 'vitest';
import { check, replayPath } from '../../checker/index.js';
import type { Config } from '../../model/config.js';
import type { Design } from '../../model/design/types.js';
import { buildVariant, DESIGNS } from '../../model/variant.js';
import { KNOWN_BUGS } from '../../model/variants/known-bugs.js';
import { memcgSpec } from '../../properties/spec.js';
import { cfg, firstBroken, pathOf, plainBfs } from './reference.js';

/** Every known bug fails here: K2 and K8 need the THP; A/B symmetry is on. */
const KNOWN_BUG_SCOPE = cfg(1, 'root/A,root/B', '1,thp:2', true);
/** Two CPUs (remote stocks, drain work), one memcg: no symmetry. */
const KNOWN_BUG_SCOPE_2CPU = cfg(2, 'root/A', '1,thp:2', false);
/** The smallest scope found where OLD (v5.8) fails: 2 CPUs and two memcgs share a stock. */
const OLD_SCOPE = cfg(2, 'root/A,root/B', '1', false);

type Case = [title: string, design: Design, config: Config, symmetric: boolean];

/** Title, design, scope, and whether the scope has interchangeable components. */
const CASES: readonly Case[] = [
  ...KNOWN_BUGS.map(
    (v): Case => [
      `${v.name} (${v.base}), 1 cpu, root/A,root/B, 1,thp:2`,
      buildVariant(v),
      KNOWN_BUG_SCOPE,
      true,
    ],
  ),
  ...KNOWN_BUGS.map(
    (v): Case => [
      `${v.name} (${v.base}), 2 cpus, root/A, 1,thp:2`,
      buildVariant(v),
      KNOWN_BUG_SCOPE_2CPU,
      false,
    ],
  ),
  ['design old, 2 cpus, root/A,root/B, 1 page, no drainAll', DESIGNS.old, OLD_SCOPE, true],
];

describe.each(CASES)('%s', (_, design, config, symmetric) => {
  it('trace length = reference distance to the nearest bad state, symmetry off and on', () => {
    const spec = memcgSpec(config, design);
    expect(spec.canonical !== undefined).toBe(symmetric);
    const broken = (s: Parameters<typeof spec.next>[0]) => firstBroken(spec.invariants, s) !== undefined;
    const ref = plainBfs(spec, { stopAt: broken });
    expect(ref.stoppedAt).toBeDefined();
    const at = ref.nodes[ref.stoppedAt!];
    const distance = at.depth;
    const claim = firstBroken(spec.invariants, at.state);

    // Symmetry off: the same state, reached by the same path, after the same work.
    const plain = check(spec, { noSymmetry: true });
    assert(plain.verdict === 'violated', plain.verdict);
    expect(plain.violation.property).toBe(claim);
    expect(plain.violation.trace.steps.length).toBe(distance);
    expect(plain.violation.trace.path).toEqual(pathOf(ref, ref.stoppedAt!));
    expect(plain.violation.trace.steps.at(-1)?.state ?? plain.violation.trace.initial).toEqual(at.state);
    expect([plain.stats.distinct, plain.stats.transitions]).toEqual([ref.nodes.length, ref.transitions]);

    // Symmetry on: a shortest trace too, concrete, replaying without canonical.
    const reduced = check(spec);
    assert(reduced.verdict === 'violated', reduced.verdict);
    const trace = reduced.violation.trace;
    expect(trace.steps.length).toBe(distance);
    const replay = replayPath({ ...spec, canonical: undefined }, trace.path);
    expect(replay.steps.map((s) => s.state)).toEqual(trace.steps.map((s) => s.state));
    const states = [replay.initial, ...replay.steps.map((s) => s.state)];
    expect(states.slice(0, -1).filter(broken)).toEqual([]);
    // The last state breaks the claim reported (the first claim in list order that fails there).
    expect(firstBroken(spec.invariants, states.at(-1)!)).toBe(reduced.violation.property);
  });
});
