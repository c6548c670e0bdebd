/**
 * obj_cgroup_release (v5.9 mm/memcontrol.c; docs/research/kmem-v59-notes.md §3): the percpu_ref
 * release of a reparented objcg whose count reached zero. An event (paths/slab.ts has the
 * allocation and the free; docs/model.md abstraction 14 says why it may run late).
 */
import { indicesWhere } from '../guards.js';
import { cssPut, pageCounterUncharge, ROOT } from '../kernel.js';
import { op } from '../ops.js';
import { objcgName } from '../slab-state.js';
import { Branch } from '../state.js';
import { PAGE_UNITS } from './obj-stock.js';
import { objcgSlab, type Path } from './path.js';

export const objCgroupRelease: Path = {
  name: 'obj_cgroup_release',
  slot: false,
  steps: [
    {
      name: 'obj_cgroup_release',
      doc: 'the refcount of a reparented (killed) objcg reached zero: obj_cgroup_release, under css_set_lock (so apart from memcg_reparent_objcgs): the whole pages left in nr_charged_bytes uncharged from obj_cgroup_memcg(objcg), list_del, mem_cgroup_put(memcg) (the reference the reparent took), then kfree_rcu. As an event it may run after the last put; in the kernel it runs from percpu_ref’s release, after the kill’s grace period.',
      choices: (s) =>
        indicesWhere(
          s.objcg.length,
          (o) => o !== ROOT && s.objcg[o].killed && s.objcg[o].ref === 0 && !s.objcg[o].released,
        ),
      onlyIf: objcgSlab,
      argName: (arg, L) => objcgName(L, arg + 1),
      ops: [
        op(
          'nr_pages = atomic_read(&objcg->nr_charged_bytes) >> PAGE_SHIFT; memcg = obj_cgroup_memcg(objcg)',
          (x) => {
            const o = x.s.objcg[x.arg];
            x.m = o.memcg - 1;
            x.n = Math.floor(o.bytes / PAGE_UNITS);
          },
        ),
        op('if (nr_pages) __memcg_kmem_uncharge(memcg, nr_pages)', (x) => {
          if (!x.n) return;
          x.s.branch |= Branch.objcgReleaseUncharged;
          pageCounterUncharge(x, x.m, x.n);
        }),
        op('list_del(&objcg->list); mem_cgroup_put(memcg)', (x) => cssPut(x, x.m)),
        op('percpu_ref_exit; kfree_rcu(objcg, rcu) (waits for the readers now inside rcu_read_lock)', (x) => {
          const o = x.s.objcg[x.arg];
          o.released = 1;
          let mask = 0;
          x.s.cpu.forEach((c, i) => {
            if (c.rcu) mask |= 1 << i;
          });
          o.gp = mask;
        }),
      ],
    },
  ],
};
