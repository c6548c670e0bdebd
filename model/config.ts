/**
 * Bounds of a run (the TLA+ `MC*.cfg` of this model): CPUs, memcgs, page frames, batch. The model
 * is parametric; named scopes hold the numbers. Nothing here changes what an action does.
 *
 * Long because the named scopes are written out one by one, each with what it holds.
 */

export interface MemcgDecl {
  /** Display name, e.g. `A` or `A1`. */
  readonly name: string;
  /** Index of the parent in `Config.memcgs` (-1 for root only). */
  readonly parent: number;
}

/**
 * A page frame: a small user page (one page struct), a THP (a head and `subpages - 1` tails), or a
 * kernel page (`kmem`: __GFP_ACCOUNT pages charged by __memcg_kmem_charge_page) of 2^order page
 * structs, not compound (split_page may cut it into order-0 pages).
 */
export interface FrameDecl {
  readonly kind: 'small' | 'thp' | 'kmem';
  /** Page structs in the frame: 1 for a small page, HPAGE_PMD_NR (scaled down) for a THP, 2^order for kmem. */
  readonly subpages: number;
}

export interface Config {
  readonly cpus: number;
  /** Index 0 is root_mem_cgroup (CSS_NO_REF). */
  readonly memcgs: readonly MemcgDecl[];
  readonly frames: readonly FrameDecl[];
  /** MEMCG_CHARGE_BATCH, scaled down. */
  readonly batch: number;
  /** Include the standalone drain_all_stock(memcg) path (memory.max/high writes). */
  readonly drainAll: boolean;
  /**
   * try_charge's reclaim path: every charge fails, drain_all_stock(mem_over_limit) on the charging
   * CPU, retry (model/paths/try-charge.ts). On unless false: turning it off allows less than the
   * kernel (docs/model.md), for scopes that would not finish with it.
   */
  readonly reclaim?: boolean;
  /**
   * split_page of a high-order kernel page (model/paths/kmem.ts), as v5.8 and v5.9 have it: the
   * tails get no page->mem_cgroup (finding F2, docs/findings.md). Off unless true; needs a kmem
   * frame of 2 or more pages.
   */
  readonly splitPage?: boolean;
  /**
   * Slab object slots (v5.9's obj_cgroup slab accounting, model/paths/slab.ts): kmem_cache_alloc and
   * kmem_cache_free of one object, the per-CPU obj stock, the objcg reparenting and release; with
   * design old, v5.8's per-memcg kmem_caches (model/paths/slab-v58.ts), a slot being a slab page of
   * one object. 0 (the default) leaves the slab paths out, so the other scopes keep their state spaces.
   */
  readonly objects?: number;
  /**
   * Swap records and memcg ids (model/paths/swap.ts): `v2` is cgroup v2's swap counter and
   * mem_cgroup_try_charge_swap, `v1` the memsw counter and mem_cgroup_swapout; both have
   * mem_cgroup_uncharge_swap and the swap-in charge. Absent (the default) leaves swap out, so the
   * other scopes keep their state spaces. The two count differently, so they are two bounds.
   */
  readonly swap?: 'v1' | 'v2' | 'off';
  /** Swap slots (swap_cgroup records) with `swap`: a THP of k subpages takes k of them. Default 2. */
  readonly swapSlots?: number;
  /**
   * Page migration (model/paths/migrate.ts): mem_cgroup_migrate of a charged page to a free page of
   * the same size, the old page uncharged when freed. Off unless true.
   */
  readonly migrate?: boolean;
  /**
   * cgroup v1 charge moving (model/paths/move-charge.ts): a task moved from one memcg to another
   * with memory.move_charge_at_immigrate, its pages and (with --swap v1) swap entries moved. Off
   * unless true; cgroup v1 only, so not with --swap v2.
   */
  readonly move?: boolean;
}

/** The swap version at these bounds (`off` and absent alike: none). */
export function swapOf(c: Config): 'v1' | 'v2' | undefined {
  return c.swap === 'v1' || c.swap === 'v2' ? c.swap : undefined;
}

/** The swap slots at these bounds: 0 without swap. */
export function swapSlotsOf(c: Config): number {
  return swapOf(c) ? (c.swapSlots ?? 2) : 0;
}

