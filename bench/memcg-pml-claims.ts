/**
 * The claims of the memcg.pml port: the asserts of `check_inv()` (which ends every d_step), one
 * named invariant each, the in-step asserts of css_put and counter_uncharge, and witnesses that
 * the interesting corners are reached.
 */
import { always, type Invariant, sometimes, type Witness } from '../checker/index.js';
import { NMEMCG, type PmlState, ROOT } from './memcg-pml-state.js';

/** check_inv's `rcnt` for memcg `m`: its online base ref, one per page, one per stock caching it. */
function holderCount(s: PmlState, m: number): number {
  const { pg, stCached } = s;
  let rcnt = s.online[m];
  for (let p = 0; p < pg.length; p++) if (pg[p] === m) rcnt++;
  for (let c = 0; c < stCached.length; c++) if (stCached[c] === m) rcnt++;
  return rcnt;
}

/** check_inv's `use` for memcg `m`: its pages and the pages its stocks hold. */
function chargedTo(s: PmlState, m: number): number {
  const { pg, stCached, stNr } = s;
  let use = 0;
  for (let p = 0; p < pg.length; p++) if (pg[p] === m) use++;
  for (let c = 0; c < stCached.length; c++) if (stCached[c] === m) use += stNr[c];
  return use;
}

const FAULT_TEXT = [
  'none',
  'css_put: assert(ref[m] > 0)',
  'css_put: assert(!online[m]) when the count reaches zero',
  'counter_uncharge: assert(usage >= n)',
];

/** The first memcg (1..NMEMCG-1, as check_inv's loop) for which `ok` fails, or 0. */
function firstFailing(s: PmlState, ok: (s: PmlState, m: number) => boolean): number {
  for (let m = 1; m < NMEMCG; m++) if (!ok(s, m)) return m;
  return 0;
}

function totalCharged(s: PmlState): number {
  const { pg, stCached, stNr } = s;
  let use = 0;
  for (let p = 0; p < pg.length; p++) if (pg[p] !== 0) use++;
  for (let c = 0; c < stCached.length; c++) if (stCached[c] !== 0) use += stNr[c];
  return use;
}

const refOk = (s: PmlState, m: number) => s.freed[m] !== 0 || s.ref[m] === holderCount(s, m);
const freedOk = (s: PmlState, m: number) => s.freed[m] === 0 || (holderCount(s, m) === 0 && s.ref[m] === 0);
const childUsageOk = (s: PmlState, m: number) => m === ROOT || s.usage[m] === chargedTo(s, m);

function noPageOnFreed(s: PmlState): boolean {
  const { pg, freed } = s;
  for (let p = 0; p < pg.length; p++) if (pg[p] !== 0 && freed[pg[p]] !== 0) return false;
  return true;
}

/** In the order SPIN meets them: the in-step asserts, then check_inv's. */
export const pmlInvariants: readonly Invariant<PmlState>[] = [
  always(
    'InStepAssertsHold',
    (s) => s.fault === 0,
    (s) => `${FAULT_TEXT[s.fault]} failed`,
  ),
  always(
    'RefcountCountsHolders', // assert(freed[i] || ref[i] == rcnt)
    (s) => firstFailing(s, refOk) === 0,
    (s) => {
      const m = firstFailing(s, refOk);
      return `memcg ${m}: refcount ${s.ref[m]}, holders ${holderCount(s, m)}`;
    },
  ),
  always(
    'FreedMeansUnreferenced', // assert(!freed[i] || (rcnt == 0 && ref[i] == 0))
    (s) => firstFailing(s, freedOk) === 0,
    (s) => {
      const m = firstFailing(s, freedOk);
      return `memcg ${m} freed with refcount ${s.ref[m]}, holders ${holderCount(s, m)}`;
    },
  ),
  always(
    'ChildCounterMatchesCharges', // assert(i == ROOT || usage[i] == use)
    (s) => firstFailing(s, childUsageOk) === 0,
    (s) => {
      const m = firstFailing(s, childUsageOk);
      return `memcg ${m}: usage ${s.usage[m]}, pages charged ${chargedTo(s, m)}`;
    },
  ),
  always(
    'RootCounterMatchesCharges', // assert(usage[ROOT] == use), use counted over every memcg
    (s) => s.usage[ROOT] === totalCharged(s),
    (s) => `root usage ${s.usage[ROOT]}, pages charged anywhere ${totalCharged(s)}`,
  ),
  always(
    'NoPageOnFreedMemcg', // assert(pg[j] == 0 || !freed[pg[j]])
    noPageOnFreed,
    (s) => `page ${s.pg.findIndex((m) => m !== 0 && s.freed[m] !== 0)} points to a freed memcg`,
  ),
];

/** Non-vacuity: the corners the refcount claims are about are reached. */
export const pmlWitnesses: readonly Witness<PmlState>[] = [
  sometimes('ChildFreed', (s) => s.freed[2] !== 0 || s.freed[3] !== 0),
  sometimes('StockCachesChild', (s) => s.stCached.some((m, c) => m > ROOT && s.stNr[c] > 0)),
  sometimes('OfflineChildPinnedByPage', (s) => s.pg.some((m) => m > ROOT && s.online[m] === 0)),
];
