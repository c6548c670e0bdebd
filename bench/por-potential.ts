/**
 * What partial-order reduction could save on this model (issue #13): a measurement, not a POR.
 * Long because the recorder, the footprint tests, the static independence and the reduced search
 * are read together to judge the figures; a one-off study that nothing imports.
 *
 *   npm run build && node dist/bench/por-potential.js [scope] [design]
 *
 * Default bounds `one-page`: 2 CPUs, root/A, one small page, batch 2, drainAll and reclaim on (the
 * first config of test/crosscheck/naive-vs-checker.test.ts); or a scope name (`tiny`). Both
 * designs unless one is named. No symmetry. docs/research/por-potential.md has method and figures.
 *
 * 1. A plain BFS lists the reachable states and the values each leaf takes in them (its domain).
 * 2. Footprints: at every reachable state each enabled action runs on a recording Proxy of the
 *    state, and every guard the scheduler evaluates too (a CPU's op and pc, then `choices`). A step
 *    (CPU, program, step) gets the union of the leaves read and written. Two views:
 *    - logged: every get is a read, every set a write;
 *    - refined: a set that leaves the value unchanged is no write, and a read is kept only if
 *      giving the leaf another value of its domain before the step changes the step's result.
 *    A read-modify-write is an increment if moving the leaf by ±1, ±2 (within its domain) before
 *    the step moves it by as much after and changes nothing else, at every reachable state.
 *    Modes: strict compares every leaf; relaxed drops the ghosts branch, oops and oopsMemcg (and in
 *    the refined view, reads that only change a ghost, e.g. deref's test of `freed`).
 * 3. A CPU step is safe if independent of every step of the other CPUs and every event: each
 *    leaf untouched by one of the two, or read by both, or incremented by both. Visibility: a safe
 *    step that changes a leaf the claims read (recorded the same way) is not used.
 * 4. A state has an ample set if some CPU in a path has enabled actions, all safe steps. The
 *    reduced BFS expands only those when all their successors are new states (the cycle proviso),
 *    else every action.
 */
import type { Codec } from '../checker/index.js';
import { type Config, parseFrames, parseMemcgs, scopeByName } from '../model/config.js';
import type { MemcgAction } from '../model/machine.js';
import type { State } from '../model/state.js';
import { DESIGNS } from '../model/variant.js';
import { type MemcgSpec, memcgSpec } from '../properties/spec.js';

type Mode = 'strict' | 'relaxed';
type View = 'logged' | 'refined';
const MODES: readonly Mode[] = ['strict', 'relaxed'];
const VIEWS: readonly View[] = ['logged', 'refined'];
const GHOSTS = ['branch', 'oops', 'oopsMemcg'];
// Per (step, leaf) flags.
const GUARD = 1; // read by the step's guard
const READ = 2; // read and not set, in some run
const INFLUENCE = { strict: 4, relaxed: 8 } as const; // a read (value kept) that changed the result
const SET = 16; // set in some run
const BLIND = 32; // set without being read
const CHANGED = 64; // its value changed in some run
const BLIND_CHANGE = 128; // changed without being read
const NOT_INC = { strict: 256, relaxed: 512 } as const; // a shift test failed
const [NONE, R, INC, W] = [0, 1, 2, 3];

type Tree = Record<string | number, unknown>;

interface Foot {
  readonly cpu: number;
  readonly name: string;
  readonly acc: Uint16Array;
  fired: number;
}