export interface ScopeInfo {
  readonly name: string;
  readonly description: string;
  readonly config: Config;
}

const memcgs = (spec: string): MemcgDecl[] => parseMemcgs(spec);

export const SCOPES: readonly ScopeInfo[] = [
  {
    name: 'tiny',
    description:
      '2 CPUs, root/A, one small page, one 2-subpage THP, batch 2, every path (memory.max drain_all_stock and try_charge reclaim too)',
    config: {
      cpus: 2,
      memcgs: memcgs('root/A'),
      frames: parseFrames('1,thp:2'),
      batch: 2,
      drainAll: true,
      reclaim: true,
    },
  },
  {
    name: 'small',
    description:
      '2 CPUs, root/A,root/B, one small page, one 2-subpage THP, batch 2 (drain_all_stock through css offline only: no try_charge reclaim, no memory.max)',
    config: {
      cpus: 2,
      memcgs: memcgs('root/A,root/B'),
      frames: parseFrames('1,thp:2'),
      batch: 2,
      drainAll: false,
      reclaim: false,
    },
  },
  {
    name: 'reclaim',
    description:
      "small with try_charge's reclaim drain_all_stock(mem_over_limit): two memcgs and every drain_all_stock caller but memory.max (about 50 M states for new)",
    config: {
      cpus: 2,
      memcgs: memcgs('root/A,root/B'),
      frames: parseFrames('1,thp:2'),
      batch: 2,
      drainAll: false,
      reclaim: true,
    },
  },
  {
    name: 'ci',
    description:
      '2 CPUs, root/A,root/B, two small pages, one 2-subpage THP, batch 2 (drain_all_stock through css offline only: the full model does not fit here, see the reclaim scope)',
    config: {
      cpus: 2,
      memcgs: memcgs('root/A,root/B'),
      frames: parseFrames('2,thp:2'),
      batch: 2,
      drainAll: false,
      reclaim: false,
    },
  },
  {
    name: 'kmem',
    description:
      '2 CPUs, root/A, one small page, an order-0 and an order-1 kernel page (__memcg_kmem_charge_page, __free_pages, put_page through uncharge_page), batch 3 (an order-1 charge refills the stock, as 2 < 32 does), every drain_all_stock caller; no split_page',
    config: {
      cpus: 2,
      memcgs: memcgs('root/A'),
      frames: parseFrames('1,kmem:1,kmem:2'),
      batch: 3,
      drainAll: true,
      reclaim: true,
    },
  },
  {
    name: 'kmem-split',
    description:
      'kmem with split_page of the order-1 kernel page, as v5.8 and v5.9 do it (the tail gets no memcg: finding F2)',
    config: {
      cpus: 2,
      memcgs: memcgs('root/A'),
      frames: parseFrames('1,kmem:1,kmem:2'),
      batch: 3,
      drainAll: true,
      reclaim: true,
      splitPage: true,
    },
  },
  {
    name: 'kmem-ci',
    description:
      '2 CPUs, root/A,root/B, one small page, an order-0 and an order-1 kernel page, batch 3 (drain_all_stock through css offline only, as ci)',
    config: {
      cpus: 2,
      memcgs: memcgs('root/A,root/B'),
      frames: parseFrames('1,kmem:1,kmem:2'),
      batch: 3,
      drainAll: false,
      reclaim: false,
    },
  },
  {
    name: 'slab',
    description:
      'slab accounting: 2 CPUs, root/A, two slab objects, no pages, batch 2, every drain_all_stock caller. v5.9: kmem_cache_alloc/free through obj_cgroup, the obj stock, reparenting, obj_cgroup_release; v5.8: per-memcg kmem_caches (their creation, memcg_charge_slab, memcg_uncharge_slab, deactivation, shutdown), one object per slab page',
    config: {
      cpus: 2,
      memcgs: memcgs('root/A'),
      frames: [],
      batch: 2,
      drainAll: true,
      reclaim: true,
      objects: 2,
    },
  },
  {
    name: 'slab-ci',
    description:
      'slab with one user page beside the objects (mem_cgroup_charge and the slab path share try_charge and the page stock), try_charge reclaim, no memory.max (v5.9 about 19 M states, v5.8 about 2 M)',
    config: {
      cpus: 2,
      memcgs: memcgs('root/A'),
      frames: parseFrames('1'),
      batch: 2,
      drainAll: false,
      reclaim: true,
      objects: 2,
    },
  },
  {
    name: 'slab-nested',
    description:
      'v5.8 slab with a cache reparented twice: 1 CPU, root/A/A1, two slab objects, no pages, batch 2, try_charge reclaim (one CPU: with two CPUs and two non-root memcgs v5.8 reaches F1 first; v5.9 at one CPU misses two objcg corners, so it is gated at slab and slab-ci)',
    config: {
      cpus: 1,
      memcgs: memcgs('root/A,A/A1'),
      frames: [],
      batch: 2,
      drainAll: false,
      reclaim: true,
      objects: 2,
    },
  },
  {
    name: 'swap',
    description:
      'cgroup v2 swap: 2 CPUs, root/A, one 2-subpage THP (swapped out whole, or split and swapped in page by page), two swap slots, batch 2: mem_cgroup_try_charge_swap, __remove_mapping, the slot free (mem_cgroup_uncharge_swap), the swap-in charge; drain_all_stock through css offline only (about 4 M states)',
    config: {
      cpus: 2,
      memcgs: memcgs('root/A'),
      frames: parseFrames('thp:2'),
      batch: 2,
      drainAll: false,
      reclaim: false,
      swap: 'v2',
      swapSlots: 2,
    },
  },
  {
    name: 'swap-v1',
    description:
      'cgroup v1 swap (memsw): swap with mem_cgroup_swapout instead of mem_cgroup_try_charge_swap (the page uncharged at swap-out, memsw moved to the id holder; about 1.5 M states)',
    config: {
      cpus: 2,
      memcgs: memcgs('root/A'),
      frames: parseFrames('thp:2'),
      batch: 2,
      drainAll: false,
      reclaim: false,
      swap: 'v1',
      swapSlots: 2,
    },
  },
  {
    name: 'swap-nested',
    description:
      'cgroup v2 swap at root/A/A1, one CPU, one 2-subpage THP, two slots: the id of a non-root ancestor (A1 offline, A takes its records) and A1’s swap counter charged through A',
    config: {
      cpus: 1,
      memcgs: memcgs('root/A,A/A1'),
      frames: parseFrames('thp:2'),
      batch: 2,
      drainAll: false,
      reclaim: false,
      swap: 'v2',
      swapSlots: 2,
    },
  },
  {
    name: 'swap-v1-nested',
    description:
      'cgroup v1 swap at root/A/A1, one CPU: mem_cgroup_swapout’s memsw moved to a non-root id holder (page_counter_charge(&swap_memcg->memsw))',
    config: {
      cpus: 1,
      memcgs: memcgs('root/A,A/A1'),
      frames: parseFrames('thp:2'),
      batch: 2,
      drainAll: false,
      reclaim: false,
      swap: 'v1',
      swapSlots: 2,
    },
  },
  {
    name: 'migrate',
    description:
      'page migration: 2 CPUs, root/A, two 2-subpage THPs (a THP migrated to the other frame, or, split, page by page), batch 2: mem_cgroup_migrate, the old page uncharged when freed; drain_all_stock through css offline only (about 1 M states)',
    config: {
      cpus: 2,
      memcgs: memcgs('root/A'),
      frames: parseFrames('thp:2,thp:2'),
      batch: 2,
      drainAll: false,
      reclaim: false,
      migrate: true,
    },
  },
  {
    name: 'move',
    description:
      'cgroup v1 charge moving: 2 CPUs, root/A, one 2-subpage THP, cgroup v1 swap with two slots, batch 2: mem_cgroup_can_attach’s precharge, mem_cgroup_move_charge_pte_range (pages by mem_cgroup_move_account, swap entries by mem_cgroup_move_swap_account), __mem_cgroup_clear_mc, racing uncharges, swap frees and swap-ins',
    config: {
      cpus: 2,
      memcgs: memcgs('root/A'),
      frames: parseFrames('thp:2'),
      batch: 2,
      drainAll: false,
      reclaim: false,
      swap: 'v1',
      swapSlots: 2,
      move: true,
    },
  },
  {
    name: 'large',
    description:
      '2 CPUs, root/A,root/B,A/A1, two small pages, one 2-subpage THP, batch 2, memory.max drain_all_stock too (no try_charge reclaim; does not finish here)',
    config: {
      cpus: 2,
      memcgs: memcgs('root/A,root/B,A/A1'),
      frames: parseFrames('2,thp:2'),
      batch: 2,
      drainAll: true,
      reclaim: false,
    },
  },
];

