/**
 * mem_cgroup_charge (spec §2.2/§2.3 charge rows, §5.3 item 1): the lookup with its temporary
 * reference (one step: get_mem_cgroup_from_mm and its css_tryget), try_charge (one step; its
 * outcomes in try-charge.ts), commit_charge, and out_put's css_put. try_charge's reclaim runs
 * drain_all_stock(mem_over_limit) on the charging CPU and retries once.
 *
 * v5.8: the page inherits the nr_pages refs try_charge took. v5.9: commit_charge takes one
 * reference for page->mem_cgroup.
 */
import { chargeable, frameFree, indicesWhere } from '../guards.js';
import { cssGet, cssPut, cssTryget, nrPages, pageOk, rcuReadLock, rcuReadUnlock } from '../kernel.js';
import { memcgName, pageName } from '../names.js';
import { type Ctx, call, END, me, op } from '../ops.js';
import type { Layout, ReadonlyState } from '../state.js';
import { drainAllStockSteps } from './drain-all-stock.js';
import { onlyWhen, type Path, type PathStep } from './path.js';
import { chargeChoiceName, chargeChoices, tryChargeFunctions } from './try-charge.js';

/**
 * The lookup's argument: page struct and memcg packed in one number, and a bit for a split THP
 * frame all of whose pages are free, handed out again whole, as a THP.
 */
export const chargeArg = (p: number, m: number, wholeThp = false) => p * 16 + m + (wholeThp ? 1 << 8 : 0);
const argPage = (arg: number) => (arg >> 4) & 15;
const argMemcg = (arg: number) => arg & 15;
const argWholeThp = (arg: number) => (arg >> 8) & 1;

/**
 * The lookup's first read: a page the allocator can hand out, and any memcg not yet freed. The
 * task's css_set is read under RCU, so it may still name a memcg that was killed, offlined or even
 * released after the read began (css_set's css refs drop before its RCU-delayed free,
 * put_css_set_locked): css_tryget then succeeds while the count is above zero, and fails at zero.
 * A split THP frame with every page free may also be handed out whole again, as a THP.
 */
function lookupChoices(s: ReadonlyState, L: Layout): number[] {
  const out: number[] = [];
  for (let p = 0; p < L.structFrame.length; p++) {
    const f = L.structFrame[p];
    const whole = L.isThp[f] && s.split[f] === 1 && L.structIsHead[p] && frameFree(s, L, f);
    for (const asThp of whole ? [false, true] : [false]) {
      if (!asThp && !chargeable(s, L, p)) continue;
      for (let m = 0; m < L.config.memcgs.length; m++)
        if (!s.memcg[m].freed) out.push(chargeArg(p, m, asThp));
    }
  }
  return out;
}

/**
 * try_charge's nr_pages: the page's (compound_nr), or, on the slab path (no page: paths/slab.ts),
 * obj_cgroup_charge's one page for one object (obj_full_size 1 unit < PAGE_SIZE 2 units).
 */
function chargeNr(x: Ctx): number {
  const c = me(x);
  return c.page === 0 && (x.L.config.objects ?? 0) > 0 ? 1 : nrPages(x, c.page - 1);
}

export const tryget = op('while (!css_tryget(&memcg->css)): read again', (x) => {
  if (cssTryget(x, me(x).memcg - 1)) me(x).tmp = 1;
  else {
    x.jump = 'get_mem_cgroup_from_mm: retry';
    x.stop = true;
  }
});
export const unlock = op('rcu_read_unlock', rcuReadUnlock);

// The page stays the charging task's own (cpu.page keeps it busy, see guards.ts busy) until
// mem_cgroup_charge returns: it is not yet mapped or on an LRU, so no other path can reach it.
export const commitPointer = op('commit_charge: page->mem_cgroup = memcg', (x) => {
  const c = me(x);
  if (pageOk(x, c.page - 1)) x.s.page[c.page - 1] = c.memcg;
  c.nr = 0;
});

/** try_charge's step, shared with __memcg_kmem_charge_page (paths/kmem.ts): the same block. */
export const tryChargeStep: PathStep = {
  name: 'try_charge',
  doc: 'try_charge(memcg, nr_pages): one step; consume_stock and refill_stock run with irqs off, the page_counter ops are atomics. The argument is the outcome (model/paths/try-charge.ts): a consume_stock hit, a batch charge and refill_stock, nr_pages charged without a refill, or every charge failed and reclaim calls drain_all_stock(mem_over_limit); a hit or a refill may use another CPU’s stock (the task migrated).',
  choices: chargeChoices,
  argName: chargeChoiceName,
  ops: [
    op('try_charge(memcg, nr_pages)', (x) => {
      const c = me(x);
      call(x, 'try_charge()', { m: c.memcg - 1, n: chargeNr(x) });
    }),
  ],
};

