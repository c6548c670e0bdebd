/**
 * OLD = v5.8 ([5.8] in the spec): one css reference per charged 4k page (spec §2.2). The holders
 * of references are charges: pages, stock pages, uncharge batches, in-flight charges.
 */
import { cssGet, cssPut, ROOT } from '../kernel.js';
import { op } from '../ops.js';
import { commonBlocks, commonPrograms, shared } from './common.js';
import type { Design } from './types.js';

export const oldDesign: Design = {
  name: 'old',
  scheme: 'old',
  description: 'v5.8: one css reference per charged page (stock pages and batches carry their refs)',
  programs: commonPrograms,
  blocks: {
    ...commonBlocks,
    'try_charge()': [
      shared.rootReturns,
      shared.consumeOrReturn,
      shared.reclaimDrain,
      shared.batchCharge,
      // done_restock: css_get_many(&memcg->css, batch); force: css_get_many(&memcg->css, nr_pages),
      // the same as a batch of nr_pages (try-charge.ts).
      op('css_get_many(memcg, batch)', (x) => cssGet(x, x.m, x.batch)),
      shared.refillRest,
      shared.handToCaller,
    ],
    // refill_stock: no ref for the pointer; the n refs move with the n pages into the stock.
    refill_stock: [shared.drainIfSwitching, shared.setCached, shared.addPages, shared.drainIfOverBatch],
    drain_stock: [
      op('old = stock->cached', (x) => {
        x.old = x.s.stock[x.st].cached - 1;
      }),
      shared.unchargeStockPages,
      op('if (stock->nr_pages) css_put_many(old, stock->nr_pages)', (x) => {
        const st = x.s.stock[x.st];
        if (st.nr) cssPut(x, x.old, st.nr);
      }),
      shared.zeroStock,
      shared.clearCached,
    ],
    // The page inherits the nr_pages refs try_charge took.
    commit_charge: [shared.commitPointer],
    uncharge_page: [shared.gatherSwitch, shared.gatherPages, shared.clearPagePointer],
    'uncharge_batch()': [
      shared.batchUncharge,
      shared.checkEvents,
      op('if (!mem_cgroup_is_root(ug->memcg)) css_put_many(ug->memcg, nr_pages)', (x) => {
        const c = x.s.cpu[x.cpu];
        if (c.ugMemcg - 1 !== ROOT) cssPut(x, c.ugMemcg - 1, c.ugNr);
      }),
      shared.gatherClear,
    ],
    // No css_get: the head already holds one ref per subpage from the charge.
    mem_cgroup_split_huge_fixup: [shared.splitMemcg, shared.splitPointers],
  },
};
