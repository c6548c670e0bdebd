import { cssGet, cssPut, deref, ROOT, rcuReadLock, rcuReadUnlock } from '../kernel.js';
import { memcgName } from '../names.js';
import { objcgAt, objcgGet, objcgPut, objcgTryget } from '../objcg.js';
import { call, END, me, type Op, op } from '../ops.js';
import { Branch, type Layout, type ReadonlyState } from '../state.js';
import { reclaimSteps, tryChargeRetry, tryChargeStep } from './charge.js';
import { drainObjStock, PAGE_UNITS, refillObjStock } from './obj-stock.js';
import { type Ops, objcgSlab, onlyWhen, type Path } from './path.js';
import { runnableCpus, tryChargeFunctions } from './try-charge.js';

export const slabAllocArg = (slot: number, m: number) => slot * 16 + m;
const argSlot = (arg: number) => arg >> 4;
const argMemcg = (arg: number) => arg & 15;
export const slabFreeArg = (slot: number, t: number) => slot * 8 + t;

const sc = (x: { readonly s: ReadonlyState | import('../state.js').State; readonly cpu: number }) =>
  (x.s as import('../state.js').State).slabCpu[x.cpu];

/** A free object slot no CPU is allocating into, and any non-root memcg not yet freed (a stale read of current's memcg). */
function allocChoices(s: ReadonlyState, L: Layout): number[] {
  const out: number[] = [];
  for (let k = 0; k < s.objects.length; k++) {
    if (s.objects[k] !== 0 || s.slabCpu.some((c) => c.slot === k + 1)) continue;
    for (let m = 1; m < L.config.memcgs.length; m++) if (!s.memcg[m].freed) out.push(slabAllocArg(k, m));
  }
  return out;
}

/**
 * The loop of get_obj_cgroup_from_current from `memcg` (cpu.memcg) up: each memcg->objcg read
 * under RCU (NULL once memcg_reparent_objcgs ran). A live one goes to the tryget step; at root the
 * loop ends with `objcg` as it is. The reads of successive memcgs are one step: memcg->objcg only
 * ever goes from an objcg to NULL, so reading a child's NULL earlier reads the same.
 */
const walk = op(
  'for (; memcg != root_mem_cgroup; memcg = parent_mem_cgroup(memcg)) objcg = rcu_dereference(memcg->objcg)',
  (x) => {
    const c = me(x);
    const slab = sc(x);
    for (let m = c.memcg - 1; m !== ROOT; m = x.L.parent[m]) {
      deref(x, m);
      c.memcg = m + 1;
      if (!x.s.objcg[m].killed) {
        slab.objcg = m + 1;
        x.jump = 'obj_cgroup_tryget';
        x.stop = true;
        return;
      }
      slab.objcg = 0;
    }
    c.memcg = ROOT + 1;
    rcuReadUnlock(x);
    if (slab.objcg === 0) {
      // memcg_slab_pre_alloc_hook returns NULL: the object is not accounted.
      call(x, 'slab: locals out of scope', {});
      x.stop = true;
      return;
    }
    // v5.9 returns the objcg whose tryget failed, without a reference (2f7659a31473).
    x.jump = 'obj_cgroup_charge: consume_obj_stock';
    x.stop = true;
  },
);

const outOfScope: readonly Op[] = [
  op('objcg and the object slot go out of scope', (x) => {
    const slab = sc(x);
    slab.objcg = 0;
    slab.held = 0;
    slab.slot = 0;
    x.jump = END;
  }),
];

const postAlloc: readonly Op[] = [
  op('obj_cgroup_get(objcg); page_obj_cgroups(page)[off] = objcg', (x) => {
    const slab = sc(x);
    objcgGet(x, slab.objcg, 'held');
    x.s.objects[slab.slot - 1] = slab.objcg;
  }),
  op('obj_cgroup_put(objcg) (the reference get_obj_cgroup_from_current took)', (x) =>
    objcgPut(x, sc(x).objcg),
  ),
  op('return', (x) => {
    call(x, 'slab: locals out of scope', {});
  }),
];