/** Records which leaves a function reads and sets, through a Proxy tree over a plain state. */
class Recorder {
  readonly reads: Uint8Array;
  readonly writes: Uint8Array;
  private readonly proxies = new WeakMap<object, unknown>();
  constructor(private readonly index: ReadonlyMap<string, number>) {
    this.reads = new Uint8Array(index.size);
    this.writes = new Uint8Array(index.size);
  }
  reset(): void {
    this.reads.fill(0);
    this.writes.fill(0);
  }
  wrap<T extends object>(o: T, path = ''): T {
    const known = this.proxies.get(o);
    if (known) return known as T;
    const name = (k: string) => (Array.isArray(o) ? `${path}[${k}]` : path ? `${path}.${k}` : k);
    // Leaf index by key (-1: not a leaf), looked up once per node and key.
    const leaves = new Map<string, number>();
    const leaf = (k: string) => leaves.get(k) ?? leaves.set(k, this.index.get(name(k)) ?? -1).get(k)!;
    const p = new Proxy(o as Tree, {
      get: (t, k) => {
        const v = t[k as string];
        if (typeof k === 'symbol' || k === 'length') return v;
        if (typeof v === 'number') {
          const i = leaf(k);
          if (i >= 0) this.reads[i] = 1;
        } else if (v !== null && typeof v === 'object') return this.wrap(v, name(k));
        return v;
      },
      set: (t, k, v) => {
        const i = typeof k === 'string' ? leaf(k) : -1;
        if (i >= 0) this.writes[i] = 1;
        t[k as string] = v;
        return true;
      },
    });
    this.proxies.set(o, p);
    return p as T;
  }
}

/** Leaf names and setters in encoding order (checked: byte i of an encoding holds leaf i). */
function leavesOf(codec: Codec<State>, init: State) {
  const names: string[] = [];
  const put: ((s: State, v: number) => void)[] = [];
  const walk = (v: unknown, path: (string | number)[], label: string) => {
    if (typeof v === 'number') {
      names.push(label);
      const up = path.slice(0, -1);
      const last = path[path.length - 1];
      put.push((s, value) => {
        (up.reduce<unknown>((t, k) => (t as Tree)[k], s) as Tree)[last] = value;
      });
    } else if (Array.isArray(v))
      v.forEach((e, i) => {
        walk(e, [...path, i], `${label}[${i}]`);
      });
    else for (const [k, e] of Object.entries(v as Tree)) walk(e, [...path, k], label ? `${label}.${k}` : k);
  };
  walk(init, [], '');
  const base = new Uint8Array(codec.bytes);
  const probe = new Uint8Array(codec.bytes);
  codec.encode(init, base, 0);
  put.forEach((set, i) => {
    const s = codec.decode(base, 0);
    set(s, base[i] === 1 ? 0 : 1);
    codec.encode(s, probe, 0);
    if (probe[i] === base[i] || probe.some((b, j) => j !== i && b !== base[j]))
      throw new Error(`leaf ${names[i]} is not byte ${i} of the encoding`);
  });
  return { names, put };
}

interface Ctx {
  readonly spec: MemcgSpec;
  readonly codec: Codec<State>;
  readonly names: readonly string[];
  readonly put: readonly ((s: State, v: number) => void)[];
  readonly ghost: Uint8Array;
  readonly at: ReadonlyMap<string, number>;
  /** The leaves the claims read (set once the footprints are known). */
  readonly claimReads: Uint8Array;
  /** A state to run steps on (perturbed runs, the ceiling's runs). */
  readonly scratch: State;
  /** Per leaf, the values it takes in reachable states. */
  readonly domain: number[][];
}

const keyOf = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.length).toString('latin1');
const bytesOf = (k: string) => new Uint8Array(Buffer.from(k, 'latin1'));
const signed = (b: number) => (b << 24) >> 24;

/**
 * The BFS, expanding each state with the actions `pick` chooses (all of them when it returns
 * undefined); `seen` tells it which successors are known. Returns the states in discovery order.
 */
