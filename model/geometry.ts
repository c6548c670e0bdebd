/** Page geometry read from a state: how many base pages a page struct stands for right now. */
import type { Layout, ReadonlyState } from './state.js';

/**
 * hpage_nr_pages: a THP head not yet split stands for all its subpages; its tails stand for none
 * (they are NULL until the split); after mem_cgroup_split_huge_fixup every subpage counts 1.
 */
export function nrPagesOf(s: ReadonlyState, L: Layout, p: number): number {
  const f = L.structFrame[p];
  if (!L.isThp[f] || s.split[f]) return 1;
  return L.structIsHead[p] ? L.frameSize[f] : 0;
}