/**
 * The default for `check` and `npm start`: about a minute for both designs on a 2-core machine, so
 * that a first run answers quickly. The CI gates run `ci` (about five minutes for `new`).
 */
export const DEFAULT_SCOPE = 'small';

/** Upper bounds a scope may have (the packed state uses one signed byte per field). */
export const LIMITS = {
  cpus: 4,
  memcgs: 6,
  pageStructs: 8,
  batch: 8,
  thpSubpages: 4,
  kmemPages: 4,
  objects: 3,
  swapSlots: 3,
} as const;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * `root/A,root/B,A/A1`: each item is `parent/child`; root is implicit and comes first.
 */
export function parseMemcgs(spec: string): MemcgDecl[] {
  const out: MemcgDecl[] = [{ name: 'root', parent: -1 }];
  const items = spec.split(',').map((s) => s.trim());
  if (items.every((s) => s === ''))
    throw new ConfigError(`--memcgs "${spec}": give at least one parent/child, e.g. root/A`);
  if (items.includes('')) throw new ConfigError(emptyItem('memcgs', spec, 'root/A,root/B'));
  for (const item of items) {
    const m = /^([A-Za-z_][\w]*)\/([A-Za-z_][\w]*)$/.exec(item);
    if (!m) throw new ConfigError(`--memcgs item "${item}" must be parent/child, e.g. root/A or A/A1`);
    const [, parentName, child] = m;
    const parent = out.findIndex((d) => d.name === parentName);
    if (parent < 0)
      throw new ConfigError(`--memcgs item "${item}": parent "${parentName}" is not declared before it`);
    if (out.some((d) => d.name === child))
      throw new ConfigError(`--memcgs item "${item}": "${child}" is declared twice`);
    out.push({ name: child, parent });
  }
  return out;
}

