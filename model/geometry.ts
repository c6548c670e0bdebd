/** Page geometry read from a state: how many base pages a page struct stands for right now. */
import type { Layout, ReadonlyState } from './state.js';

/**
 * hpage_nr_pages: a THP head not yet split stands for all its subpages; its tails stand for none
 * (they are NULL until the split); after mem_cgroup_split_huge_fixup every subpage counts 1. A
 * kernel page of order o likewise: its first page struct stands for 2^o pages until split_page,
 * then each page struct is an order-0 page (the `1 << order` __memcg_kmem_uncharge_page frees).
 */
export function nrPagesOf(s: ReadonlyState, L: Layout, p: number): number {
  const f = L.structFrame[p];
  if (L.frameSize[f] === 1 || s.split[f]) return 1;
  return L.structIsHead[p] ? L.frameSize[f] : 0;
}
