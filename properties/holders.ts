/**
 * Who holds a reference on a memcg, per design (spec §3.1 I-OLD-REF, §3.2 I-NEW-REF). The ledger
 * is derived from the pointers and charges in the state, never from the refcount itself, and the
 * holders are those the state's schema declares (model/state.ts, and the fields a path adds): the
 * memcg's own references (base, kill_css extra, ID pin, children), then each memcg pointer that
 * holds one (NEW: one each; OLD: one per charged page).
 */
import type { Layout } from '../model/layout.js';
import { domainSize, fieldReader, type PointerHolder, type Refs, type Schema } from '../model/schema.js';
import type { State } from '../model/state.js';

export interface Holder {
  /** base, extra, id, child, page, stock, ug, charge, lookup */
  readonly kind: string;
  /** Who, in kernel words: `page P0`, `stock of cpu1 (2 pages)`, `child A1`. */
  readonly who: string;
  /** References this holder accounts for. */
  readonly refs: number;
  /** For a pointer holder: its index in its group (the CPU of a stock, the page of a page). */
  readonly index?: number;
}

interface Compiled {
  readonly decl: PointerHolder;
  readonly read: (s: State, i: number) => number;
  /** Group key and position among the groups: the ledger lists holders group by group, index by index. */
  readonly group: string;
  readonly order: number;
}

const compiledFor = new WeakMap<Schema, readonly Compiled[]>();

/** The pointer holders with a generated reader for each field, in the ledger's order. */
export function pointerHolders(schema: Schema): readonly Compiled[] {
  let out = compiledFor.get(schema);
  if (!out) {
    const list = schema.pointerHolders.map((decl) => {
      const { group, read } = fieldReader(schema, decl.field);
      return { decl, read, group: group.key, order: schema.groups.indexOf(group) };
    });
    // Stable: within a group, in declaration order.
    out = list
      .map((c, k) => ({ c, k }))
      .sort((a, b) => a.c.order - b.c.order || a.k - b.k)
      .map(({ c }) => c);
    compiledFor.set(schema, out);
  }
  return out;
}

const groupsFor = new WeakMap<Layout, readonly { n: number; hs: readonly Compiled[] }[]>();

/** The groups of pointer holders: each group's holders, and its domain's length (made once per layout). */
function byGroup(L: Layout): readonly { n: number; hs: readonly Compiled[] }[] {
  const known = groupsFor.get(L);
  if (known) return known;
  const out: { n: number; hs: Compiled[] }[] = [];
  let last = '';
  for (const c of pointerHolders(L.schema)) {
    if (c.group !== last) {
      out.push({ n: 0, hs: [] });
      last = c.group;
    }
    out[out.length - 1].hs.push(c);
  }
  groupsFor.set(L, out);
  return out;
}

function refsOf(r: Refs, pages: number): number {
  return r === 'one' ? 1 : r === 'pages' ? pages : 0;
}

const lengthOf = (s: State, key: string) => (s as unknown as Record<string, readonly unknown[]>)[key].length;

/** The hot parts of the ledger, generated per layout from the schema's holders (straight-line loops). */
interface Ledger {
  readonly refs: {
    readonly old: (s: State, m: number) => number;
    readonly new: (s: State, m: number) => number;
  };
  readonly charges: (s: State, m: number) => number;
  readonly dangling: { readonly old: (s: State) => boolean; readonly new: (s: State) => boolean };
}

const ledgers = new WeakMap<Layout, Ledger>();

function ledgerOf(L: Layout): Ledger {
  let out = ledgers.get(L);
  if (!out) {
    out = compileLedger(L);
    ledgers.set(L, out);
  }
  return out;
}

/**
 * Generates the ledger's functions: one loop per pointer holder over its group's entries (a fixed
 * count at these bounds), the field read inline, `when` and `pages` called only where declared.
 */
