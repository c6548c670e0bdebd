/**
 * mem_cgroup_uncharge_list (spec §2.2/§2.3 uncharge rows, §5.3 item 2): one step per
 * uncharge_page, which gathers the pages of one memcg in struct uncharge_gather and flushes the
 * batch when the memcg changes, and one step for the last uncharge_batch.
 *
 * v5.8: the batch carries the pages' refs and uncharge_batch puts nr_pages of them. v5.9: the
 * batch takes one reference for ug->memcg, each page's reference is put at once, and
 * uncharge_batch puts the batch's.
 */
import { indicesWhere, unchargeable } from '../guards.js';
import { cssGet, cssPut, deref, nrPages, pageCounterUncharge, ROOT } from '../kernel.js';
import { pageName } from '../names.js';
import { call, END, me, op } from '../ops.js';
import { onlyWhen, type Path } from './path.js';

const gatherSwitch = op(
  'if (ug->memcg != page->mem_cgroup) { if (ug->memcg) uncharge_batch(ug); ug->memcg = page->mem_cgroup }',
  (x) => {
    const c = me(x);
    const pm = x.s.page[x.arg];
    x.ret = false;
    if (c.ugMemcg !== pm) {
      if (c.ugMemcg) call(x, 'uncharge_batch()', {});
      c.ugMemcg = pm;
      x.ret = true;
    }
    x.m = pm - 1;
  },
);
const gatherPages = op('ug->nr_pages += compound_nr(page)', (x) => {
  me(x).ugNr += nrPages(x, x.arg);
});
const clearPagePointer = op('page->mem_cgroup = NULL', (x) => {
  x.s.page[x.arg] = 0;
  me(x).pages |= 1 << x.arg;
});
const batchUncharge = op(
  'if (!mem_cgroup_is_root(ug->memcg)) page_counter_uncharge(ug->memcg, nr_pages)',
  (x) => {
    const c = me(x);
    if (c.ugMemcg - 1 !== ROOT) pageCounterUncharge(x, c.ugMemcg - 1, c.ugNr);
  },
);
const checkEvents = op('memcg_check_events(ug->memcg)', (x) => deref(x, me(x).ugMemcg - 1));
const gatherClear = op('uncharge_gather_clear(ug)', (x) => {
  const c = me(x);
  c.ugMemcg = 0;
  c.ugNr = 0;
});

export const memCgroupUnchargeList: Path = {
  name: 'mem_cgroup_uncharge_list',
  slot: true,
  // No page at all (a slab-only scope): nothing to uncharge.
  steps: onlyWhen(
    [
      {
        name: 'uncharge_page',
        doc: 'uncharge_list → uncharge_page(page, ug): the page has refcount 0 (exclusive); flushes the batch when the memcg changes.',
        choices: (s, L) => indicesWhere(L.structFrame.length, (p) => unchargeable(s, L, p)),
        argName: (arg, L) => pageName(L, arg),
        ops: {
          old: [gatherSwitch, gatherPages, clearPagePointer],
          new: [
            gatherSwitch,
            op('if (ug->memcg was just set) css_get(ug->memcg)', (x) => {
              if (x.ret) cssGet(x, x.m, 1, { page: x.arg });
            }),
            gatherPages,
            clearPagePointer,
            op("css_put(ug->memcg) (the page's reference)", (x) => cssPut(x, x.m)),
          ],
        },
      },
      {
        name: 'uncharge_batch',
        doc: 'uncharge_list → uncharge_batch(ug) for the last batch; the list is then freed. Until then more pages may join.',
        orElse: 'uncharge_page',
        ops: [
          op('if (ug->memcg) uncharge_batch(ug)', (x) => {
            if (me(x).ugMemcg) call(x, 'uncharge_batch()', {});
          }),
          op('free_unref_page_list(page_list)', (x) => {
            x.jump = END;
          }),
        ],
      },
    ],
    (c) => c.frames.length > 0,
  ),
  functions: {
    'uncharge_batch()': {
      old: [
        batchUncharge,
        checkEvents,
        op('if (!mem_cgroup_is_root(ug->memcg)) css_put_many(ug->memcg, nr_pages)', (x) => {
          const c = x.s.cpu[x.cpu];
          if (c.ugMemcg - 1 !== ROOT) cssPut(x, c.ugMemcg - 1, c.ugNr);
        }),
        gatherClear,
      ],
      new: [
        batchUncharge,
        checkEvents,
        op('css_put(ug->memcg) (drop reference from uncharge_page)', (x) =>
          cssPut(x, x.s.cpu[x.cpu].ugMemcg - 1),
        ),
        gatherClear,
      ],
    },
  },
};