/** out_put's css_put, shared with __memcg_kmem_charge_page's final css_put. */
export const lookupPut: PathStep = {
  name: 'css_put(memcg)',
  doc: 'mem_cgroup_charge, out_put (and the end of __memcg_kmem_charge_page): css_put(memcg) drops the lookup reference.',
  ops: [
    op('css_put(memcg)', (x) => cssPut(x, me(x).memcg - 1)),
    op('memcg goes out of scope', (x) => {
      me(x).tmp = 0;
      x.jump = END;
    }),
  ],
};

/** get_mem_cgroup_from_mm's loop after a failed tryget (get_mem_cgroup_from_current calls it too). */
export const lookupRetry: PathStep = {
  name: 'get_mem_cgroup_from_mm: retry',
  doc: 'get_mem_cgroup_from_mm after a failed css_tryget, still under rcu_read_lock: the task’s memcg read again is a live one (a task is moved out of a cgroup before its rmdir), so css_tryget succeeds; then try_charge.',
  choices: (s, L) => indicesWhere(L.config.memcgs.length, (m) => !s.memcg[m].killed),
  argName: (arg, L) => memcgName(L, arg),
  ops: [
    op('memcg = mem_cgroup_from_task(rcu_dereference(mm->owner)) (read again)', (x) => {
      me(x).memcg = x.arg + 1;
    }),
    tryget,
    unlock,
    op('go on to try_charge', (x) => {
      x.jump = 'try_charge';
    }),
  ],
};

/** try_charge's reclaim: drain_all_stock(mem_over_limit) on the charging CPU, then the retry. */
export const reclaimSteps: readonly PathStep[] = drainAllStockSteps((s, _L, cpu) => [s.cpu[cpu].root - 1]);

/** try_charge after the reclaim drain; it goes on at the step after `try_charge` in either path. */
export const tryChargeRetry: PathStep = {
  name: 'try_charge: retry',
  doc: 'try_charge after drain_all_stock(mem_over_limit) (`drained = true; goto retry`): consume_stock, or nr_pages charged (the batch fallback or force); no second drain. Then the step after try_charge (commit_charge, or the kmem commit).',
  choices: chargeChoices,
  argName: chargeChoiceName,
  onlyIf: (c) => c.reclaim !== false,
  ops: [
    op('goto retry (drained): consume_stock, or charge nr_pages', (x) => {
      const c = me(x);
      call(x, 'try_charge()', { m: c.memcg - 1, n: chargeNr(x) });
      x.jump = '+try_charge';
    }),
  ],
};

/**
 * A charge path's steps after its lookup: try_charge, the path's commit, out_put's css_put, the
 * lookup's retry, the reclaim drain and try_charge's retry (the order the jumps rely on).
 */
export function chargeSteps(lookup: PathStep, commit: PathStep): PathStep[] {
  return [lookup, tryChargeStep, commit, lookupPut, lookupRetry, ...reclaimSteps, tryChargeRetry];
}

export const memCgroupCharge: Path = {
  name: 'mem_cgroup_charge',
  slot: true,
  // A scope of slab objects and kernel pages only has no user page to charge.
  steps: onlyWhen(
    chargeSteps(
      {
        name: 'get_mem_cgroup_from_mm',
        doc: 'mem_cgroup_charge → get_mem_cgroup_from_mm: under rcu_read_lock, read mm->owner’s memcg (any memcg not yet freed: the read may be stale) and css_tryget it (css_tryget, not css_tryget_online: a dying memcg is taken while its count is above zero): the temporary reference. On failure the loop reads again (the retry step), still under rcu_read_lock.',
        choices: lookupChoices,
        argName: (arg, L) =>
          `${pageName(L, argPage(arg))}${argWholeThp(arg) ? ' as a whole THP again' : ''}, ${memcgName(L, argMemcg(arg))}`,
        ops: [
          op(
            'page = the new page (a split THP frame all of whose pages were freed may come back whole)',
            (x) => {
              me(x).page = argPage(x.arg) + 1;
              if (argWholeThp(x.arg)) x.s.split[x.L.structFrame[argPage(x.arg)]] = 0;
            },
          ),
          op('rcu_read_lock', rcuReadLock),
          op('memcg = mem_cgroup_from_task(rcu_dereference(mm->owner))', (x) => {
            me(x).memcg = argMemcg(x.arg) + 1;
          }),
          tryget,
          unlock,
        ],
      },
      {
        name: 'commit_charge',
        doc: 'mem_cgroup_charge: (v5.9: css_get(memcg)), then commit_charge: page->mem_cgroup = memcg; the page is locked.',
        ops: {
          // The page inherits the nr_pages refs try_charge took.
          old: [commitPointer],
          new: [op('css_get(memcg)', (x) => cssGet(x, x.s.cpu[x.cpu].memcg - 1, 1, 'lookup')), commitPointer],
        },
      },
    ),
    (c) => c.frames.some((f) => f.kind !== 'kmem'),
  ),
  functions: tryChargeFunctions,
};
