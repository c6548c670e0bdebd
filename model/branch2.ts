/**
 * The second byte of branch bits (`State.branch2`, one entry; none at bounds without the features
 * that use it, so the other scopes keep their bytes): a transient ghost like `branch`, whose byte is
 * full (model/oops.ts). The machine resets it before every step; a witness reads the bits the step
 * just run set. Used by the swap paths (--swap), migration (--migrate) and charge moving.
 */
import { type Config, swapOf } from './config.js';
import { valueGroup } from './schema.js';

/** Bits of `State.branch2[0]`: a rare branch taken by the step just run. */
export const Branch2 = {
  /** mem_cgroup_id_get_online skipped a memcg whose id.ref was 0: the record names an ancestor. */
  idOfAncestor: 1,
  /** mem_cgroup_id_put_many reached 0: mem_cgroup_id_remove and the css_put the id held. */
  idRemoved: 2,
  /** Swap-in: the recorded memcg failed css_tryget_online; the page is charged to the task's memcg. */
  swapInFallback: 4,
  /** mem_cgroup_uncharge_swap of a record naming an offline memcg. */
  unchargeOffline: 8,
  /** mem_cgroup_migrate of a page whose memcg is offline: the new page's reference backed by the old page's. */
  migrateOffline: 16,
  /** mem_cgroup_uncharge_swap of a record a charge move has just moved (mc.to's, mc.moved_swap > 0): 8d22a9351035's race. */
  moveRacesSwapFree: 32,
  // 64 is free; the byte is signed in the codec (no 128).
} as const;

/** The bounds that have the `branch2` entry: some feature that marks it is on. */
export function hasBranch2(c: Config): boolean {
  return swapOf(c) !== undefined || c.migrate === true || c.move === true;
}

export const BRANCH2_GROUP = valueGroup('branch2', 'branch2', {
  kind: 'code',
  kernel:
    'ghost, transient: the rare branches of the swap, migration and charge moving paths the last step took (Branch2 bits)',
});

/** Marks a branch (a no-op at bounds without the entry). */
export function markBranch2(s: { branch2: number[] }, bit: number): void {
  if (s.branch2.length > 0) s.branch2[0] |= bit;
}
