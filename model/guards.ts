/** Read-only predicates the steps' guards are built from. They never write. */
import type { Layout, ReadonlyState } from './state.js';

/**
 * A page struct some CPU is working on: being charged (from the lookup until mem_cgroup_charge
 * returns: the page is private to the charging task until then, not yet mapped or on an LRU), or
 * already in an open uncharge list.
 */
export function busy(s: ReadonlyState, p: number): boolean {
  const cpus = s.cpu;
  for (let i = 0; i < cpus.length; i++) {
    const c = cpus[i];
    if (c.op !== 0 && (c.page === p + 1 || (c.pages >> p) & 1)) return true;
  }
  return false;
}

function frameBusy(s: ReadonlyState, L: Layout, f: number): boolean {
  for (let k = 0; k < L.frameSize[f]; k++) if (busy(s, L.frameFirst[f] + k)) return true;
  return false;
}

/**
 * A page the allocator can hand out for charging: a free small page, a whole free THP (at its
 * head), or a free subpage of a split THP (after the split, subpages are order-0 pages; once all of
 * them are free the frame may also come back whole, as a THP: the charge entry's choices).
 */
export function chargeable(s: ReadonlyState, L: Layout, p: number): boolean {
  const f = L.structFrame[p];
  if (L.isKmem[f]) return false;
  if (L.isThp[f] && !s.split[f]) {
    if (!L.structIsHead[p] || frameBusy(s, L, f)) return false;
    for (let k = 0; k < L.frameSize[f]; k++) if (s.page[L.frameFirst[f] + k] !== 0) return false;
    return true;
  }
  return s.page[p] === 0 && !busy(s, p);
}

/** Every page struct of frame f is uncharged and no CPU works on it: the frame is free. */
export function frameFree(s: ReadonlyState, L: Layout, f: number): boolean {
  for (let k = 0; k < L.frameSize[f]; k++) if (s.page[L.frameFirst[f] + k] !== 0) return false;
  return !frameBusy(s, L, f);
}

/**
 * A charged page that can be freed now: a small page, an unsplit THP (its head), or a split
 * subpage; and an order-0 kernel page or a piece of a split one, whose last put_page frees it
 * through mem_cgroup_uncharge (uncharge_page's PageKmemcg branch, v5.8 and v5.9). A high-order
 * kernel page not split is freed whole by __free_pages (put_page would free only its first page).
 */
export function unchargeable(s: ReadonlyState, L: Layout, p: number): boolean {
  const f = L.structFrame[p];
  if (L.isKmem[f]) return s.page[p] !== 0 && !busy(s, p) && (L.frameSize[f] === 1 || s.split[f] === 1);
  if (s.page[p] === 0 || busy(s, p)) return false;
  if (L.isThp[f] && !s.split[f]) return L.structIsHead[p] && !frameBusy(s, L, f);
  return true;
}

/** A charged THP that mem_cgroup_split_huge_fixup can run on (frozen: nobody else works on it). */
export function splittable(s: ReadonlyState, L: Layout, f: number): boolean {
  return L.isThp[f] && !s.split[f] && s.page[L.frameFirst[f]] !== 0 && !frameBusy(s, L, f);
}

/**
 * A kernel page frame __alloc_pages can hand out (then __memcg_kmem_charge_page charges it): every
 * page struct free (NULL mem_cgroup: freed, or never charged, e.g. root's) and none in use.
 */
export function kmemAllocatable(s: ReadonlyState, L: Layout, f: number): boolean {
  return L.isKmem[f] && frameFree(s, L, f);
}

/**
 * A charged kernel page its owner can free now (__free_pages → free_pages_prepare, which runs
 * __memcg_kmem_uncharge_page when PageKmemcg): the whole allocation at its first page struct, or,
 * after split_page, any piece that has a memcg (a piece with none is freed with no memcg effect).
 */
export function kmemFreeable(s: ReadonlyState, L: Layout, p: number): boolean {
  const f = L.structFrame[p];
  if (!L.isKmem[f] || s.page[p] === 0 || busy(s, p)) return false;
  return s.split[f] === 1 || !L.structIsTail[p];
}

/** A charged high-order kernel page not yet split: split_page may cut it into order-0 pages. */
export function kmemSplittable(s: ReadonlyState, L: Layout, f: number): boolean {
  return (
    L.isKmem[f] && L.frameSize[f] > 1 && !s.split[f] && s.page[L.frameFirst[f]] !== 0 && !frameBusy(s, L, f)
  );
}

/** css_has_online_children: some child css still has CSS_ONLINE (not yet offlined). */
export function hasOnlineChildren(s: ReadonlyState, L: Layout, m: number): boolean {
  return L.children[m].some((ch) => !s.memcg[ch].offline);
}

/**
 * cgroup_destroy_locked's check, css_has_online_children(&cgrp->self): it looks at the child
 * cgroups' own (self) css, which goes offline at the child's rmdir, before its memcg css does. So
 * the parent can be removed once every child has been removed (killed), offline or not.
 */
export function hasLiveChildCgroups(s: ReadonlyState, L: Layout, m: number): boolean {
  return L.children[m].some((ch) => !s.memcg[ch].killed);
}

/** CPU running program `prog` (index) on memcg m. */
export function runningOn(s: ReadonlyState, prog: number, m: number): boolean {
  return s.cpu.some((c) => c.op === prog + 1 && c.memcg === m + 1);
}

/** The indices 0..n-1 that satisfy `keep` (a loop, not an allocation per index: guards run per state). */
export function indicesWhere(n: number, keep: (i: number) => boolean | number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (keep(i)) out.push(i);
  return out;
}