/** The obj stock functions (irqs off on the stock's CPU), and the slab path's shared returns. */
export const objStockFunctions: Readonly<Record<string, Ops>> = {
  refill_obj_stock: refillObjStock,
  drain_obj_stock: drainObjStock,
  memcg_slab_post_alloc_hook: postAlloc,
  'slab: locals out of scope': outOfScope,
};

export const kmemCacheAlloc: Path = {
  name: 'kmem_cache_alloc',
  slot: true,
  steps: [
    {
      name: 'get_obj_cgroup_from_current',
      doc: 'kmem_cache_alloc(s, __GFP_ACCOUNT) → slab_pre_alloc_hook → memcg_slab_pre_alloc_hook → get_obj_cgroup_from_current: rcu_read_lock, current’s memcg (any non-root memcg not yet freed: the read may be stale), then the loop’s reads of memcg->objcg up to the first live one (NULL once reparented: then the parent’s). The object slot is the one being allocated.',
      choices: allocChoices,
      onlyIf: objcgSlab,
      argName: (arg, L) => `object${argSlot(arg)}, ${memcgName(L, argMemcg(arg))}`,
      ops: [
        op('the object being allocated (page_obj_cgroups(page)[off])', (x) => {
          sc(x).slot = argSlot(x.arg) + 1;
        }),
        op('rcu_read_lock', rcuReadLock),
        op('memcg = mem_cgroup_from_task(current)', (x) => {
          me(x).memcg = argMemcg(x.arg) + 1;
        }),
        walk,
      ],
    },
    {
      name: 'obj_cgroup_tryget',
      doc: 'get_obj_cgroup_from_current: `if (objcg && obj_cgroup_tryget(objcg)) break`, a step of its own: between the rcu_dereference and the tryget only RCU keeps the objcg, so a reparent, the last put and obj_cgroup_release can come in between and the tryget fail; then the loop goes on at the parent. v5.9 does not reset objcg after a failed tryget (fixed by 2f7659a31473).',
      onlyIf: objcgSlab,
      ops: [
        op('if (objcg && obj_cgroup_tryget(objcg)) break', (x) => {
          const slab = sc(x);
          if (objcgTryget(x, slab.objcg)) {
            slab.held = 1;
            rcuReadUnlock(x);
            x.jump = 'obj_cgroup_charge: consume_obj_stock';
            x.stop = true;
          } else x.s.branch |= Branch.objcgTrygetFailed;
        }),
        op('memcg = parent_mem_cgroup(memcg)', (x) => {
          const c = me(x);
          deref(x, c.memcg - 1);
          c.memcg = x.L.parent[c.memcg - 1] + 1;
        }),
        walk,
      ],
    },
    {
      name: 'obj_cgroup_charge: consume_obj_stock',
      doc: 'obj_cgroup_charge(objcg, gfp, obj_full_size): consume_obj_stock with irqs off on the CPU the task runs on (the argument: its own, or another not inside a get_cpu region, as try_charge’s stock); a hit returns 0 and memcg_slab_post_alloc_hook stores the objcg in the object. On a miss: rcu_read_lock and memcg = obj_cgroup_memcg(objcg) (READ_ONCE(objcg->memcg)). The read joins the stock test in one step: a reparent between them is the same as one before the test, which it does not change.',
      choices: (s, _L, cpu) => runnableCpus(s, cpu),
      onlyIf: objcgSlab,
      argName: (arg) => `on cpu${arg}`,
      ops: [
        op('if (consume_obj_stock(objcg, nr_bytes)) return 0; then memcg_slab_post_alloc_hook', (x) => {
          const st = x.s.objStock[x.arg];
          if (st.cached !== sc(x).objcg || st.bytes < 1) return;
          st.bytes -= 1;
          call(x, 'memcg_slab_post_alloc_hook', {});
          x.stop = true;
        }),
        op('rcu_read_lock', rcuReadLock),
        op('memcg = obj_cgroup_memcg(objcg)', (x) => {
          const o = objcgAt(x, sc(x).objcg);
          if (o) me(x).memcg = o.memcg;
        }),
      ],
    },
    {
      name: 'obj_cgroup_charge: css_get',
      doc: 'obj_cgroup_charge: css_get(&memcg->css), then rcu_read_unlock. A step of its own: RCU keeps the memcg readable but not its count above zero, so its offline and last put can come between the read and the get (fixed by eefbfa7fd678 with a css_tryget loop, v5.10).',
      onlyIf: objcgSlab,
      ops: [
        op('css_get(&memcg->css)', (x) => {
          // Only rcu_read_lock keeps the memcg here: get_with_reference flags it (eefbfa7fd678).
          cssGet(x, me(x).memcg - 1, 1, 'rcu');
          me(x).tmp = 1;
        }),
        op('rcu_read_unlock', rcuReadUnlock),
      ],
    },
    { ...tryChargeStep, onlyIf: objcgSlab },
    {
      name: 'obj_cgroup_charge: refill_obj_stock',
      doc: 'obj_cgroup_charge after __memcg_kmem_charge → try_charge (one page; root: nothing charged): refill_obj_stock(objcg, PAGE_SIZE - nr_bytes) with irqs off on the CPU the task runs on (the argument), css_put(&memcg->css), then memcg_slab_post_alloc_hook stores the objcg in the object and puts the lookup reference.',
      choices: (s, _L, cpu) => runnableCpus(s, cpu),
      onlyIf: objcgSlab,
      argName: (arg) => `on cpu${arg}`,
      ops: [
        op(
          'ghost: the page charged at memcg joins objcg’s bytes (stale pages where objcg->memcg moved up)',
          (x) => {
            const c = me(x);
            const o = x.s.objcg[sc(x).objcg - 1];
            if (c.nr && o) {
              const above = x.L.ancestors[o.memcg - 1];
              for (const d of x.L.ancestors[c.memcg - 1]) {
                if (above.includes(d)) break;
                x.s.objcg[d].stale += c.nr * PAGE_UNITS;
              }
            }
            c.nr = 0;
          },
        ),
        op('if (!ret && nr_bytes) refill_obj_stock(objcg, PAGE_SIZE - nr_bytes)', (x) => {
          call(x, 'refill_obj_stock', { st: x.arg, m: sc(x).objcg - 1, n: PAGE_UNITS - 1 });
        }),
        op('css_put(&memcg->css)', (x) => {
          cssPut(x, me(x).memcg - 1);
          me(x).tmp = 0;
        }),
        op('memcg_slab_post_alloc_hook(s, objcg, ...)', (x) => {
          call(x, 'memcg_slab_post_alloc_hook', {});
        }),
      ],
    },
    ...onlyWhen(reclaimSteps, (c, L) => objcgSlab(c, L) && c.reclaim !== false),
    { ...tryChargeRetry, onlyIf: (c, L) => objcgSlab(c, L) && c.reclaim !== false },
  ],
  functions: { ...tryChargeFunctions, ...objStockFunctions },
};

