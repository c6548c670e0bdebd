/**
 * The css lifecycle (spec §2.0 lifecycle rows, §5.3 item 11): rmdir's kill_css, the offline
 * (css_killed_work_fn → offline_css → mem_cgroup_css_offline, which drains the stocks), the
 * release when the count reaches zero, and the free after an RCU grace period. The same in both
 * designs. cgroup_mutex is held by css_killed_work_fn across the offline; rmdir and
 * css_release_work_fn take it in their step.
 */
import { hasLiveChildCgroups, hasOnlineChildren, indicesWhere, runningOn } from '../guards.js';
import { cssGet, cssPut, deref, idPut, memcgAt, ROOT } from '../kernel.js';
import { cacheLinked } from '../kmem-cache.js';
import { CacheState } from '../kmem-cache-state.js';
import { memcgName } from '../names.js';
import { objcgPut } from '../objcg.js';
import { me, op } from '../ops.js';
import type { Layout } from '../state.js';
import { drainAllStockSteps } from './drain-all-stock.js';
import { objcgUnits } from './obj-stock.js';
import { PROG } from './order.js';
import type { Path } from './path.js';

const memcgArg = (arg: number, L: Layout) => memcgName(L, arg);

/**
 * v5.9 mem_cgroup_css_offline → memcg_offline_kmem → memcg_reparent_objcgs(memcg, parent), before
 * its drain_all_stock (only with --objects; v5.8's memcg_deactivate_kmem_caches is below). Folded into the step that takes cgroup_mutex: nothing but a cgroup_mutex taker
 * can tell the two apart, and those wait for the mutex. The ghost `stale` keeps the pages memcg's
 * own counter still holds for each objcg moved away from it (they are uncharged at the parent).
 */
const offlineEntry = [
  op('mutex_lock(&cgroup_mutex)', (x) => {
    x.s.cgroupMutex = x.cpu + 1;
  }),
  op('css = the killed css; offline_css(css) → mem_cgroup_css_offline(css)', (x) => {
    me(x).memcg = x.arg + 1;
  }),
];

const offlineKmem = [
  op(
    'memcg_offline_kmem → memcg_reparent_objcgs: objcg = rcu_replace_pointer(memcg->objcg, NULL); spin_lock(&css_set_lock); xchg(&objcg->memcg, parent); css_get(&parent->css); the objcgs already reparented to memcg moved with css_get(parent)/css_put(memcg); spin_unlock; percpu_ref_kill(&objcg->refcnt)',
    (x) => {
      if (!x.L.config.objects) return;
      const m = me(x).memcg - 1;
      const p = x.L.parent[m];
      const own = x.s.objcg[m];
      own.killed = 1;
      own.stale += objcgUnits(x.s, m + 1);
      own.memcg = p + 1;
      cssGet(x, p, 1, { child: m });
      x.s.objcg.forEach((iter, i) => {
        if (i === m || !iter.killed || iter.released || iter.memcg !== m + 1) return;
        cssGet(x, p, 1, { child: m });
        own.stale += objcgUnits(x.s, i + 1);
        iter.memcg = p + 1;
        cssPut(x, m);
      });
      objcgPut(x, m + 1);
    },
  ),
];

/**
 * v5.8 mem_cgroup_css_offline → memcg_offline_kmem (before its drain_all_stock; only with
 * --objects), folded into the offline's first step as v5.9's reparent is (paths/lifecycle.ts):
 * kmem_state = KMEM_ALLOCATED, then memcg_deactivate_kmem_caches(memcg, parent) under slab_mutex,
 * then the kmemcg_id of memcg and its descendants set to the parent's.
 */
const offlineKmemV58 = op(
  'memcg_offline_kmem: kmem_state = KMEM_ALLOCATED; memcg_deactivate_kmem_caches(memcg, parent): kmemcg_cache_deactivate (call_rcu) and arr->entries[idx] = NULL; each cache on memcg->kmem_caches: WRITE_ONCE(s->memcg_params.memcg, parent), css_put(&memcg->css); list_splice_init onto the parent’s, css_get_many(&parent->css, n); memcg->kmemcg_id := the parent’s',
  (x) => {
    if (!x.L.config.objects) return;
    const m = me(x).memcg - 1;
    const p = x.L.parent[m];
    const own = x.s.kmemCache[m];
    own.kmemOffline = 1;
    if (own.state === CacheState.active) {
      own.state = CacheState.deactivated;
      let mask = 0;
      x.s.cpu.forEach((c, i) => {
        if (c.rcu) mask |= 1 << i;
      });
      own.gp = mask;
    }
    let n = 0;
    for (const cache of x.s.kmemCache) {
      if (!cacheLinked(cache) || cache.memcg !== m + 1) continue;
      cache.memcg = p + 1;
      cssPut(x, m);
      n++;
    }
    if (n) cssGet(x, p, n, { child: m });
  },
);

