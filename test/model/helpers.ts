/**
 * Hand-built states and one-action steps for the per-action unit tests.
 *
 * A test starts from the initial state of a small scope, sets the fields it needs by hand, fires
 * exactly one action (found by kind, CPU, argument and program among `machine.actions(s)`), and
 * compares the result with an expected state built by hand: a copy of the input with the changed
 * fields written out. Nothing expected is computed with the code under test.
 *
 * `fire` also checks that `machine.next` (immer, the reference path) leaves its input alone and
 * equals `machine.apply` on a mutable deep copy (the explorer's fast path).
 */
import { expect } from 'vitest';
import { type Config, scopeByName } from '../../model/config.js';
import type { Design } from '../../model/design/types.js';
import { Machine, type MemcgAction } from '../../model/machine.js';
import type { Ctx } from '../../model/ops.js';
import { PROG } from '../../model/paths/order.js';
import { type Cpu, initialState, type Layout, layoutOf, type State } from '../../model/state.js';
import { DESIGNS } from '../../model/variant.js';

export { PROG };

/** Memcg indices of the `ci` scope (root/A,root/B) and of `large` (adds A/A1). */
export const ROOT = 0;
export const A = 1;
export const B = 2;
export const A1 = 3;

/** Page structs of `ci` and `large` (frames `2,thp:2`): P0, P1, then THP head H0 and tail H1. */
export const P0 = 0;
export const P1 = 1;
export const H0 = 2;
export const H1 = 3;
/** Frame indices: the THP is frame 2. */
export const FRAME_P0 = 0;
export const FRAME_THP = 2;

/** A memcg pointer field (index + 1, 0 = NULL). */
export const ptr = (m: number) => m + 1;

export type DesignName = 'old' | 'new';
export const BOTH: readonly DesignName[] = ['old', 'new'];

export interface World {
  readonly L: Layout;
  readonly machine: Machine;
  /** A fresh initial state to edit by hand. */
  readonly s: State;
}

export function scope(name: 'tiny' | 'small' | 'ci' | 'large'): Config {
  const info = scopeByName(name);
  if (!info) throw new Error(`no scope ${name}`);
  return info.config;
}

/**
 * A machine for `design` on `config` and a fresh initial state (every test builds its own). The
 * default is the ci bounds with try_charge's reclaim on (the ci scope turns it off for size).
 */
export function world(
  design: DesignName | Design,
  config: Config = { ...scope('ci'), reclaim: true },
): World {
  const d = typeof design === 'string' ? DESIGNS[design] : design;
  const L = layoutOf(config, d.schema);
  return { L, machine: new Machine(L, d), s: initialState(L) };
}

/** Every local of a CPU at 0: what an idle CPU looks like (written out, not taken from the model). */
export const IDLE: Readonly<Cpu> = {
  op: 0,
  pc: 0,
  memcg: 0,
  page: 0,
  nr: 0,
  tmp: 0,
  ugMemcg: 0,
  ugNr: 0,
  pages: 0,
  i: 0,
  seen: 0,
  flush: 0,
  rcu: 0,
  preempt: 0,
  root: 0,
  drained: 0,
};

/**
 * The index of the step named `name` in program `prog` (both designs share the programs; a variant
 * that splits a step passes its own design). Tests name steps rather than number them; the layout
 * itself is written out by hand in coverage.test.ts.
 */
export function pc(prog: number, name: string, design: Design = DESIGNS.new): number {
  const i = design.programs[prog].steps.findIndex((st) => st.name === name);
  if (i < 0) throw new Error(`program ${design.programs[prog].name} has no step "${name}"`);
  return i;
}

/** Puts CPU `cpu` at step `step` (a name, or an index) of program `prog` with the given locals (the rest 0). */
export function at(
  s: State,
  cpu: number,
  prog: number,
  step: number | string,
  locals: Partial<Cpu> = {},
): void {
  s.cpu[cpu] = { ...IDLE, op: prog + 1, pc: typeof step === 'string' ? pc(prog, step) : step, ...locals };
}

