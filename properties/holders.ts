/**
 * Who holds a reference on a memcg, per design (spec §3.1 I-OLD-REF, §3.2 I-NEW-REF). The ledger
 * is derived from the pointers and charges in the state, never from the refcount itself, and the
 * holders are those the state's schema declares (model/state.ts, and the fields a path adds): the
 * memcg's own references (base, kill_css extra, ID pin, children), then each memcg pointer that
 * holds one (NEW: one each; OLD: one per charged page).
 */
import type { Layout } from '../model/layout.js';
import { fieldReader, type PointerHolder, type Refs, type Schema } from '../model/schema.js';
import type { State } from '../model/state.js';

export interface Holder {
  /** base, extra, id, child, page, stock, ug, charge, lookup */
  readonly kind: string;
  /** Who, in kernel words: `page P0`, `stock of cpu1 (2 pages)`, `child A1`. */
  readonly who: string;
  /** References this holder accounts for. */
  readonly refs: number;
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

/** The groups of pointer holders: each group's holders, and its domain's length. */
function byGroup(L: Layout): { n: number; hs: readonly Compiled[] }[] {
  const out: { n: number; hs: Compiled[] }[] = [];
  let last = '';
  for (const c of pointerHolders(L.schema)) {
    if (c.group !== last) {
      out.push({ n: 0, hs: [] });
      last = c.group;
    }
    out[out.length - 1].hs.push(c);
  }
  return out;
}

function refsOf(r: Refs, pages: number): number {
  return r === 'one' ? 1 : r === 'pages' ? pages : 0;
}

const lengthOf = (s: State, key: string) => (s as unknown as Record<string, readonly unknown[]>)[key].length;

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
        if (refs > 0) out.push({ kind: c.decl.kind, who: c.decl.who(s, L, i), refs });
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
  let n = 0;
  const own = L.schema.ownHolders;
  for (let k = 0; k < own.length; k++) n += own[k].refs(s, L, m);
  const ptr = m + 1;
  const hs = pointerHolders(L.schema);
  for (let k = 0; k < hs.length; k++) {
    const c = hs[k];
    const d = c.decl;
    const r = d.refs[scheme];
    if (r === 'none') continue;
    const len = lengthOf(s, c.group);
    for (let i = 0; i < len; i++) {
      if (c.read(s, i) !== ptr || (d.when && !d.when(s, i))) continue;
      n += r === 'one' ? 1 : (d.pages?.(s, L, i) ?? 0);
    }
  }
  return n;
}

export function sumRefs(hs: readonly Holder[]): number {
  return hs.reduce((n, h) => n + h.refs, 0);
}

/** Pages charged to memcg m itself (not descendants): what its page counter owes to m. */
export function localCharges(s: State, L: Layout, m: number): number {
  const ptr = m + 1;
  let n = 0;
  const hs = pointerHolders(L.schema);
  for (let k = 0; k < hs.length; k++) {
    const c = hs[k];
    const pages = c.decl.pages;
    if (!pages) continue;
    const len = lengthOf(s, c.group);
    for (let i = 0; i < len; i++)
      if (c.read(s, i) === ptr && (!c.decl.when || c.decl.when(s, i))) n += pages(s, L, i);
  }
  return n;
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
