/**
 * Issue #10 item 2: a NULL dereference in a modelled kernel path is an oops, hence a finding
 * (`no_null_deref`) with a shortest counterexample, never a checker crash. Each primitive is
 * tried on NULL (index -1) on a hand-built state: it records the oops and changes nothing else.
 * Then the variant of the issue, `drain_stock` without its `if (!old) return`.
 */
import { assert, describe, expect, it } from 'vitest';
import { check } from '../../checker/index.js';
import { scopeByName } from '../../model/config.js';
import {
  cssGet,
  cssPut,
  cssTryget,
  deref,
  idPut,
  isDescendant,
  memcgAt,
  nrPages,
  pageCounterCharge,
  pageCounterUncharge,
  pageOk,
} from '../../model/kernel.js';
import type { Ctx } from '../../model/ops.js';
import { Oops, type State } from '../../model/state.js';
import { buildVariant, defineVariant, op } from '../../model/variant.js';
import { memcgSpec } from '../../properties/spec.js';
import { naiveBfs } from '../checker/naive.js';
import { copy, stepCtx, world } from './helpers.js';

const NULL = -1;

const ctx = (s: State): Ctx => stepCtx(s);

const PRIMITIVES: readonly [string, (x: Ctx) => unknown, number][] = [
  ['cssGet', (x) => cssGet(x, NULL), Oops.nullMemcg],
  ['cssGet of 0 refs', (x) => cssGet(x, NULL, 0), Oops.nullMemcg],
  ['cssPut', (x) => cssPut(x, NULL), Oops.nullMemcg],
  ['cssTryget', (x) => cssTryget(x, NULL), Oops.nullMemcg],
  ['idPut', (x) => idPut(x, NULL), Oops.nullMemcg],
  ['deref', (x) => deref(x, NULL), Oops.nullMemcg],
  ['pageCounterCharge', (x) => pageCounterCharge(x, NULL, 1), Oops.nullMemcg],
  ['pageCounterUncharge', (x) => pageCounterUncharge(x, NULL, 1), Oops.nullMemcg],
  ['isDescendant', (x) => isDescendant(x, NULL, 0), Oops.nullMemcg],
  ['nrPages', (x) => nrPages(x, NULL), Oops.nullPage],
  ['memcgAt', (x) => memcgAt(x, NULL), Oops.nullMemcg],
  ['pageOk', (x) => pageOk(x, NULL), Oops.nullPage],
];

describe.each(PRIMITIVES)('%s on NULL', (_, run, code) => {
  it('records the oops (no memcg named) and changes nothing else', () => {
    const { s } = world('new');
    const want = copy(s);
    want.oops = code;
    want.oopsMemcg = 0;
    const x = ctx(s);
    expect(() => run(x)).not.toThrow();
    expect(s).toEqual(want);
  });
});

it('cssTryget on NULL fails, nrPages of NULL is 0, memcgAt of NULL is undefined, pageOk false', () => {
  expect(cssTryget(ctx(world('new').s), NULL)).toBe(false);
  expect(nrPages(ctx(world('new').s), NULL)).toBe(0);
  expect(memcgAt(ctx(world('new').s), NULL)).toBeUndefined();
  expect(pageOk(ctx(world('new').s), NULL)).toBe(false);
});

it('an earlier oops is kept: the first bug is the one reported', () => {
  const { s } = world('new');
  s.oops = Oops.useAfterFree;
  s.oopsMemcg = 2;
  const want = copy(s);
  cssPut(ctx(s), NULL);
  expect(s).toEqual(want);
});

/** The variant of the issue: v5.9's drain_stock without `if (!old) return`. */
const noNullCheck = defineVariant({
  name: 'drain-stock-without-null-check',
  base: 'new',
  description: 'drain_stock without its if (!old) return',
  edit: (d) =>
    d.replace(
      'drain_stock',
      'old = stock->cached; if (!old) return',
      op('old = stock->cached', (x) => {
        x.old = x.s.stock[x.st].cached - 1;
      }),
    ),
});

it('drain_stock without if (!old) return: no_null_deref, in 2 steps (re-counted by the naive BFS)', () => {
  const tiny = scopeByName('tiny')!.config;
  const spec = memcgSpec(tiny, buildVariant(noNullCheck));
  const r = check(spec);
  assert(r.verdict === 'violated', r.verdict);
  expect(r.violation.property).toBe('no_null_deref');
  expect(r.violation.message).toMatch(/NULL pointer dereference of a memcg/);
  // The first refill of an empty stock drains it: css_put(NULL).
  expect(r.violation.trace.steps.map((t) => t.label)).toEqual([
    'cpu0 get_mem_cgroup_from_mm(P0, A)',
    'cpu0 try_charge',
  ]);
  const claim = spec.invariants.find((i) => i.name === 'no_null_deref')!;
  const naive = naiveBfs(spec, { stopAt: (s) => !claim.holds(s) });
  expect(naive.nodes[naive.stoppedAt!].depth).toBe(2);
});

/** A shared op's page access through NULL: commit_charge with the charge path's page pointer lost. */
const lostPage = defineVariant({
  name: 'commit-without-page',
  base: 'new',
  description: 'mem_cgroup_charge loses its page pointer before commit_charge',
  edit: (d) =>
    d.insert(
      'commit_charge',
      'start',
      op('page = NULL (the bug)', (x) => {
        x.s.cpu[x.cpu].page = 0;
      }),
    ),
});

it('commit_charge through a NULL page: no_null_deref (a page), found at the commit', () => {
  const spec = memcgSpec(scopeByName('tiny')!.config, buildVariant(lostPage));
  const r = check(spec);
  expect(r.violation?.property).toBe('no_null_deref');
  expect(r.violation?.message).toMatch(/NULL pointer dereference of a page/);
  expect(r.violation?.trace.steps.at(-1)?.label).toBe('cpu0 commit_charge');
});
