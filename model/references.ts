/**
 * The state's reference holders (part of the schema, model/schema.ts): the references a memcg holds
 * by its own lifecycle, and the memcg pointers that hold references and owe the page counter
 * pages. properties/holders.ts builds the ledger from these, never from the refcount itself.
 */
import { nrPagesOf } from './geometry.js';
import { cacheLinked } from './kmem-cache.js';
import { MC_HOLDERS } from './mc-state.js';
import { memcgName, pageName, ptrName } from './names.js';
import { PROG } from './paths/order.js';
import type { OwnHolder, PointerHolder } from './schema.js';

const pages = (n: number) => (n === 1 ? '1 page' : `${n} pages`);

/** The references a memcg holds by its own lifecycle (spec §3.1 I-OLD-REF, §3.2 I-NEW-REF). */
export const OWN_HOLDERS: readonly OwnHolder[] = [
  {
    kind: 'base',
    list: (s, _L, m) => (s.memcg[m].killed ? [] : [{ who: 'base ref (css not killed)', refs: 1 }]),
    refs: (s, _L, m) => (s.memcg[m].killed ? 0 : 1),
  },
  {
    kind: 'extra',
    list: (s, _L, m) =>
      s.memcg[m].killed && !s.memcg[m].offline
        ? [{ who: 'kill_css extra ref (until offline)', refs: 1 }]
        : [],
    refs: (s, _L, m) => (s.memcg[m].killed && !s.memcg[m].offline ? 1 : 0),
  },
  {
    kind: 'id',
    list: (s, _L, m) => (s.memcg[m].id > 0 ? [{ who: `memcg ID (id.ref ${s.memcg[m].id})`, refs: 1 }] : []),
    refs: (s, _L, m) => (s.memcg[m].id > 0 ? 1 : 0),
  },
  {
    kind: 'child',
    list: (s, L, m) =>
      L.children[m]
        .filter((ch) => !s.memcg[ch].freed)
        .map((ch) => ({ who: `child ${memcgName(L, ch)}`, refs: 1 })),
    refs: (s, L, m) => {
      const kids = L.children[m];
      let n = 0;
      for (let i = 0; i < kids.length; i++) if (!s.memcg[kids[i]].freed) n++;
      return n;
    },
  },
  {
    // v5.8 memcg_schedule_kmem_cache_create: css_tryget_online, put by memcg_kmem_cache_create_func.
    kind: 'create',
    list: (s, _L, m) =>
      s.kmemCache[m]?.queued ? [{ who: 'memcg_kmem_cache_create_func work queued', refs: 1 }] : [],
    refs: (s, _L, m) => (s.kmemCache[m]?.queued ? 1 : 0),
  },
];

/**
 * The memcg pointers that hold references (NEW: one each; OLD: one per charged page) and owe the
 * page counter their pages. Listed per group in the order the ledger prints them.
 */
export const POINTER_HOLDERS: readonly PointerHolder[] = [
  {
    kind: 'page',
    field: 'page',
    pages: nrPagesOf,
    refs: { new: 'one', old: 'pages' },
    who: (_s, L, p) => `page ${pageName(L, p)}`,
    dangling: 'set',
    danglingText: (s, L, p) => `page ${pageName(L, p)}->mem_cgroup = ${ptrName(L, s.page[p])} (freed)`,
  },
  {
    kind: 'stock',
    field: 'stock.cached',
    pages: (s, _L, c) => s.stock[c].nr,
    refs: { new: 'one', old: 'pages' },
    who: (s, _L, c) => `stock of cpu${c} (${pages(s.stock[c].nr)})`,
    // OLD: stock->cached with nr_pages == 0 holds nothing and may dangle; refill_stock only compares it.
    dangling: 'holding',
    danglingText: (s, L, c) =>
      `stock[cpu${c}].cached = ${ptrName(L, s.stock[c].cached)} (freed, ${s.stock[c].nr} pages)`,
  },
  {
    kind: 'ug',
    field: 'cpu.ugMemcg',
    pages: (s, _L, i) => s.cpu[i].ugNr,
    refs: { new: 'one', old: 'pages' },
    who: (s, _L, i) => `uncharge batch of cpu${i} (${pages(s.cpu[i].ugNr)})`,
    dangling: 'set',
    danglingText: (s, L, i) => `cpu${i} ug->memcg = ${ptrName(L, s.cpu[i].ugMemcg)} (freed)`,
  },
  {
    kind: 'lookup',
    field: 'cpu.memcg',
    when: (s, i) => s.cpu[i].tmp !== 0,
    refs: { new: 'one', old: 'one' },
    who: (s, _L, i) =>
      s.cpu[i].op === PROG.slabAlloc + 1
        ? `obj_cgroup_charge’s css_get on cpu${i}`
        : s.cpu[i].op === PROG.slabAllocV58 + 1
          ? `memcg_charge_slab’s css_tryget_online on cpu${i}`
          : `lookup ref of cpu${i}’s mem_cgroup_charge`,
    dangling: 'holding',
    danglingText: (s, L, i) => `cpu${i} mem_cgroup_charge memcg = ${ptrName(L, s.cpu[i].memcg)} (freed)`,
  },
  {
    // v5.9 memcg_reparent_objcgs: css_get(parent) for objcg->memcg, put by obj_cgroup_release.
    kind: 'objcg',
    field: 'objcg.memcg',
    when: (s, i) => s.objcg[i].killed === 1 && s.objcg[i].released === 0,
    refs: { new: 'one', old: 'none' },
    who: (_s, L, i) => `obj_cgroup of ${memcgName(L, i)} (reparented)`,
    dangling: 'holding',
    danglingText: (s, L, i) => `objcg(${memcgName(L, i)})->memcg = ${ptrName(L, s.objcg[i].memcg)} (freed)`,
  },
  {
    // v5.8 memcg_link_cache: css_get(memcg), moved to the parent by memcg_deactivate_kmem_caches,
    // put by destroy_memcg_params.
    kind: 'kmem_cache',
    field: 'kmemCache.memcg',
    when: (s, i) => cacheLinked(s.kmemCache[i]),
    refs: { new: 'none', old: 'one' },
    who: (s, L, i) =>
      `kmem_cache of ${memcgName(L, i)}${s.kmemCache[i].memcg === i + 1 ? '' : ' (reparented)'}`,
    dangling: 'holding',
    danglingText: (s, L, i) =>
      `kmem_cache(${memcgName(L, i)})->memcg_params.memcg = ${ptrName(L, s.kmemCache[i].memcg)} (freed)`,
  },
  {
    // A swap record holds no css reference: it pins the memcg's id (the `id` own holder's one ref).
    kind: 'swap_record',
    field: 'swapRecord',
    refs: { new: 'none', old: 'none' },
    who: (_s, _L, k) => `swap record of slot ${k}`,
    dangling: 'set',
    danglingText: (s, L, k) => `swap slot ${k}'s swap_cgroup record = ${ptrName(L, s.swapRecord[k])} (freed)`,
  },
  ...MC_HOLDERS,
  {
    kind: 'charge',
    field: 'cpu.memcg',
    pages: (s, _L, i) => s.cpu[i].nr,
    refs: { new: 'none', old: 'pages' },
    who: (s, _L, i) => `cpu${i}’s charge not yet committed (${pages(s.cpu[i].nr)})`,
  },
];