function bfs(
  x: Ctx,
  pick?: (
    src: Uint8Array,
    s: State,
    enabled: MemcgAction[],
    succ: (a: MemcgAction) => string,
    seen: Set<string>,
  ) => string[] | undefined,
): { keys: string[]; transitions: number; reduced: number } {
  const { spec, codec } = x;
  const seen = new Set<string>();
  const keys: string[] = [];
  const out = new Uint8Array(codec.bytes);
  const add = (k: string) => {
    if (!seen.has(k)) {
      seen.add(k);
      keys.push(k);
    }
  };
  codec.encode(spec.initial()[0], out, 0);
  add(keyOf(out));
  let transitions = 0;
  let reduced = 0;
  const s = codec.decode(out, 0);
  const t = codec.decode(out, 0);
  for (let head = 0; head < keys.length; head++) {
    const src = bytesOf(keys[head]);
    codec.decodeInto!(src, 0, s);
    const enabled = [...spec.actions(s)];
    const succ = (a: MemcgAction) => {
      codec.decodeInto!(src, 0, t);
      spec.machine.apply(t, a);
      codec.encode(t, out, 0);
      return keyOf(out);
    };
    let next = pick?.(src, s, enabled, succ, seen);
    if (next) reduced++;
    next ??= enabled.map(succ);
    transitions += next.length;
    next.forEach(add);
  }
  return { keys, transitions, reduced };
}

/** Runs the step with leaf i set to v first, its encoding into `out`; false if it throws. */
function perturbed(x: Ctx, src: Uint8Array, a: MemcgAction, i: number, v: number, out: Uint8Array): boolean {
  const s = x.scratch;
  x.codec.decodeInto!(src, 0, s);
  x.put[i](s, v);
  try {
    x.spec.machine.apply(s, a);
    x.codec.encode(s, out, 0);
    return true;
  } catch {
    return false;
  }
}

/** Flags from comparing a perturbed run with the run: leaf i should read `want`, the rest the same. */
function compare(
  x: Ctx,
  after: Uint8Array,
  out: Uint8Array,
  i: number,
  want: number,
  bits: { readonly strict: number; readonly relaxed: number },
) {
  let strict = 0;
  let relaxed = 0;
  for (let j = 0; j < out.length; j++) {
    if (signed(out[j]) === (j === i ? want : signed(after[j]))) continue;
    strict = bits.strict;
    if (!x.ghost[j]) relaxed = bits.relaxed;
  }
  return strict | relaxed;
}

