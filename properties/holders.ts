/**
 * Who holds a reference on a memcg, per design (spec §3.1 I-OLD-REF, §3.2 I-NEW-REF). The ledger
 * is derived from the pointers and charges in the state, never from the refcount itself.
 */
import { nrPagesOf } from '../model/geometry.js';
import { pageName } from '../model/names.js';
import type { Layout, State } from '../model/state.js';

export interface Holder {
  /** base, extra, id, child, page, stock, ug, charge, lookup */
  readonly kind: string;
  /** Who, in kernel words: `page P0`, `stock of cpu1 (2 pages)`, `child A1`. */
  readonly who: string;
  /** References this holder accounts for. */
  readonly refs: number;
}

/** The holders of references on non-root memcg m under the design's scheme. */
export function holders(s: State, L: Layout, m: number, scheme: 'old' | 'new'): Holder[] {
  const out: Holder[] = [];
  const memcg = s.memcg[m];
  const ptr = m + 1;
  if (!memcg.killed) out.push({ kind: 'base', who: 'base ref (css not killed)', refs: 1 });
  if (memcg.killed && !memcg.offline)
    out.push({ kind: 'extra', who: 'kill_css extra ref (until offline)', refs: 1 });
  if (memcg.id > 0) out.push({ kind: 'id', who: `memcg ID (id.ref ${memcg.id})`, refs: 1 });
  for (const ch of L.children[m]) {
    if (!s.memcg[ch].freed) out.push({ kind: 'child', who: `child ${L.config.memcgs[ch].name}`, refs: 1 });
  }
  s.page.forEach((pm, p) => {
    if (pm !== ptr) return;
    const refs = scheme === 'new' ? 1 : nrPagesOf(s, L, p);
    out.push({ kind: 'page', who: `page ${pageName(L, p)}`, refs });
  });
  s.stock.forEach((st, c) => {
    if (st.cached !== ptr) return;
    if (scheme === 'new') out.push({ kind: 'stock', who: `stock of cpu${c} (${pages(st.nr)})`, refs: 1 });
    else if (st.nr > 0) out.push({ kind: 'stock', who: `stock of cpu${c} (${pages(st.nr)})`, refs: st.nr });
  });
  s.cpu.forEach((c, i) => {
    if (c.ugMemcg === ptr) {
      const refs = scheme === 'new' ? 1 : c.ugNr;
      if (refs > 0) out.push({ kind: 'ug', who: `uncharge batch of cpu${i} (${pages(c.ugNr)})`, refs });
    }
    if (c.memcg === ptr && c.tmp)
      out.push({ kind: 'lookup', who: `lookup ref of cpu${i}’s mem_cgroup_charge`, refs: 1 });
    if (scheme === 'old' && c.memcg === ptr && c.nr > 0) {
      out.push({ kind: 'charge', who: `cpu${i}’s charge not yet committed (${pages(c.nr)})`, refs: c.nr });
    }
  });
  return out;
}

/**
 * The same sum as `sumRefs(holders(...))`, without building the list: the claim runs on every
 * state, the list only when a claim fails. A test ties the two.
 */
export function holderRefs(s: State, L: Layout, m: number, scheme: 'old' | 'new'): number {
  const memcg = s.memcg[m];
  const ptr = m + 1;
  let n = 0;
  if (!memcg.killed) n++;
  else if (!memcg.offline) n++;
  if (memcg.id > 0) n++;
  const kids = L.children[m];
  for (let i = 0; i < kids.length; i++) if (!s.memcg[kids[i]].freed) n++;
  const page = s.page;
  for (let p = 0; p < page.length; p++) if (page[p] === ptr) n += scheme === 'new' ? 1 : nrPagesOf(s, L, p);
  const stock = s.stock;
  for (let c = 0; c < stock.length; c++) if (stock[c].cached === ptr) n += scheme === 'new' ? 1 : stock[c].nr;
  const cpu = s.cpu;
  for (let i = 0; i < cpu.length; i++) {
    const c = cpu[i];
    if (c.ugMemcg === ptr) n += scheme === 'new' ? 1 : c.ugNr;
    if (c.memcg === ptr) {
      if (c.tmp) n++;
      if (scheme === 'old') n += c.nr;
    }
  }
  return n;
}

const pages = (n: number) => (n === 1 ? '1 page' : `${n} pages`);

export function sumRefs(hs: readonly Holder[]): number {
  return hs.reduce((n, h) => n + h.refs, 0);
}

/** Pages charged to memcg m itself (not descendants): what its page counter owes to m. */
export function localCharges(s: State, L: Layout, m: number): number {
  const ptr = m + 1;
  let n = 0;
  s.page.forEach((pm, p) => {
    if (pm === ptr) n += nrPagesOf(s, L, p);
  });
  for (const st of s.stock) if (st.cached === ptr) n += st.nr;
  for (const c of s.cpu) {
    if (c.ugMemcg === ptr) n += c.ugNr;
    if (c.memcg === ptr && c.op !== 0) n += c.nr;
  }
  return n;
}