function compileLedger(L: Layout): Ledger {
  const hs = pointerHolders(L.schema);
  const own = L.schema.ownHolders.map((h) => h.refs);
  const when = hs.map((c) => c.decl.when);
  const pages = hs.map((c) => c.decl.pages);
  const sizeOf = (key: string) => domainSize(L, L.schema.groups.find((g) => g.key === key)!.domain);
  const field = (k: number) => {
    const [key, name] = hs[k].decl.field.split('.');
    return { key, access: name ? `a[i].${name}` : 'a[i]' };
  };
  const loop = (k: number, body: string) => {
    const { key, access } = field(k);
    const n = sizeOf(key);
    const cond = when[k] ? ` && W[${k}](s, i)` : '';
    return `{ const a = s.${key}; for (let i = 0; i < ${n}; i++) { const v = ${access}; if (v === ptr${cond}) ${body} } }`;
  };
  const refsBody = (scheme: 'old' | 'new') => {
    const lines = ['const ptr = m + 1;', 'let n = 0;', ...own.map((_, k) => `n += O[${k}](s, L, m);`)];
    hs.forEach((c, k) => {
      const r = c.decl.refs[scheme];
      if (r === 'one') lines.push(loop(k, 'n++;'));
      else if (r === 'pages' && pages[k]) lines.push(loop(k, `n += P[${k}](s, L, i);`));
    });
    lines.push('return n;');
    return lines.join('\n');
  };
  const chargesBody = () => {
    const lines = ['const ptr = m + 1;', 'let n = 0;'];
    hs.forEach((_, k) => {
      if (pages[k]) lines.push(loop(k, `n += P[${k}](s, L, i);`));
    });
    lines.push('return n;');
    return lines.join('\n');
  };
  const danglingBody = (scheme: 'old' | 'new') => {
    const lines: string[] = [];
    hs.forEach((c, k) => {
      const d = c.decl.dangling;
      if (!d) return;
      const r = c.decl.refs[scheme];
      if (d === 'holding' && (r === 'none' || (r === 'pages' && !pages[k]))) return;
      const { key, access } = field(k);
      const n = sizeOf(key);
      const holding = d === 'holding' && r === 'pages' ? ` && P[${k}](s, L, i) > 0` : '';
      const cond = when[k] ? ` && W[${k}](s, i)` : '';
      lines.push(
        `{ const a = s.${key}; for (let i = 0; i < ${n}; i++) { const v = ${access}; if (v !== 0 && s.memcg[v - 1].freed === 1${cond}${holding}) return true; } }`,
      );
    });
    lines.push('return false;');
    return lines.join('\n');
  };
  const make = <F>(args: string, body: string): F =>
    new Function('L', 'O', 'W', 'P', `return function (${args}) {\n${body}\n};`)(L, own, when, pages) as F;
  return {
    refs: { old: make('s, m', refsBody('old')), new: make('s, m', refsBody('new')) },
    charges: make('s, m', chargesBody()),
    dangling: { old: make('s', danglingBody('old')), new: make('s', danglingBody('new')) },
  };
}

/** The holders of references on non-root memcg m under the design's scheme. */
export function holders(s: State, L: Layout, m: number, scheme: 'old' | 'new'): Holder[] {
  const out: Holder[] = [];
  for (const h of L.schema.ownHolders)
    for (const e of h.list(s, L, m)) out.push({ kind: h.kind, who: e.who, refs: e.refs });
  const ptr = m + 1;
  for (const g of byGroup(L)) {
    const n = lengthOf(s, g.hs[0].group);
    for (let i = 0; i < n; i++) {
      for (const c of g.hs) {
        if (c.read(s, i) !== ptr || (c.decl.when && !c.decl.when(s, i))) continue;
        const refs = refsOf(c.decl.refs[scheme], c.decl.pages?.(s, L, i) ?? 0);
        if (refs > 0) out.push({ kind: c.decl.kind, who: c.decl.who(s, L, i), refs, index: i });
      }
    }
  }
  return out;
}

/**
 * The same sum as `sumRefs(holders(...))`, without building the list: the claim runs on every
 * state, the list only when a claim fails. A test ties the two.
 */
export function holderRefs(s: State, L: Layout, m: number, scheme: 'old' | 'new'): number {
  return ledgerOf(L).refs[scheme](s, m);
}

export function sumRefs(hs: readonly Holder[]): number {
  return hs.reduce((n, h) => n + h.refs, 0);
}

/** Pages charged to memcg m itself (not descendants): what its page counter owes to m. */
export function localCharges(s: State, L: Layout, m: number): number {
  return ledgerOf(L).charges(s, m);
}

/** Some pointer field names a freed memcg and must not (the claim's test; the text below says which). */
export function hasDanglingPointer(s: State, L: Layout, scheme: 'old' | 'new'): boolean {
  return ledgerOf(L).dangling[scheme](s);
}

/** The pointer fields that name a freed memcg and must not (I-NOUAF, state form), in kernel words. */
export function danglingPointers(s: State, L: Layout, scheme: 'old' | 'new'): string[] {
  const out: string[] = [];
  for (const g of byGroup(L)) {
    const n = lengthOf(s, g.hs[0].group);
    for (let i = 0; i < n; i++) {
      for (const c of g.hs) {
        const d = c.decl;
        if (!d.dangling) continue;
        const ptr = c.read(s, i);
        if (ptr === 0 || s.memcg[ptr - 1].freed !== 1 || (d.when && !d.when(s, i))) continue;
        if (d.dangling === 'holding' && refsOf(d.refs[scheme], d.pages?.(s, L, i) ?? 0) === 0) continue;
        out.push(d.danglingText ? d.danglingText(s, L, i) : `${d.field}[${i}] (freed)`);
      }
    }
  }
  return out;
}

/**
 * The pointers of the given holder kinds that name memcg m (whether or not they hold a reference
 * under the scheme: a swap record holds none, yet it keeps the memcg's id and its charge), in
 * kernel words: the premise of the liveness claim (properties/liveness.ts).
 */
export function pointersTo(s: State, L: Layout, m: number, kinds: ReadonlySet<string>): string[] {
  const out: string[] = [];
  const ptr = m + 1;
  for (const g of byGroup(L)) {
    if (!g.hs.some((c) => kinds.has(c.decl.kind))) continue;
    const n = lengthOf(s, g.hs[0].group);
    for (let i = 0; i < n; i++) {
      for (const c of g.hs) {
        if (!kinds.has(c.decl.kind) || c.read(s, i) !== ptr || (c.decl.when && !c.decl.when(s, i))) continue;
        out.push(c.decl.who(s, L, i));
      }
    }
  }
  return out;
}