/** A list flag with an empty item (`a,,b`, or a comma at an end): refused, never dropped. */
function emptyItem(flag: string, spec: string, example: string): string {
  return `--${flag} "${spec}" has an empty item (two commas in a row, or a comma at an end); separate the items by single commas, e.g. ${example}`;
}

/** `2,thp:2,kmem:2`: a number N adds N small pages; `thp:K` one THP of K subpages; `kmem:K` one kernel page of K = 2^order page structs. */
export function parseFrames(spec: string): FrameDecl[] {
  const out: FrameDecl[] = [];
  const items = spec.split(',').map((s) => s.trim());
  if (items.every((s) => s === ''))
    throw new ConfigError(`--pages "${spec}": give at least one page, e.g. 2,thp:2`);
  if (items.includes('')) throw new ConfigError(emptyItem('pages', spec, '2,thp:2'));
  for (const raw of items) {
    if (/^\d+$/.test(raw)) {
      for (let i = 0; i < Number(raw); i++) out.push({ kind: 'small', subpages: 1 });
    } else if (raw.startsWith('kmem:')) {
      const k = /^kmem:(\d+)$/.exec(raw);
      const n = k ? Number(k[1]) : 0;
      if (!k || n < 1 || (n & (n - 1)) !== 0) {
        throw new ConfigError(
          `--pages item "${raw}" must be kmem:K with K = 2^order page structs (kmem:1 for order 0, kmem:2 for order 1)`,
        );
      }
      out.push({ kind: 'kmem', subpages: n });
    } else {
      const m = /^thp:(\d+)$/.exec(raw);
      if (!m || Number(m[1]) < 2) {
        throw new ConfigError(
          `--pages item "${raw}" must be a count of small pages (2), thp:K with K >= 2 (thp:2), or a kernel page kmem:K (kmem:1, kmem:2)`,
        );
      }
      out.push({ kind: 'thp', subpages: Number(m[1]) });
    }
  }
  // `--pages 0`: no page frames (a slab scope charges objects only; validateConfig wants --objects then).
  return out;
}