/** Footprints of every step, and the leaves the claims read, over the reachable states `keys`. */
function footprints(x: Ctx, keys: readonly string[]) {
  const { spec, codec, at, domain } = x;
  const L = spec.machine.L;
  const progs = spec.design.programs;
  const n = x.names.length;
  const rec = new Recorder(at);
  const feet = new Map<string, Foot>();
  const foot = (cpu: number, prog: number, step: number): Foot => {
    const key = `${cpu}:${prog}:${step}`;
    let f = feet.get(key);
    if (!f) {
      const name = `${cpu < 0 ? 'event' : `cpu${cpu}`} ${progs[prog].name}: ${progs[prog].steps[step].name}`;
      f = { cpu, name, acc: new Uint16Array(n), fired: 0 };
      feet.set(key, f);
    }
    return f;
  };
  const claimReads = new Uint8Array(n);
  const after = new Uint8Array(codec.bytes);
  const out = new Uint8Array(codec.bytes);
  const s = codec.decode(after, 0);
  const t = codec.decode(after, 0);
  const ps = rec.wrap(s);
  const pt = rec.wrap(t);
  for (const key of keys) {
    const src = bytesOf(key);
    codec.decodeInto!(src, 0, s);
    rec.reset();
    for (const c of spec.invariants) c.holds(ps);
    for (let i = 0; i < n; i++) claimReads[i] |= rec.reads[i];
    const guard = (cpu: number, prog: number, step: number) => {
      rec.reset();
      if (cpu >= 0) {
        rec.reads[at.get(`cpu[${cpu}].op`)!] = 1;
        if (s.cpu[cpu].op !== 0) rec.reads[at.get(`cpu[${cpu}].pc`)!] = 1;
      }
      progs[prog].steps[step].choices?.(ps, L, cpu);
      const f = foot(cpu, prog, step);
      for (let i = 0; i < n; i++) if (rec.reads[i]) f.acc[i] |= GUARD;
    };
    s.cpu.forEach((c, cpu) => {
      if (c.op === 0) {
        progs.forEach((p, i) => {
          if (p.slot) guard(cpu, i, 0);
        });
        return;
      }
      const steps = progs[c.op - 1].steps;
      guard(cpu, c.op - 1, c.pc);
      const alt = steps[c.pc].orElse;
      if (alt)
        guard(
          cpu,
          c.op - 1,
          steps.findIndex((st) => st.name === alt),
        );
    });
    progs.forEach((p, i) => {
      if (!p.slot) guard(-1, i, 0);
    });
    for (const a of spec.actions(s)) {
      const f = foot(a.cpu, a.prog, a.step);
      f.fired++;
      codec.decodeInto!(src, 0, t);
      rec.reset();
      spec.machine.apply(pt, a);
      codec.encode(t, after, 0);
      for (let i = 0; i < n; i++) {
        const r = rec.reads[i] === 1;
        const w = rec.writes[i] === 1;
        const changed = after[i] !== src[i];
        const v = signed(src[i]);
        if (r && !w) f.acc[i] |= READ;
        if (w) f.acc[i] |= r ? SET : SET | BLIND;
        if (changed) f.acc[i] |= r ? CHANGED : CHANGED | BLIND_CHANGE;
        // A read whose value is kept: does another value of the leaf change the result?
        const influence = INFLUENCE.strict | INFLUENCE.relaxed;
        if (r && !changed && (f.acc[i] & influence) !== influence)
          for (const u of domain[i])
            if (u !== v)
              f.acc[i] |= perturbed(x, src, a, i, u, out)
                ? compare(x, after, out, i, u, INFLUENCE)
                : influence;
        // A read-modify-write: is it an increment?
        const notInc = NOT_INC.strict | NOT_INC.relaxed;
        if (r && w && (f.acc[i] & notInc) !== notInc)
          for (const d of [1, -1, 2, -2]) {
            if (!domain[i].includes(v + d)) continue;
            const want = signed(after[i]) + d;
            f.acc[i] |= perturbed(x, src, a, i, v + d, out)
              ? compare(x, after, out, i, want, NOT_INC)
              : notInc;
          }
      }
    }
  }
  return { feet, claimReads };
}

/** The class of a step's access to a leaf (NONE, R, INC, W) in a view and mode. */
function classOf(acc: number, view: View, mode: Mode, ghost: boolean): number {
  if (mode === 'relaxed' && ghost) return NONE;
  if (view === 'logged') {
    const read = acc & (GUARD | READ);
    if (acc & SET) return read || acc & BLIND || acc & NOT_INC[mode] ? W : INC;
    return read ? R : NONE;
  }
  const read = acc & (GUARD | INFLUENCE[mode]);
  if (acc & CHANGED) return read || acc & BLIND_CHANGE || acc & NOT_INC[mode] ? W : INC;
  return read ? R : NONE;
}

/** Two accesses to one leaf conflict unless one is absent, both read, or both increment. */
const conflict = (a: number, b: number) => a !== NONE && b !== NONE && !(a === b && a !== W);

