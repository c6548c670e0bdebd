/**
 * Variants of v5.9's slab accounting (model/paths/slab.ts, issue #14), written with the public
 * variant API (model/variant.ts). v5.9 shipped with the bugs that later commits fixed in these
 * paths (docs/findings.md F3-F5), so the design `new` at the slab scopes shows the first of them.
 * Each fix is an edit here; `slab-fixed` applies them all (a positive control), and each
 * `slab-<bug>` variant applies all fixes but one, so that it shows that one bug alone, with its
 * own shortest counterexample (golden tests in test/reports/).
 */
import * as kernel from '../kernel.js';
import { objcgAt } from '../objcg.js';
import type { Ctx } from '../ops.js';
import { type DesignEditor, defineVariant, op, type VariantDef } from '../variant.js';

const slab = (x: Ctx) => x.s.slabCpu[x.cpu];

/**
 * 2f7659a31473 "mm: memcg/slab: fix return of child memcg objcg for root memcg" (Muchun Song,
 * v5.10): get_obj_cgroup_from_current sets `objcg = NULL` after a failed obj_cgroup_tryget, so a
 * loop that reaches root returns NULL instead of the child's objcg it holds no reference on.
 */
export function fixRootReturn(d: DesignEditor): DesignEditor {
  return d.insert(
    'obj_cgroup_tryget',
    { after: 'if (objcg && obj_cgroup_tryget(objcg)) break' },
    op('objcg = NULL (2f7659a31473)', (x) => {
      slab(x).objcg = 0;
    }),
  );
}

/**
 * eefbfa7fd678 "mm: memcg/slab: fix use after free in obj_cgroup_charge" (Muchun Song, v5.10):
 * `retry: memcg = obj_cgroup_memcg(objcg); if (unlikely(!css_tryget(&memcg->css))) goto retry;`
 * instead of css_get: a count that reached zero between the read and the get is not resurrected;
 * the read is made again (by then objcg->memcg names the parent the offline reparented it to).
 */
export function fixCssTryget(d: DesignEditor): DesignEditor {
  return d.replace(
    'obj_cgroup_charge: css_get',
    'css_get(&memcg->css)',
    op(
      'if (unlikely(!css_tryget(&memcg->css))) { memcg = obj_cgroup_memcg(objcg); goto retry } (eefbfa7fd678)',
      (x) => {
        const c = x.s.cpu[x.cpu];
        if (kernel.cssTryget(x, c.memcg - 1)) {
          c.tmp = 1;
          return;
        }
        const o = objcgAt(x, slab(x).objcg);
        if (o) c.memcg = o.memcg;
        x.jump = 'obj_cgroup_charge: css_get';
        x.stop = true;
      },
    ),
  );
}

/**
 * 3b8abb323953 "mm: kmem: fix a NULL pointer dereference in obj_stock_flush_required()" (Roman
 * Gushchin; mainline v6.5 inferred from the stable releases; CVE-2023-53401): `objcg = READ_ONCE(stock->cached_objcg)` once, then
 * obj_cgroup_memcg(objcg): the test and the dereference use the same load.
 */
export function fixFlushRead(d: DesignEditor): DesignEditor {
  const read1 = 'drain_all_stock: obj_stock_flush_required: read stock->cached_objcg';
  const read2 = 'drain_all_stock: obj_stock_flush_required: obj_cgroup_memcg(stock->cached_objcg)';
  return d
    .replace(
      read1,
      'if (stock->cached_objcg)',
      // The loaded pointer is kept in drain_all_stock's `seen` local (dead after the nr_pages test).
      op('objcg = READ_ONCE(stock->cached_objcg); if (objcg) (3b8abb323953)', (x) => {
        const c = x.s.cpu[x.cpu];
        c.seen = x.s.objStock[c.i].cached;
        if (c.seen === 0) return;
        x.jump = read2;
        x.stop = true;
      }),
    )
    .replace(
      read2,
      'memcg = obj_cgroup_memcg(stock->cached_objcg); if (memcg && mem_cgroup_is_descendant(memcg, root_memcg)) flush = true',
      op(
        'memcg = obj_cgroup_memcg(objcg); if (memcg && mem_cgroup_is_descendant(memcg, root_memcg)) flush = true (3b8abb323953)',
        (x) => {
          const c = x.s.cpu[x.cpu];
          const o = objcgAt(x, c.seen);
          if (o && o.memcg !== 0 && kernel.isDescendant(x, o.memcg - 1, c.root - 1)) c.flush = 1;
        },
      ),
    );
}

