/**
 * A design is the list of kernel paths plus its reference-counting scheme: its programs (in
 * order.ts's order) and its blocks (each step's ops and each function's, for that scheme) are
 * built from the paths, and its schema is the state's plus the fields the paths add.
 */
import type { Design } from '../design/types.js';
import type { Op, Program } from '../ops.js';
import { extendSchema, type Schema } from '../schema.js';
import { memcgSchema } from '../state.js';
import { memCgroupCharge } from './charge.js';
import { memoryMaxWrite } from './drain-all-stock.js';
import { freePages, memcgKmemChargePage, splitPage } from './kmem.js';
import {
  kmemcgCacheDeactivateAfterRcu,
  kmemcgCacheShutdownFn,
  memcgKmemCacheCreateFunc,
} from './kmem-cache-life.js';
import { cgroupRmdir, cssFree, cssKilledWorkFn, cssRelease } from './lifecycle.js';
import { memCgroupMigrate } from './migrate.js';
import { cgroup1ProcsWrite } from './move-charge.js';
import { objCgroupRelease } from './objcg-release.js';
import { PATH_NAMES } from './order.js';
import type { Ops, Path } from './path.js';
import { kmemCacheAlloc, kmemCacheFree } from './slab.js';
import { memcgKmemGetCache, memcgUnchargeSlab } from './slab-v58.js';
import { splitHugePage } from './split.js';
import { processOneWork } from './stock.js';
import { memCgroupSwapout, memCgroupTryChargeSwap, memCgroupUnchargeSwap, removeMapping } from './swap.js';
import { doSwapPage } from './swap-in.js';
import { memCgroupUnchargeList } from './uncharge.js';

/** Every kernel path of the model, in program order (order.ts). */
export const PATHS: readonly Path[] = inOrder([
  memCgroupCharge,
  memCgroupUnchargeList,
  cssKilledWorkFn,
  memoryMaxWrite,
  splitHugePage,
  cgroupRmdir,
  processOneWork,
  cssRelease,
  cssFree,
  memcgKmemChargePage,
  freePages,
  splitPage,
  kmemCacheAlloc,
  kmemCacheFree,
  objCgroupRelease,
  memcgKmemGetCache,
  memcgUnchargeSlab,
  memcgKmemCacheCreateFunc,
  kmemcgCacheDeactivateAfterRcu,
  kmemcgCacheShutdownFn,
  memCgroupSwapout,
  memCgroupTryChargeSwap,
  memCgroupUnchargeSwap,
  doSwapPage,
  removeMapping,
  memCgroupMigrate,
  cgroup1ProcsWrite,
]);

function inOrder(paths: readonly Path[]): readonly Path[] {
  const byName = new Map(paths.map((p) => [p.name, p]));
  for (const p of paths)
    if (!PATH_NAMES.includes(p.name)) throw new Error(`path ${p.name} is not in order.ts`);
  return PATH_NAMES.map((n) => {
    const p = byName.get(n);
    if (!p) throw new Error(`order.ts names ${n}, which no path module defines`);
    return p;
  });
}

export interface DesignInfo {
  readonly name: string;
  readonly scheme: 'old' | 'new';
  readonly description: string;
}

/**
 * The design of `info.scheme` over `paths` (the model's own, and any more appended after them:
 * their program numbers follow). A block name two paths define must be the same ops.
 */
export function designOf(info: DesignInfo, paths: readonly Path[] = PATHS): Design {
  const blocks: Record<string, readonly Op[]> = {};
  const put = (name: string, ops: Ops, where: string) => {
    const list = 'old' in ops ? ops[info.scheme] : ops;
    if (blocks[name] !== undefined && blocks[name] !== list)
      throw new Error(`${where}: block "${name}" is defined twice with different ops`);
    blocks[name] = list;
  };
  let schema: Schema = { ...memcgSchema, scheme: info.scheme };
  const programs: Program[] = paths.map((p) => {
    for (const st of p.steps) put(st.name, st.ops, `path ${p.name}`);
    for (const [name, ops] of Object.entries(p.functions ?? {})) put(name, ops, `path ${p.name}`);
    if (p.schema) schema = extendSchema(schema, p.schema);
    return {
      name: p.name,
      slot: p.slot,
      ...(p.cpuFromArg ? { cpuFromArg: true } : {}),
      steps: p.steps.map(({ ops: _ops, ...step }) => step),
    };
  });
  return { ...info, blocks, programs, schema };
}
