/**
 * NEW = v5.9 ([5.9]: 1a3e1f40962c + Hugh's fold + early stable fixes): references track pointers
 * (spec §2.3): page->mem_cgroup, stock->cached, ug->memcg and the lookup's temporary pointer each
 * hold exactly one reference; charges hold none. The ops are in the path modules (model/paths/),
 * each under its `new` key where the designs differ.
 */
import { designOf } from '../paths/designs.js';

export const newDesign = designOf({
  name: 'new',
  scheme: 'new',
  description: 'v5.9: references track pointers (page, stock, uncharge batch, lookup)',
});