/** Which CPU steps are safe (and invisible too), and the leaves that make cpu0's others dependent. */
function independence(
  x: Ctx,
  feet: ReadonlyMap<string, Foot>,
  claimReads: Uint8Array,
  view: View,
  mode: Mode,
) {
  const all = [...feet.values()].filter((f) => f.fired > 0);
  const cls = new Map(
    all.map((f) => [f, Array.from(f.acc, (acc, i) => classOf(acc, view, mode, x.ghost[i] === 1))]),
  );
  const safe = new Set<string>();
  const invisible = new Set<string>();
  const blockers = new Map<string, number>();
  const why = new Map<Foot, string[]>();
  for (const f of all) {
    if (f.cpu < 0) continue;
    const mine = cls.get(f)!;
    const bad = new Map<number, string>();
    for (const g of all) {
      if (g.cpu === f.cpu) continue;
      const theirs = cls.get(g)!;
      mine.forEach((c, i) => {
        if (conflict(c, theirs[i]) && !bad.has(i)) bad.set(i, g.name);
      });
    }
    why.set(
      f,
      [...bad].map(([i, g]) => `${x.names[i]} (${g})`),
    );
    const visible = mine.some(
      (c, i) => (c === W || c === INC) && claimReads[i] && !(mode === 'relaxed' && x.ghost[i]),
    );
    if (bad.size === 0) safe.add(f.name);
    if (bad.size === 0 && !visible) invisible.add(f.name);
    // cpu0's leaf and cpu1's count as one (`cpu[c].op`).
    if (f.cpu === 0)
      for (const i of bad.keys()) {
        const leaf = x.names[i].replace(/^(cpu|stock)\[\d\]/, '$1[c]');
        blockers.set(leaf, (blockers.get(leaf) ?? 0) + 1);
      }
  }
  return { safe, invisible, blockers, cls, why };
}

const stepName = (spec: MemcgSpec, a: MemcgAction) => {
  const p = spec.design.programs[a.prog];
  return `${a.cpu < 0 ? 'event' : `cpu${a.cpu}`} ${p.name}: ${p.steps[a.step].name}`;
};

/** The CPUs in a path whose enabled actions are all safe steps: each one's actions, in CPU order. */
function ampleSets(spec: MemcgSpec, s: State, enabled: readonly MemcgAction[], ok: ReadonlySet<string>) {
  const out: MemcgAction[][] = [];
  for (let c = 0; c < s.cpu.length; c++) {
    if (s.cpu[c].op === 0) continue;
    const mine = enabled.filter((a) => a.cpu === c);
    if (mine.length > 0 && mine.every((a) => ok.has(stepName(spec, a)))) out.push(mine);
  }
  return out;
}

/**
 * The ceiling: the CPUs in a path whose enabled actions each commute, at this state, with every
 * enabled action of the other CPUs and of the events (both orders enabled and the same state,
 * ghosts ignored when relaxed); with visibility, that change no leaf the claims read. A valid ample
 * set of one CPU needs at least this (C1 on paths of one step), so it bounds every POR of that kind.
 */
function diamondSets(
  x: Ctx,
  src: Uint8Array,
  s: State,
  enabled: readonly MemcgAction[],
  mode: Mode,
  claimReads: Uint8Array | undefined,
): MemcgAction[][] {
  if (memo?.src !== src) memo = { src, cpus: diamonds(x, src, s, enabled, claimReads ?? x.claimReads) };
  return memo.cpus.filter((c) => c.commutes[mode] && !(claimReads && c.visible[mode])).map((c) => c.mine);
}

interface Diamond {
  readonly mine: MemcgAction[];
  readonly commutes: Record<Mode, boolean>;
  readonly visible: Record<Mode, boolean>;
}

/** The last state's diamonds: the rows of the ceiling ask about one state in turn. */
let memo: { src: Uint8Array; cpus: Diamond[] } | undefined;