export const kmemCacheFree: Path = {
  name: 'kmem_cache_free',
  slot: false,
  steps: [
    {
      name: 'memcg_slab_free_hook',
      doc: 'kmem_cache_free → memcg_slab_free_hook: objcg = page_obj_cgroups(page)[off], the slot cleared, obj_cgroup_uncharge → refill_obj_stock (irqs off on the CPU it runs on: the argument, any CPU not inside a get_cpu region), obj_cgroup_put(objcg). One step by the object’s owner.',
      choices: (s, L) => {
        const out: number[] = [];
        for (let k = 0; k < s.objects.length; k++) {
          if (s.objects[k] === 0) continue;
          for (let t = 0; t < L.config.cpus; t++) if (!s.cpu[t].preempt) out.push(slabFreeArg(k, t));
        }
        return out;
      },
      onlyIf: objcgSlab,
      argName: (arg) => `object${arg >> 3} on cpu${arg & 7}`,
      ops: [
        op('objcg = page_obj_cgroups(page)[off]; page_obj_cgroups(page)[off] = NULL', (x) => {
          x.m = x.s.objects[x.arg >> 3] - 1;
          x.s.objects[x.arg >> 3] = 0;
        }),
        op('obj_cgroup_uncharge(objcg, obj_full_size(s)) → refill_obj_stock(objcg, size)', (x) => {
          call(x, 'refill_obj_stock', { st: x.arg & 7, m: x.m, n: 1 });
        }),
        op('obj_cgroup_put(objcg)', (x) => objcgPut(x, x.m + 1)),
      ],
    },
  ],
  functions: objStockFunctions,
};
