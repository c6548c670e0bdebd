/**
 * Controls for v5.8's slab model (docs/review-slab-v58.md S2, S3): the gated slab scopes have root/A
 * only, so every cache is reparented to root, where css_get_many(parent) and destroy_memcg_params'
 * put do nothing. Here, at root/A/A1 on one CPU (with two CPUs and two non-root memcgs v5.8 stops at
 * F1 first), the fixed design verifies, and its counts equal the naive BFS's; and mutants that
 * drop one get or put of the v5.8 slab paths each break a claim (negative controls of the
 * kmem_cache ledger, the css ledger, the leak claim and the counter ghosts).
 */
import { describe, expect, it } from 'vitest';
import { check } from '../../checker/index.js';
import { type Config, parseMemcgs, scopeByName } from '../../model/config.js';
import { cssGet } from '../../model/kernel.js';
import { buildVariant, defineVariant, op } from '../../model/variant.js';
import { slabFixed } from '../../model/variants/slab.js';
import { fixChargeCacheMemcg, fixKmemKey, slabV58Fixed } from '../../model/variants/slab-v58.js';
import { memcgSpec } from '../../properties/spec.js';
import { naiveBfs } from '../checker/naive.js';

/** The slab-nested scope: root/A/A1, one CPU, two slab page slots, no user pages, batch 2, reclaim. */
const NESTED: Config = scopeByName('slab-nested')!.config;
const SLAB_A: Config = { ...NESTED, memcgs: parseMemcgs('root/A') };

describe('root/A/A1, one CPU: a cache reparented twice', () => {
  it.each([
    ['slab-v58-fixed', slabV58Fixed],
    ['slab-fixed', slabFixed],
  ] as const)(
    '%s verifies (v5.9 vacuously: two objcg corners need two CPUs); the checker’s counts are the naive BFS’s',
    (_, def) => {
      const spec = memcgSpec(NESTED, buildVariant(def));
      const r = check(spec);
      expect(r.verdict).toBe('verified');
      const naive = naiveBfs(spec);
      expect(r.stats.distinct).toBe(naive.nodes.length);
      expect(r.stats.transitions).toBe(naive.transitions);
    },
  );
});

/** v5.8 with F7 and F8 fixed, and one more edit: the mutant. */
function mutant(name: string, edit: Parameters<typeof defineVariant>[0]['edit']) {
  return buildVariant(
    defineVariant({
      name,
      base: 'old',
      description: `negative control: ${name}`,
      edit: (d) => edit(fixKmemKey(fixChargeCacheMemcg(d))),
    }),
  );
}

describe('negative controls: each dropped get or put of the v5.8 slab paths breaks a claim', () => {
  const cases = [
    [
      'destroy_memcg_params without its mem_cgroup_put',
      NESTED,
      mutant('no-destroy-put', (d) =>
        d.replace(
          'kmemcg_cache_shutdown_fn',
          'shutdown_cache(s) → destroy_memcg_params: mem_cgroup_put(s->memcg_params.memcg); kmem_cache_free',
          op('shutdown_cache(s) without the mem_cgroup_put', (x) => {
            x.s.kmemCache[x.arg].state = 5;
          }),
        ),
      ),
      ['refcount_ledger', 'no_leak_at_quiescence'],
    ],
    [
      'memcg_deactivate_kmem_caches without css_get_many(parent)',
      NESTED,
      mutant('no-reparent-get', (d) =>
        d.replace(
          'css_killed_work_fn',
          'memcg_offline_kmem: kmem_state = KMEM_ALLOCATED; memcg_deactivate_kmem_caches(memcg, parent): kmemcg_cache_deactivate (call_rcu) and arr->entries[idx] = NULL; each cache on memcg->kmem_caches: WRITE_ONCE(s->memcg_params.memcg, parent), css_put(&memcg->css); list_splice_init onto the parent’s, css_get_many(&parent->css, n); memcg->kmemcg_id := the parent’s',
          op('memcg_offline_kmem without css_get_many(parent)', (x) => {
            if (!x.L.config.objects) return;
            const m = x.s.cpu[x.cpu].memcg - 1;
            const p = x.L.parent[m];
            x.s.kmemCache[m].kmemOffline = 1;
            if (x.s.kmemCache[m].state === 1) x.s.kmemCache[m].state = 2;
            for (const c of x.s.kmemCache)
              if (c.state !== 0 && c.state !== 5 && c.memcg === m + 1) {
                c.memcg = p + 1;
                x.s.memcg[m].ref -= 1;
              }
          }),
        ),
      ),
      ['refcount_ledger', 'no_put_below_zero'],
    ],
    [
      'memcg_kmem_put_cache without its put',
      SLAB_A,
      mutant('no-put-cache', (d) =>
        d.remove(
          'memcg_kmem_put_cache',
          'memcg_kmem_put_cache(s): percpu_ref_put(&s->memcg_params.refcnt) (the key stays on: d648bcc7fe65)',
        ),
      ),
      ['kmem_cache_refcount_ledger'],
    ],
    [
      'memcg_uncharge_slab without percpu_ref_put_many',
      SLAB_A,
      mutant('no-uncharge-put', (d) =>
        d.remove('memcg_uncharge_slab', 'percpu_ref_put_many(&s->memcg_params.refcnt, 1 << order)'),
      ),
      ['kmem_cache_refcount_ledger'],
    ],
    [
      'memcg_link_cache without its css_get',
      SLAB_A,
      mutant('no-link-get', (d) =>
        d.replace(
          'memcg_kmem_cache_create_func',
          'memcg_create_kmem_cache(memcg, cachep)',
          op('memcg_create_kmem_cache without css_get', (x) => {
            const c = x.s.kmemCache[x.arg];
            if (c.kmemOffline || c.state !== 0) return;
            c.refcnt = 1;
            c.memcg = x.arg + 1;
            c.state = 1;
          }),
        ),
      ),
      ['refcount_ledger'],
    ],
    [
      'memcg_uncharge_slab uncharging nothing',
      SLAB_A,
      mutant('no-uncharge', (d) =>
        d.remove(
          'memcg_uncharge_slab',
          'memcg = READ_ONCE(s->memcg_params.memcg); if (!mem_cgroup_is_root(memcg)) memcg_kmem_uncharge(memcg, 1 << order)',
        ),
      ),
      ['page_counter_hierarchy'],
    ],
    [
      'a css_get in place of css_tryget in memcg_charge_slab (no reference backs it)',
      SLAB_A,
      mutant('rcu-get', (d) =>
        d.replace(
          'memcg_charge_slab: css_tryget',
          'if (!css_tryget(&memcg->css)) goto retry; rcu_read_unlock',
          op('css_get(&memcg->css) on rcu_read_lock alone', (x) => {
            const c = x.s.cpu[x.cpu];
            cssGet(x, c.memcg - 1, 1, 'rcu');
            if (c.memcg !== 1) c.tmp = 1;
            x.s.cpu[x.cpu].rcu = 0;
          }),
        ),
      ),
      ['get_with_reference'],
    ],
  ] as const;
  it.each(cases)('%s', (_, config, design, claims) => {
    const r = check(memcgSpec(config, design));
    expect(r.verdict).toBe('violated');
    expect(claims).toContain(r.violation!.property);
  });
});