/** Per CPU in a path with enabled actions: do they commute with the others' here, do they change a claim's leaf? */
function diamonds(
  x: Ctx,
  src: Uint8Array,
  s: State,
  enabled: readonly MemcgAction[],
  claimReads: Uint8Array,
): Diamond[] {
  const { spec, codec } = x;
  const run = (from: Uint8Array, a: MemcgAction) => {
    const t = x.scratch;
    codec.decodeInto!(from, 0, t);
    spec.machine.apply(t, a);
    const o = new Uint8Array(codec.bytes);
    codec.encode(t, o, 0);
    return o;
  };
  const after = new Map<MemcgAction, Uint8Array>();
  const afterOf = (a: MemcgAction) => after.get(a) ?? after.set(a, run(src, a)).get(a)!;
  const acts = new Map<MemcgAction, MemcgAction[]>();
  const actsOf = (a: MemcgAction) => {
    let list = acts.get(a);
    if (!list) {
      codec.decodeInto!(afterOf(a), 0, x.scratch);
      list = [...spec.actions(x.scratch)];
      acts.set(a, list);
    }
    return list;
  };
  const same = (p: MemcgAction, q: MemcgAction) =>
    p.prog === q.prog && p.step === q.step && p.cpu === q.cpu && p.arg === q.arg;
  /** 2: same state; 1: the same but for ghosts; 0: not a diamond. */
  const commute = (a: MemcgAction, b: MemcgAction) => {
    if (!actsOf(a).some((q) => same(q, b)) || !actsOf(b).some((q) => same(q, a))) return 0;
    const ab = run(afterOf(a), b);
    const ba = run(afterOf(b), a);
    let level = 2;
    for (let j = 0; j < ab.length; j++) if (ab[j] !== ba[j]) level = x.ghost[j] ? Math.min(level, 1) : 0;
    return level;
  };
  const changes = (a: MemcgAction, ghosts: boolean) => {
    const t = afterOf(a);
    for (let j = 0; j < t.length; j++)
      if (claimReads[j] && t[j] !== src[j] && (ghosts || !x.ghost[j])) return true;
    return false;
  };
  const out: Diamond[] = [];
  for (let c = 0; c < s.cpu.length; c++) {
    if (s.cpu[c].op === 0) continue;
    const mine = enabled.filter((a) => a.cpu === c);
    if (mine.length === 0) continue;
    const others = enabled.filter((a) => a.cpu !== c);
    let level = 2;
    for (const a of mine) for (const b of others) if (level > 0) level = Math.min(level, commute(a, b));
    out.push({
      mine,
      commutes: { strict: level === 2, relaxed: level >= 1 },
      visible: { strict: mine.some((a) => changes(a, true)), relaxed: mine.some((a) => changes(a, false)) },
    });
  }
  return out;
}

function configOf(scope: string | undefined): { name: string; config: Config } {
  if (scope === undefined || scope === 'one-page') {
    const config = { cpus: 2, memcgs: parseMemcgs('root/A'), frames: parseFrames('1'), batch: 2 };
    return { name: 'one-page', config: { ...config, drainAll: true, reclaim: true } };
  }
  const s = scopeByName(scope);
  if (!s) throw new Error(`no scope "${scope}": give one-page, tiny, small, ...`);
  return { name: scope, config: s.config };
}

const secs = (t0: number) => `${((performance.now() - t0) / 1000).toFixed(1)} s`;
const pct = (a: number, b: number) => `${((100 * a) / b).toFixed(1)}%`;

