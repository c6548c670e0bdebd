/**
 * A new kernel path is one file and its schema lines (issue #12): the toy path of
 * fixtures/toy-path.ts is added to the model's paths and nothing else is edited. Its field is in
 * the state, the symmetry renames it (one state per orbit, orbits computed by a hand-written
 * renaming that knows the toy field), the ledger counts its reference, the diff shows it, a freed
 * pin dangles, and a toy that forgets its reference breaks the ledger at once.
 */
import { describe, expect, it } from 'vitest';
import { check } from '../../checker/index.js';
import { op } from '../../model/ops.js';
import { designOf, PATHS } from '../../model/paths/designs.js';
import { PATH_NAMES } from '../../model/paths/order.js';
import { initialState, layoutOf, type State } from '../../model/state.js';
import { DesignEditor } from '../../model/variant.js';
import { danglingPointers, holderRefs, holders } from '../../properties/holders.js';
import { memcgSpec } from '../../properties/spec.js';
import { changes, formatChange } from '../../report/diff.js';
import { cfg, plainBfs, type Renaming, rename, renamings } from '../crosscheck/reference.js';
import { toy, toyPin } from './fixtures/toy-path.js';

const A = 1;
const B = 2;
const config = { ...cfg(1, 'root/A,root/B', '1', false), reclaim: false };
const design = designOf({ name: 'new+toy', scheme: 'new', description: 'v5.9 and the toy path' }, [
  ...PATHS,
  toyPin,
]);
const TOY = PATH_NAMES.length; // the toy's program index: after the model's paths

/** A CPU pinning memcg m through the toy path, as after its first step (built by hand). */
function pinned(m: number, freedToo = false): State {
  const L = layoutOf(config, design.schema);
  const s = initialState(L);
  Object.assign(s.cpu[0], { op: TOY + 1, pc: 1, toyMemcg: m + 1 });
  s.memcg[m].ref += 1;
  if (freedToo) s.memcg[m].freed = 1;
  return s;
}

/** The reference renaming (test/crosscheck/reference.ts) plus the toy field, written out here. */
function renameWithToy(s: State, r: Renaming): State {
  const out = rename(s, r);
  s.cpu.forEach((_, i) => {
    const ptr = toy(s, i).toyMemcg;
    toy(out, i).toyMemcg = ptr === 0 ? 0 : r.memcg[ptr - 1] + 1;
  });
  return out;
}

describe('a toy kernel path added by one file and its schema lines', () => {
  it('its field is in every CPU of the state, after the model’s fields, and starts at 0', () => {
    const L = layoutOf(config, design.schema);
    const s = initialState(L);
    expect(Object.keys(s.cpu[0]).at(-1)).toBe('toyMemcg');
    expect(toy(s, 0).toyMemcg).toBe(0);
    expect(design.programs[TOY].name).toBe('toy_pin');
  });

  it('the symmetry renames the toy pointer: one state per orbit, the same verdict', () => {
    const spec = memcgSpec(config, design);
    const ref = plainBfs(spec);
    // A <-> B; one small page (no frame permutation).
    const rs = renamings(
      [
        [0, 1, 2],
        [0, 2, 1],
      ],
      [{ frame: [0], struct: [0] }],
    );
    const orbits = new Set(ref.nodes.map((n) => minKey(n.state as State, rs)));
    const reduced = check(spec);
    const full = check(spec, { noSymmetry: true });
    expect(full.stats.distinct).toBe(ref.nodes.length);
    expect(reduced.stats.distinct).toBe(orbits.size);
    expect(orbits.size).toBeLessThan(ref.nodes.length);
    expect([reduced.verdict, full.verdict]).toEqual(['verified', 'verified']);
    expect(reduced.stats.fired['toy: css_tryget']).toBeGreaterThan(0);
    expect(reduced.stats.fired['toy: css_put']).toBeGreaterThan(0);
    // Two states that differ only by which sibling the toy pinned are one state.
    expect(spec.canonical!(pinned(A))).toEqual(spec.canonical!(pinned(B)));
  });

  it('the ledger lists the pin, the diff shows it, and a freed pin dangles', () => {
    const L = layoutOf(config, design.schema);
    const s = pinned(A);
    expect(holders(s, L, A, 'new').filter((h) => h.kind === 'toy')).toEqual([
      { kind: 'toy', who: 'toy pin of cpu0', refs: 1, index: 0 },
    ]);
    // Initial A: base, ID pin (ref 2), plus the toy pin.
    expect(holderRefs(s, L, A, 'new')).toBe(3);
    expect(s.memcg[A].ref).toBe(3);
    expect(changes(L, initialState(L), s).map(formatChange)).toEqual([
      'css(A) 2->3',
      'cpu0 toy->memcg NULL->A',
    ]);
    expect(danglingPointers(pinned(A, true), L, 'new')).toEqual(['cpu0 toy->memcg = A (freed)']);
    expect(danglingPointers(s, L, 'new')).toEqual([]);
  });

  it('a toy that keeps the pointer without a reference breaks the ledger in one step', () => {
    const buggy = new DesignEditor(design)
      .replace(
        'toy: css_tryget',
        'if (css_tryget(memcg)) toy->memcg = memcg; else return',
        op('toy->memcg = memcg (no css_tryget)', (x) => {
          toy(x.s, x.cpu).toyMemcg = x.arg + 1;
        }),
      )
      .build('toy-no-ref', 'the toy path without its reference');
    const r = check(memcgSpec(config, buggy));
    expect(r.verdict).toBe('violated');
    if (r.verdict !== 'violated') return;
    expect(r.violation.property).toBe('refcount_ledger');
    // From the initial state, the toy's first step alone makes the holders outnumber the count.
    expect(r.violation.trace.steps.map((st) => st.label)).toEqual(['cpu0 toy: css_tryget(A)']);
  });
});

function minKey(s: State, rs: readonly Renaming[]): string {
  let best: string | undefined;
  for (const r of rs) {
    const k = JSON.stringify(renameWithToy(s, r));
    if (best === undefined || k < best) best = k;
  }
  return best!;
}
