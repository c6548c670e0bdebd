/**
 * NEW = v5.9 ([5.9]: 1a3e1f40962c + Hugh's fold + early stable fixes): references track pointers
 * (spec §2.3): page->mem_cgroup, stock->cached, ug->memcg and the lookup's temporary pointer each
 * hold exactly one reference; charges hold none.
 */
import { cssGet, cssPut } from '../kernel.js';
import { op } from '../ops.js';
import { commonBlocks, commonPrograms, shared } from './common.js';
import type { Design } from './types.js';

export const newDesign: Design = {
  name: 'new',
  scheme: 'new',
  description: 'v5.9: references track pointers (page, stock, uncharge batch, lookup)',
  programs: commonPrograms,
  blocks: {
    ...commonBlocks,
    // No css refs at all: css_get_many(batch) left done_restock.
    'try_charge()': [
      shared.rootReturns,
      shared.consumeOrReturn,
      shared.reclaimDrain,
      shared.batchCharge,
      shared.refillRest,
      shared.handToCaller,
    ],
    refill_stock: [
      shared.drainIfSwitching,
      op('if (stock->cached != memcg) css_get(memcg)', (x) => {
        if (x.s.stock[x.cpu].cached !== x.m + 1) cssGet(x, x.m);
      }),
      shared.setCached,
      shared.addPages,
      shared.drainIfOverBatch,
    ],
    drain_stock: [
      op('old = stock->cached; if (!old) return', (x) => {
        x.old = x.s.stock[x.st].cached - 1;
        if (x.old < 0) x.stop = true;
      }),
      shared.unchargeStockPages,
      op('css_put(old)', (x) => cssPut(x, x.old)),
      shared.zeroStock,
      shared.clearCached,
    ],
    commit_charge: [op('css_get(memcg)', (x) => cssGet(x, x.s.cpu[x.cpu].memcg - 1)), shared.commitPointer],
    uncharge_page: [
      shared.gatherSwitch,
      op('if (ug->memcg was just set) css_get(ug->memcg)', (x) => {
        if (x.ret) cssGet(x, x.m);
      }),
      shared.gatherPages,
      shared.clearPagePointer,
      op("css_put(ug->memcg) (the page's reference)", (x) => cssPut(x, x.m)),
    ],
    'uncharge_batch()': [
      shared.batchUncharge,
      shared.checkEvents,
      op('css_put(ug->memcg) (drop reference from uncharge_page)', (x) =>
        cssPut(x, x.s.cpu[x.cpu].ugMemcg - 1),
      ),
      shared.gatherClear,
    ],
    mem_cgroup_split_huge_fixup: [
      shared.splitMemcg,
      op('css_get(memcg) for each tail', (x) => {
        for (let k = 1; k < x.L.frameSize[x.arg]; k++) cssGet(x, x.m);
      }),
      shared.splitPointers,
    ],
  },
};
