/**
 * split_huge_page → mem_cgroup_split_huge_fixup (spec §2.2/§2.3 split rows, §5.3 item 3): one
 * atomic step, under pgdat->lru_lock with the THP frozen. v5.8 takes no reference (the head holds
 * one per subpage from the charge); v5.9 takes one per tail, for its new page->mem_cgroup.
 */
import { indicesWhere, splittable } from '../guards.js';
import { cssGet } from '../kernel.js';
import { frameName } from '../names.js';
import { op } from '../ops.js';
import type { Path } from './path.js';

const splitMemcg = op('memcg = head->mem_cgroup', (x) => {
  x.m = x.s.page[x.L.frameFirst[x.arg]] - 1;
});
const splitPointers = op('head[i].mem_cgroup = memcg for each tail', (x) => {
  const first = x.L.frameFirst[x.arg];
  for (let k = 1; k < x.L.frameSize[x.arg]; k++) x.s.page[first + k] = x.m + 1;
  x.s.split[x.arg] = 1;
});

export const splitHugePage: Path = {
  name: 'split_huge_page',
  slot: false,
  steps: [
    {
      name: 'mem_cgroup_split_huge_fixup',
      doc: 'mem_cgroup_split_huge_fixup(head): under pgdat->lru_lock with the THP frozen; one step.',
      choices: (s, L) => indicesWhere(L.config.frames.length, (f) => splittable(s, L, f)),
      argName: (arg, L) => frameName(L, arg),
      onlyIf: (c) => c.frames.some((f) => f.kind === 'thp'),
      ops: {
        old: [splitMemcg, splitPointers],
        new: [
          splitMemcg,
          op('css_get(memcg) for each tail', (x) => {
            for (let k = 1; k < x.L.frameSize[x.arg]; k++) cssGet(x, x.m, 1, { page: x.L.frameFirst[x.arg] });
          }),
          splitPointers,
        ],
      },
    },
  ],
};