/**
 * c5c8b16b596e "mm: memcontrol: fix root_mem_cgroup charging" (Muchun Song, v5.14-rc1; hash and
 * release from docs/research/objcg-root-charging.md): obj_cgroup charges go to try_charge_memcg,
 * which has no root check, so an objcg reparented to root charges root's page counter as its later
 * uncharges (drain_obj_stock, obj_cgroup_release) uncharge it. Modelled as the force charge of
 * nr_pages at root (try_charge_memcg's consume_stock and refill_stock on root are left out: v5.9's
 * stock never caches root, I-NEW-STOCK).
 */
export function fixRootCharge(d: DesignEditor): DesignEditor {
  return d.insert(
    'obj_cgroup_charge: css_get',
    'end',
    op(
      'if (mem_cgroup_is_root(memcg)) page_counter_charge(&memcg->memory, nr_pages) (try_charge_memcg, c5c8b16b596e)',
      (x) => {
        const c = x.s.cpu[x.cpu];
        if (c.memcg - 1 !== 0) return;
        kernel.pageCounterCharge(x, 0, 1);
        c.nr = 1;
      },
    ),
  );
}

const FIXES = {
  rootReturn: fixRootReturn,
  cssTryget: fixCssTryget,
  rootCharge: fixRootCharge,
  flushRead: fixFlushRead,
} as const;
type Fix = keyof typeof FIXES;
const allBut = (d: DesignEditor, but?: Fix) => {
  for (const [k, f] of Object.entries(FIXES)) if (k !== but) f(d);
};

export const slabFixed = defineVariant({
  name: 'slab-fixed',
  base: 'new',
  expect: 'verified',
  description:
    'v5.9 slab accounting with its later fixes: 2f7659a31473 (objcg = NULL after a failed tryget), eefbfa7fd678 (css_tryget loop in obj_cgroup_charge), 3b8abb323953 (one READ_ONCE in obj_stock_flush_required)',
  edit: (d) => allBut(d),
});

/** One v5.9 bug alone: every fix but `but` applied. */
function bugAlone(name: string, but: Fix, violated: string, description: string): VariantDef {
  return defineVariant({ name, base: 'new', expect: { violated }, description, edit: (d) => allBut(d, but) });
}

export const slabRootReturn = bugAlone(
  'slab-root-return',
  'rootReturn',
  'no_use_after_free',
  'v5.9 get_obj_cgroup_from_current without 2f7659a31473: after a failed obj_cgroup_tryget the loop reaches root and returns the child’s objcg, unreferenced; obj_cgroup_release frees it under the allocation (F3)',
);
export const slabCssGet = bugAlone(
  'slab-css-get',
  'cssTryget',
  'get_with_reference',
  'v5.9 obj_cgroup_charge without eefbfa7fd678: css_get on the memcg read from objcg->memcg under rcu_read_lock alone (get_with_reference), whose count may have reached zero meanwhile (F4: no_get_on_zero with that claim skipped)',
);
export const slabRootCharge = bugAlone(
  'slab-root-charge',
  'rootCharge',
  'page_counter_hierarchy',
  'v5.9 obj_cgroup_charge without c5c8b16b596e: an objcg reparented to root charges nothing (try_charge returns 0 for root) but its drains and release uncharge root’s page counter (F5)',
);
export const slabFlushRead = bugAlone(
  'slab-flush-read',
  'flushRead',
  'no_null_deref',
  'v5.9 obj_stock_flush_required without 3b8abb323953: stock->cached_objcg tested and then loaded again; drain_obj_stock on its CPU clears it in between (F6, CVE-2023-53401)',
);

export const SLAB_VARIANTS: readonly VariantDef[] = [
  slabFixed,
  slabRootReturn,
  slabCssGet,
  slabRootCharge,
  slabFlushRead,
];