/** The arguments of the enabled actions of `kind` on `cpu`, sorted (a guard's whole choice list). */
export function argsOf(machine: Machine, s: State, kind: string, cpu?: number): number[] {
  return matching(machine, s, { kind, cpu })
    .map((a) => a.arg)
    .sort((x, y) => x - y);
}

/** Sets CPU `cpu` idle (every local 0). */
export function idle(s: State, cpu: number): void {
  s.cpu[cpu] = { ...IDLE };
}

/** What selects one action: its kind, and optionally its CPU, argument and program. */
export interface Pick {
  readonly kind: string;
  readonly cpu?: number;
  readonly arg?: number;
  readonly prog?: number;
}

export function matching(machine: Machine, s: State, p: Pick): MemcgAction[] {
  return machine
    .actions(s)
    .filter(
      (a) =>
        a.kind === p.kind &&
        (p.cpu === undefined || a.cpu === p.cpu) &&
        (p.arg === undefined || a.arg === p.arg) &&
        (p.prog === undefined || a.prog === p.prog),
    );
}

/** The guard holds: exactly one action matches. */
export function expectEnabled(machine: Machine, s: State, p: Pick): MemcgAction {
  const found = matching(machine, s, p);
  expect(found, `${JSON.stringify(p)} should be enabled exactly once`).toHaveLength(1);
  return found[0];
}

/** The guard is false: no action matches. */
export function expectDisabled(machine: Machine, s: State, p: Pick): void {
  expect(matching(machine, s, p), `${JSON.stringify(p)} should not be enabled`).toEqual([]);
}

/**
 * Fires the one action `p` selects: the reference path (`next`) must leave `s` as it was, and the
 * fast path (`apply` on a deep copy) must give the same state. Returns the successor.
 */
export function fire(machine: Machine, s: State, p: Pick): State {
  const a = expectEnabled(machine, s, p);
  const before = structuredClone(s);
  const after = machine.next(s, a);
  expect(s, 'next() must not change its input').toEqual(before);
  const fast = structuredClone(before);
  machine.apply(fast, a);
  expect(fast, 'apply() on a copy must equal next()').toEqual(after);
  return after;
}

/** A deep, mutable copy of a state to write the expected result into. */
export const copy = (s: State): State => structuredClone(s);

/** The slab scope's bounds (root/A, 2 CPUs, two slab slots, no pages), and root/A/A1 on them. */
export function slabScope(): Config {
  const info = scopeByName('slab');
  if (!info) throw new Error('no slab scope');
  return info.config;
}
export const slabNested: Config = {
  ...slabScope(),
  memcgs: [...slabScope().memcgs, { name: 'A1', parent: 1 }],
};

/** A step context on `s` for calling a kernel primitive directly, running on CPU `cpu`. */
export function stepCtx(s: State, design: DesignName = 'new', config?: Config, cpu = 0): Ctx {
  const { L, machine } = world(design, config);
  return {
    L,
    s,
    cpu,
    task: cpu,
    arg: -1,
    m: -1,
    n: -1,
    st: -1,
    old: -1,
    batch: -1,
    ret: false,
    stop: false,
    jump: null,
    blocks: machine.design.blocks,
  };
}

/**
 * The THP whose head is page struct `head` charged to memcg m whole, as try_charge of its 2 pages
 * and commit_charge leave it with no stock (v5.8: a reference per page; v5.9: one; root: no
 * counter, no reference). For the swap, migration and charge moving tests (one 2-subpage THP).
 */
export function thpCharged(s: State, design: DesignName, m: number, head = 0): void {
  s.page[head] = ptr(m);
  if (m === ROOT) return;
  s.memcg[m].usage += 2;
  s.memcg[ROOT].usage += 2;
  s.memcg[m].ref += design === 'old' ? 2 : 1;
}
