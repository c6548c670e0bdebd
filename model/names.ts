/**
 * Display names in kernel vocabulary: memcgs by cgroup name, page structs as P0, P1 (small pages),
 * H0 (a THP head), H1 (its tail), kmem0 (an order-0 kernel page), kmem1.0 and kmem1.1 (the page
 * structs of an order-1 kernel page, whose frame is kmem1).
 */
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
  if (L.isKmem[f]) return L.frameSize[f] === 1 ? kmemName(L, f) : `${kmemName(L, f)}.${p - L.frameFirst[f]}`;
  if (!L.isThp[f]) return `P${smallIndex(L, f)}`;
  const letter = 'HJKL'[thpIndex(L, f)] ?? 'T';
  return `${letter}${p - L.frameFirst[f]}`;
}

export function frameName(L: Layout, f: number): string {
  if (L.isKmem[f]) return kmemName(L, f);
  return L.isThp[f] ? `THP ${pageName(L, L.frameFirst[f])}` : pageName(L, L.frameFirst[f]);
}

function smallIndex(L: Layout, f: number): number {
  let k = 0;
  for (let i = 0; i < f; i++) if (!L.isThp[i] && !L.isKmem[i]) k++;
  return k;
}

function kmemName(L: Layout, f: number): string {
  let k = 0;
  for (let i = 0; i < f; i++) if (L.isKmem[i]) k++;
  return `kmem${k}`;
}

function thpIndex(L: Layout, f: number): number {
  let k = 0;
  for (let i = 0; i < f; i++) if (L.isThp[i]) k++;
  return k;
}