export const cssKilledWorkFn: Path = {
  name: 'css_killed_work_fn',
  slot: true,
  steps: [
    {
      name: 'css_killed_work_fn',
      doc: 'css_killed_work_fn: mutex_lock(&cgroup_mutex) (held until the offline is done, so rmdir, css_release_work_fn and another offline wait), then offline_css → mem_cgroup_css_offline, which drains the stocks. A parent is offlined once its children are.',
      choices: (s, L) =>
        s.cgroupMutex !== 0
          ? []
          : indicesWhere(
              L.config.memcgs.length,
              (m) =>
                m !== ROOT &&
                s.memcg[m].killed &&
                !s.memcg[m].offline &&
                !runningOn(s, PROG.offline, m) &&
                !hasOnlineChildren(s, L, m),
            ),
      argName: memcgArg,
      ops: { old: [...offlineEntry, offlineKmemV58], new: [...offlineEntry, ...offlineKmem] },
    },
    ...drainAllStockSteps((s, _L, cpu) => [s.cpu[cpu].memcg - 1]),
    {
      name: 'offline_css',
      doc: 'mem_cgroup_css_offline after drain_all_stock: mem_cgroup_id_put (the online pin); offline_css clears CSS_ONLINE; css_killed_work_fn puts the extra ref and unlocks cgroup_mutex.',
      ops: [
        op('mem_cgroup_id_put(memcg)', (x) => idPut(x, me(x).memcg - 1)),
        op('css->flags &= ~CSS_ONLINE', (x) => {
          const css = memcgAt(x, me(x).memcg - 1);
          if (css) css.offline = 1;
        }),
        op('css_put(css) (the extra ref of kill_css)', (x) => cssPut(x, me(x).memcg - 1)),
        op('mutex_unlock(&cgroup_mutex)', (x) => {
          x.s.cgroupMutex = 0;
        }),
      ],
    },
  ],
};

export const cgroupRmdir: Path = {
  name: 'cgroup_rmdir',
  slot: false,
  steps: [
    {
      name: 'kill_css',
      doc: 'cgroup_rmdir → cgroup_destroy_locked → kill_css, under cgroup_mutex (so not while an offline or a release holds it): CSS_DYING, css_clear_dir (kernfs_remove waits for writes in flight on the cgroup’s files: no memory.max write of this memcg is in progress), css_get (extra), percpu_ref_kill (drops the base ref). Only once every child cgroup has been removed (css_has_online_children on the cgroup’s self css).',
      choices: (s, L) =>
        s.cgroupMutex !== 0
          ? []
          : indicesWhere(
              L.config.memcgs.length,
              (m) =>
                m !== ROOT &&
                !s.memcg[m].killed &&
                !hasLiveChildCgroups(s, L, m) &&
                !s.cpu.some((c) => c.op === PROG.drainAll + 1 && c.root === m + 1),
            ),
      argName: memcgArg,
      // `killed` records the whole kill (CSS_DYING and the base ref dropped), so it is set with the
      // put: the extra css_get is made while the base ref is still held (get_with_reference), and
      // nothing in this one step reads CSS_DYING, which kill_css sets first.
      ops: [
        op('css_get(css) (extra ref until ->css_offline)', (x) => cssGet(x, x.arg, 1, 'base')),
        op('css->flags |= CSS_DYING', (x) => {
          x.s.memcg[x.arg].killed = 1;
        }),
        op('percpu_ref_kill_and_confirm(&css->refcnt) (drops the base ref)', (x) => cssPut(x, x.arg)),
      ],
    },
  ],
};

export const cssRelease: Path = {
  name: 'css_release',
  slot: false,
  steps: [
    {
      name: 'css_release_work_fn',
      doc: 'the refcount of a killed css reached 0: css_release_work_fn, under cgroup_mutex (so not while an offline holds it), sets CSS_RELEASED and queues the free behind an RCU grace period.',
      choices: (s, L) =>
        s.cgroupMutex !== 0
          ? []
          : indicesWhere(
              L.config.memcgs.length,
              (m) => m !== ROOT && s.memcg[m].killed && s.memcg[m].ref === 0 && !s.memcg[m].released,
            ),
      argName: memcgArg,
      ops: [
        op('css->flags |= CSS_RELEASED', (x) => {
          x.s.memcg[x.arg].released = 1;
        }),
        op('queue_rcu_work(css_free_rwork_fn) (waits for the readers now inside rcu_read_lock)', (x) => {
          let mask = 0;
          x.s.cpu.forEach((c, i) => {
            if (c.rcu) mask |= 1 << i;
          });
          x.s.memcg[x.arg].gp = mask;
        }),
      ],
    },
  ],
};

export const cssFree: Path = {
  name: 'css_free',
  slot: false,
  steps: [
    {
      name: 'css_free_rwork_fn',
      doc: 'after the grace period (no RCU reader that was inside when the free was queued): kfree(memcg), then css_put(parent). No cgroup_mutex.',
      choices: (s, L) =>
        indicesWhere(
          L.config.memcgs.length,
          (m) => m !== ROOT && s.memcg[m].released && !s.memcg[m].freed && s.memcg[m].gp === 0,
        ),
      argName: memcgArg,
      ops: [
        op('mem_cgroup_css_free: kfree(memcg)', (x) => {
          deref(x, x.arg);
          x.s.memcg[x.arg].freed = 1;
        }),
        op('css_put(css->parent)', (x) => cssPut(x, x.L.parent[x.arg])),
      ],
    },
  ],
};
