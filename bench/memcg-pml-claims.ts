/**
 * The claims of the memcg.pml port: the asserts of `check_inv()` (which ends every d_step), one
 * named invariant each, the in-step asserts of css_put and counter_uncharge, and witnesses that
 * the interesting corners are reached.
 */
import { always, type Invariant, sometimes, type Witness } from '../checker/index.js';
import { NMEMCG, type PmlState, ROOT } from './memcg-pml-state.js';

/** Holders of memcg `m` as check_inv counts them: its online base ref, pages, and stocks. */
function holders(s: PmlState, m: number): { rcnt: number; use: number } {
  let rcnt = s.online[m] ? 1 : 0;
  let use = 0;
  for (const p of s.pg) {
    if (p === m) {
      rcnt++;
      use++;
    }
  }
  for (let c = 0; c < s.stCached.length; c++) {
    if (s.stCached[c] === m) {
      rcnt++;
      use += s.stNr[c];
    }
  }
  return { rcnt, use };
}

const FAULT_TEXT = [
  'none',
  'css_put: assert(ref[m] > 0)',
  'css_put: assert(!online[m]) when the count reaches zero',
  'counter_uncharge: assert(usage >= n)',
];

/** The first memcg (1..NMEMCG-1, as check_inv's loop) for which `ok` fails, or 0. */
function firstFailing(ok: (m: number) => boolean): number {
  for (let m = 1; m < NMEMCG; m++) if (!ok(m)) return m;
  return 0;
}

function totalCharged(s: PmlState): number {
  let use = 0;
  for (const m of s.pg) if (m !== 0) use++;
  for (let c = 0; c < s.stCached.length; c++) if (s.stCached[c] !== 0) use += s.stNr[c];
  return use;
}

const refOk = (s: PmlState) => (m: number) => s.freed[m] || s.ref[m] === holders(s, m).rcnt;
const freedOk = (s: PmlState) => (m: number) => !s.freed[m] || (holders(s, m).rcnt === 0 && s.ref[m] === 0);
const childUsageOk = (s: PmlState) => (m: number) => m === ROOT || s.usage[m] === holders(s, m).use;

/** In the order SPIN meets them: the in-step asserts, then check_inv's. */
export const pmlInvariants: readonly Invariant<PmlState>[] = [
  always(
    'InStepAssertsHold',
    (s) => s.fault === 0,
    (s) => `${FAULT_TEXT[s.fault]} failed`,
  ),
  always(
    'RefcountCountsHolders', // assert(freed[i] || ref[i] == rcnt)
    (s) => firstFailing(refOk(s)) === 0,
    (s) => {
      const m = firstFailing(refOk(s));
      return `memcg ${m}: refcount ${s.ref[m]}, holders ${holders(s, m).rcnt}`;
    },
  ),
  always(
    'FreedMeansUnreferenced', // assert(!freed[i] || (rcnt == 0 && ref[i] == 0))
    (s) => firstFailing(freedOk(s)) === 0,
    (s) => {
      const m = firstFailing(freedOk(s));
      return `memcg ${m} freed with refcount ${s.ref[m]}, holders ${holders(s, m).rcnt}`;
    },
  ),
  always(
    'ChildCounterMatchesCharges', // assert(i == ROOT || usage[i] == use)
    (s) => firstFailing(childUsageOk(s)) === 0,
    (s) => {
      const m = firstFailing(childUsageOk(s));
      return `memcg ${m}: usage ${s.usage[m]}, pages charged ${holders(s, m).use}`;
    },
  ),
  always(
    'RootCounterMatchesCharges', // assert(usage[ROOT] == use), use counted over every memcg
    (s) => s.usage[ROOT] === totalCharged(s),
    (s) => `root usage ${s.usage[ROOT]}, pages charged anywhere ${totalCharged(s)}`,
  ),
  always(
    'NoPageOnFreedMemcg', // assert(pg[j] == 0 || !freed[pg[j]])
    (s) => s.pg.every((m) => m === 0 || !s.freed[m]),
    (s) => `page ${s.pg.findIndex((m) => m !== 0 && s.freed[m])} points to a freed memcg`,
  ),
];

/** Non-vacuity: the corners the refcount claims are about are reached. */
export const pmlWitnesses: readonly Witness<PmlState>[] = [
  sometimes('ChildFreed', (s) => s.freed[2] || s.freed[3]),
  sometimes('StockCachesChild', (s) => s.stCached.some((m, c) => m > ROOT && s.stNr[c] > 0)),
  sometimes('OfflineChildPinnedByPage', (s) => s.pg.some((m) => m > ROOT && !s.online[m])),
];
