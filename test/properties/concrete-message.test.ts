/**
 * Issue #10 item 1: with symmetry the explorer stores canonical representatives, whose memcg and
 * page names may be permuted; every message a user reads (the headline, the JSON message, the
 * blame and the ledger) must come from the rebuilt concrete trace. Checked here against a replay
 * of that very trace without symmetry, where nothing is renamed: for every built-in variant and
 * for the old design, at `small`, where root/A,root/B makes A and B interchangeable.
 */
import { assert, describe, expect, it } from 'vitest';
import { check, replayPath } from '../../checker/index.js';
import { scopeByName } from '../../model/config.js';
import { layoutOf } from '../../model/state.js';
import { buildVariant, DESIGNS } from '../../model/variant.js';
import { KNOWN_BUGS } from '../../model/variants/known-bugs.js';
import { memcgSpec } from '../../properties/spec.js';
import { renderResult } from '../../report/text.js';

const small = scopeByName('small')!.config;
const CASES = [...KNOWN_BUGS.map((v) => [v.name, buildVariant(v)] as const), ['old', DESIGNS.old] as const];

describe.each(CASES)('%s at small, with symmetry', (name, design) => {
  it('names in the headline, blame and ledger are those of the concrete trace', () => {
    const spec = memcgSpec(small, design);
    expect(spec.canonical, 'small must have symmetry for this test to mean anything').toBeDefined();
    const r = check(spec);
    assert(r.verdict === 'violated', r.verdict);
    const v = r.violation;
    // The same path replayed without symmetry: nothing renamed.
    const replayed = replayPath(spec, v.trace.path);
    const last = replayed.steps.at(-1)?.state ?? replayed.initial;
    const inv = spec.invariants.find((i) => i.name === v.property)!;
    expect(inv.holds(last)).toBe(false);
    expect(v.message).toBe(inv.explain!(last));
    // The whole text report (headline, blame, ledger) equals the one made from the replayed trace.
    const info = { design: name, scheme: design.scheme, scope: 'small', L: layoutOf(small) };
    const fromReplay = { ...r, violation: { ...v, message: inv.explain!(last), trace: replayed } };
    expect(renderResult(info, r, 'steps')).toBe(renderResult(info, fromReplay, 'steps'));
  });
});