export function validateConfig(c: Config): void {
  const structs = c.frames.reduce((n, f) => n + f.subpages, 0);
  const fail = (what: string) => {
    throw new ConfigError(`${what}; the limits are ${JSON.stringify(LIMITS)}`);
  };
  if (!Number.isInteger(c.cpus) || c.cpus < 1 || c.cpus > LIMITS.cpus)
    fail(`--cpus ${c.cpus} is out of range 1..${LIMITS.cpus}`);
  if (c.memcgs.length < 2 || c.memcgs.length > LIMITS.memcgs)
    fail(`${c.memcgs.length} memcgs (with root) is out of range 2..${LIMITS.memcgs}`);
  if (structs > LIMITS.pageStructs) fail(`${structs} page structs is more than ${LIMITS.pageStructs}`);
  if (c.frames.some((f) => f.kind === 'thp' && f.subpages > LIMITS.thpSubpages))
    fail(`a THP has more than ${LIMITS.thpSubpages} subpages`);
  if (c.frames.some((f) => f.kind === 'kmem' && f.subpages > LIMITS.kmemPages))
    fail(`a kernel page has more than ${LIMITS.kmemPages} page structs`);
  if (c.splitPage && !c.frames.some((f) => f.kind === 'kmem' && f.subpages > 1))
    throw new ConfigError(
      '--split-page on needs a high-order kernel page to split: add kmem:2 to --pages (or use the kmem-split scope)',
    );
  const objects = c.objects ?? 0;
  if (!Number.isInteger(objects) || objects < 0 || objects > LIMITS.objects)
    fail(`--objects ${objects} is out of range 0..${LIMITS.objects}`);
  if (c.frames.length === 0 && objects === 0)
    throw new ConfigError(
      '--pages 0 leaves nothing to charge: give a page (e.g. --pages 1) or slab objects (--objects 2)',
    );
  if (c.swap !== undefined && c.swap !== 'v1' && c.swap !== 'v2' && c.swap !== 'off')
    throw new ConfigError(`--swap must be v1, v2 or off, got "${String(c.swap)}"`);
  if (c.swapSlots !== undefined && !swapOf(c))
    throw new ConfigError('--swap-slots needs --swap v1 or --swap v2 (swap is off at these bounds)');
  if (swapOf(c)) {
    const slots = swapSlotsOf(c);
    if (!Number.isInteger(slots) || slots < 1 || slots > LIMITS.swapSlots)
      fail(`--swap-slots ${slots} is out of range 1..${LIMITS.swapSlots}`);
    if (!c.frames.some((f) => f.kind !== 'kmem'))
      throw new ConfigError(
        '--swap needs a user page to swap out: add a small page or a THP to --pages (kernel pages are never swapped)',
      );
  }
  if (c.move && swapOf(c) === 'v2')
    throw new ConfigError(
      '--move on is cgroup v1 charge moving (mem_cgroup_can_attach does nothing on the default hierarchy): use --swap v1 or --swap off with it',
    );
  if (c.migrate && c.frames.filter((f) => f.kind !== 'kmem').length < 2)
    throw new ConfigError(
      '--migrate on needs two user page frames, the old page and the new one: e.g. --pages 2 or --pages thp:2,thp:2',
    );
  if (!Number.isInteger(c.batch) || c.batch < 1 || c.batch > LIMITS.batch)
    fail(`--batch ${c.batch} is out of range 1..${LIMITS.batch}`);
  // The kernel's order: a THP (HPAGE_PMD_NR = 512) is larger than MEMCG_CHARGE_BATCH (32), so
  // try_charge never refills the stock after a THP charge (batch = nr_pages). A scaled THP smaller
  // than the batch would invert that.
  const small = c.frames.find((f) => f.kind === 'thp' && f.subpages < c.batch);
  if (small)
    throw new ConfigError(
      `a THP of ${small.subpages} subpages is smaller than --batch ${c.batch}; in the kernel a THP (512 pages) exceeds MEMCG_CHARGE_BATCH (32): give thp:K with K >= the batch, or a smaller --batch`,
    );
}

export function scopeByName(name: string): ScopeInfo | undefined {
  return SCOPES.find((s) => s.name === name);
}
