/** Display names in kernel vocabulary: memcgs by cgroup name, page structs as P0, P1, H0 (head), H1 (tail). */
import type { Layout } from './state.js';

export function memcgName(L: Layout, m: number): string {
  return L.config.memcgs[m]?.name ?? `memcg#${m}`;
}

/** Name of a memcg pointer field (index + 1, 0 = NULL). */
export function ptrName(L: Layout, ptr: number): string {
  return ptr === 0 ? 'NULL' : memcgName(L, ptr - 1);
}

export function pageName(L: Layout, p: number): string {
  const f = L.structFrame[p];
  if (!L.isThp[f]) return `P${smallIndex(L, f)}`;
  const letter = 'HJKL'[thpIndex(L, f)] ?? 'T';
  return `${letter}${p - L.frameFirst[f]}`;
}

export function frameName(L: Layout, f: number): string {
  return L.isThp[f] ? `THP ${pageName(L, L.frameFirst[f])}` : pageName(L, L.frameFirst[f]);
}

function smallIndex(L: Layout, f: number): number {
  let k = 0;
  for (let i = 0; i < f; i++) if (!L.isThp[i]) k++;
  return k;
}

function thpIndex(L: Layout, f: number): number {
  let k = 0;
  for (let i = 0; i < f; i++) if (L.isThp[i]) k++;
  return k;
}