function run(scope: string | undefined, design: 'old' | 'new'): void {
  const { name, config } = configOf(scope);
  const spec = memcgSpec(config, DESIGNS[design]);
  const codec = spec.codec!;
  const { names, put } = leavesOf(codec, spec.initial()[0]);
  const ghost = Uint8Array.from(names, (l) => (GHOSTS.includes(l) ? 1 : 0));
  const domain: number[][] = names.map(() => []);
  const at = new Map(names.map((l, i) => [l, i]));
  const x: Ctx = {
    spec,
    codec,
    names,
    put,
    ghost,
    at,
    domain,
    scratch: codec.decode(new Uint8Array(codec.bytes), 0),
    claimReads: new Uint8Array(names.length),
  };
  let t0 = performance.now();
  const full = bfs(x);
  const values = names.map(() => new Set<number>());
  for (const k of full.keys) for (let i = 0; i < k.length; i++) values[i].add(signed(k.charCodeAt(i)));
  for (const [i, v] of values.entries()) domain[i].push(...[...v].sort((a, b) => a - b));
  console.log(
    `\n## ${design} at ${name}: ${full.keys.length} states, ${full.transitions} transitions (${secs(t0)})`,
  );
  t0 = performance.now();
  const { feet, claimReads } = footprints(x, full.keys);
  x.claimReads.set(claimReads);
  console.log(
    `footprints in ${secs(t0)}; ${feet.size} steps (${[...feet.values()].filter((f) => f.fired).length} fire)`,
  );
  console.log(`claims read: ${names.filter((_, i) => claimReads[i]).join(' ')}`);
  const variants = VIEWS.flatMap((view) =>
    MODES.map((mode) => ({ view, mode, ...independence(x, feet, claimReads, view, mode) })),
  );
  const best = variants[variants.length - 1];
  console.log('footprints, refined relaxed (R read, I increment, W write), cpu0 steps and events:');
  for (const f of feet.values()) {
    if (f.cpu > 0 || f.fired === 0) continue;
    const c = best.cls.get(f)!;
    const list = (k: number) => names.filter((_, i) => c[i] === k).join(' ');
    const tag = best.safe.has(f.name) ? (best.invisible.has(f.name) ? ' [safe, invisible]' : ' [safe]') : '';
    console.log(`  ${f.name}${tag}\n    R: ${list(R)}\n    I: ${list(INC)}\n    W: ${list(W)}`);
    if (f.cpu === 0) console.log(`    dependent through: ${best.why.get(f)!.join(', ')}`);
  }
  for (const v of variants) {
    const top = [...v.blockers].sort((a, b) => b[1] - a[1]).map(([l, k]) => `${l} ${k}`);
    console.log(
      `${v.view} ${v.mode}: ${v.safe.size} safe cpu steps (${v.invisible.size} invisible): ${[...v.safe].join('; ')}`,
    );
    console.log(`  leaves making cpu0 steps dependent (cpu0 steps): ${top.join(', ')}`);
  }
  type Sets = (src: Uint8Array, s: State, enabled: MemcgAction[]) => MemcgAction[][];
  const rows: { label: string; sets: Sets }[] = variants.flatMap((v) => [
    { label: `${v.view} ${v.mode}`, sets: (_, s, e) => ampleSets(spec, s, e, v.safe) },
    { label: `${v.view} ${v.mode} + visibility`, sets: (_, s, e) => ampleSets(spec, s, e, v.invisible) },
  ]);
  for (const mode of MODES)
    for (const vis of [undefined, claimReads])
      rows.push({
        label: `ceiling (commutes here) ${mode}${vis ? ' + visibility' : ''}`,
        sets: (src, s, e) => diamondSets(x, src, s, e, mode, vis),
      });
  t0 = performance.now();
  const withAmple = rows.map(() => 0);
  for (const k of full.keys) {
    const src = bytesOf(k);
    const s = codec.decode(src, 0);
    const enabled = [...spec.actions(s)];
    rows.forEach((v, i) => {
      if (v.sets(src, s, enabled).length > 0) withAmple[i]++;
    });
  }
  console.log(
    '| design, variant | states with an ample set | reduced BFS: states | transitions | states expanded by an ample set | reduced/full states |',
  );
  console.log('|---|---|---|---|---|---|');
  for (const [i, v] of rows.entries()) {
    // No ample set anywhere: the reduced search is the full one.
    const r =
      withAmple[i] === 0
        ? { keys: full.keys, transitions: full.transitions, reduced: 0 }
        : bfs(x, (src, s, enabled, succ, seen) => {
            for (const ample of v.sets(src, s, enabled)) {
              const ks = ample.map(succ);
              if (ks.every((k) => !seen.has(k))) return ks;
            }
            return undefined;
          });
    const share = `${withAmple[i]} (${pct(withAmple[i], full.keys.length)})`;
    console.log(
      `| ${design}, ${v.label} | ${share} | ${r.keys.length} | ${r.transitions} | ${r.reduced} | ${pct(r.keys.length, full.keys.length)} |`,
    );
  }
  console.log(`(ample shares and reduced searches in ${secs(t0)})`);
}

const [scope, design] = process.argv.slice(2);
for (const d of design ? [design as 'old' | 'new'] : (['new', 'old'] as const)) run(scope, d);
