/**
 * A faithful port of bench/spin/memcg.pml (the SPIN benchmark model, copied verbatim from
 * /work/shared/bench) to a checker Spec, so that both tools explore the very same state graph and
 * their figures compare.
 *
 * What carries over one to one:
 *  - the global variables (pg, st_cached, st_nr, ref, usage, online, freed), indexed as in the .pml
 *    (memcg 0 = none, 1 = root, 2..3 = children; index 0 of the memcg arrays is unused);
 *  - every `d_step` is one action, in the order SPIN lists them: per cpu, per page, charge to memcg
 *    1, 2, 3, then uncharge; then the cpu's drain; then the admin's offline(2), offline(3). Uncharge
 *    does not depend on the cpu, but each cpu process has its own uncharge d_step, so each is a
 *    distinct transition here too (this matters for SPIN's transition count, not for states);
 *  - `check_inv()` ends every d_step, so its asserts are invariants of every stored state;
 *  - the asserts inside `css_put` and `counter_uncharge` fire mid-step: a failing one is recorded in
 *    `fault` and the rest of the step is skipped (SPIN stops there too); `InStepAssertsHold` fails.
 *
 * What is left out, and why it changes no count: the process control state. Every action is a
 * d_step that is a whole option of a `do` loop, so each process has exactly one location (`pan -d`
 * shows cpu at state 1797 and admin at 281, every transition a self-loop); the local `c = _pid` is
 * constant; the `hidden` scratch variables are not in SPIN's state vector and are zero between steps.
 * So SPIN's states are exactly the valuations of the globals, which is what this spec stores.
 */
import type { Spec } from '../checker/index.js';
import { pmlInvariants, pmlWitnesses } from './memcg-pml-claims.js';
import { pmlByteCodec, pmlCodec } from './memcg-pml-codec.js';
import {
  FAULT_COUNTER_UNDERFLOW,
  FAULT_FREE_ONLINE,
  FAULT_PUT_UNDERFLOW,
  initialState,
  NMEMCG,
  type PmlAction,
  type PmlScope,
  PmlState,
  ROOT,
  scopeKey,
} from './memcg-pml-state.js';

export { pmlByteCodec, pmlCodec } from './memcg-pml-codec.js';
export * from './memcg-pml-state.js';

export function memcgPml(scope: PmlScope): Spec<PmlState, PmlAction> {
  const { ncpu, npage, batch, limit } = scope;
  const bug = scope.bug === true;
  const all = enumerateActions(scope);
  // Where cpu c's actions start in `all`: per page the charges to memcg 1..NMEMCG-1, then uncharge;
  // then drain.
  const perCpu = npage * NMEMCG + 1;

  const fits = (s: PmlState, m: number, n: number): boolean => m === ROOT || s.usage[m] + n <= limit;

  const cssGet = (s: PmlState, m: number): void => {
    s.ref[m]++;
  };
  const cssPut = (s: PmlState, m: number): void => {
    if (!(s.ref[m] > 0)) {
      s.fault ||= FAULT_PUT_UNDERFLOW;
      return;
    }
    s.ref[m]--;
    if (s.ref[m] === 0) {
      if (s.online[m]) s.fault ||= FAULT_FREE_ONLINE;
      s.freed[m] = 1;
    }
  };
  const counterCharge = (s: PmlState, m: number, n: number): void => {
    s.usage[m] += n;
    if (m !== ROOT) s.usage[ROOT] += n;
  };
  const counterUncharge = (s: PmlState, m: number, n: number): void => {
    if (!(s.usage[m] >= n) || (m !== ROOT && !(s.usage[ROOT] >= n))) {
      s.fault ||= FAULT_COUNTER_UNDERFLOW;
      return;
    }
    s.usage[m] -= n;
    if (m !== ROOT) s.usage[ROOT] -= n;
  };
  const drainStock = (s: PmlState, c: number): void => {
    const m = s.stCached[c];
    if (m === 0) return;
    if (s.stNr[c] > 0) counterUncharge(s, m, s.stNr[c]);
    s.stNr[c] = 0;
    if (!bug) cssPut(s, m);
    s.stCached[c] = 0;
  };

  /**
   * The enabled actions of `s` in SPIN's order, each guard as in the .pml:
   *  - charge(c, p, m): pg[p] == 0 && online[m] && (consume_stock hits || counter_try_charge(m, 1));
   *  - uncharge(c, p): pg[p] != 0;
   *  - drain(c): st_cached[c] != 0;
   *  - offline(m): online[m].
   * The per-memcg part of charge's guard does not depend on the cpu or page, so it is read once.
   */
  const actions = (s: PmlState): PmlAction[] => {
    const { pg, stCached, stNr, online } = s;
    const out: PmlAction[] = [];
    let chargeable = 0; // bit m: online[m] && counter_try_charge(m, 1) succeeds (root: unlimited)
    for (let m = 1; m < NMEMCG; m++) if (online[m] && fits(s, m, 1)) chargeable |= 1 << m;
    for (let c = 0, base = 0; c < ncpu; c++, base += perCpu) {
      const cached = stCached[c];
      // consume_stock(m, 1) hits for the cached memcg if the stock holds a page.
      const hit = cached !== 0 && stNr[c] > 0 && online[cached] ? 1 << cached : 0;
      const can = chargeable | hit;
      for (let p = 0, i = base; p < npage; p++, i += NMEMCG) {
        if (pg[p] !== 0) {
          out.push(all[i + NMEMCG - 1]); // uncharge
          continue;
        }
        for (let m = 1; m < NMEMCG; m++) if (can & (1 << m)) out.push(all[i + m - 1]);
      }
      if (cached !== 0) out.push(all[base + perCpu - 1]); // drain
    }
    for (let m = 2; m < NMEMCG; m++) if (online[m]) out.push(all[all.length - NMEMCG + m]); // offline
    return out;
  };

  const apply = (s: PmlState, a: PmlAction): void => {
    switch (a.kind) {
      case 'charge': {
        const { cpu: c, page: p, memcg: m } = a;
        cssGet(s, m);
        s.pg[p] = m;
        if (s.stCached[c] === m && s.stNr[c] > 0) {
          s.stNr[c]--; // consume_stock hit
        } else if (batch > 1 && fits(s, m, batch)) {
          counterCharge(s, m, batch);
          // refill_stock(m, BATCH-1): the stock holds one css ref
          if (s.stCached[c] !== m) {
            drainStock(s, c);
            cssGet(s, m);
            s.stCached[c] = m;
          }
          s.stNr[c] += batch - 1;
        } else {
          counterCharge(s, m, 1);
        }
        return;
      }
      case 'uncharge': {
        const m = s.pg[a.page];
        counterUncharge(s, m, 1);
        s.pg[a.page] = 0;
        cssPut(s, m);
        return;
      }
      case 'drain':
        drainStock(s, a.cpu);
        return;
      case 'offline': {
        const m = a.memcg;
        s.online[m] = 0;
        for (let j = 0; j < ncpu; j++) if (s.stCached[j] === m) drainStock(s, j); // drain_all_stock(m)
        cssPut(s, m); // drop the base reference
        return;
      }
    }
  };

  return {
    name: `memcg.pml(${scopeKey(scope)}${bug ? ',BUG=1' : ''})`,
    initial: () => [initialState(scope)],
    actions,
    next(s, a) {
      const t = new PmlState(ncpu, npage, s);
      apply(t, a);
      return t;
    },
    apply,
    label,
    kind: (a) => a.kind,
    actionKinds: ['charge', 'uncharge', 'drain', 'offline'],
    invariants: pmlInvariants,
    witnesses: pmlWitnesses,
    codec: scope.codec === 'bytes' ? pmlByteCodec(scope) : pmlCodec(scope),
  };
}

function enumerateActions({ ncpu, npage }: PmlScope): PmlAction[] {
  const out: PmlAction[] = [];
  for (let cpu = 0; cpu < ncpu; cpu++) {
    for (let page = 0; page < npage; page++) {
      for (let memcg = 1; memcg < NMEMCG; memcg++) out.push({ kind: 'charge', cpu, page, memcg });
      out.push({ kind: 'uncharge', cpu, page });
    }
    out.push({ kind: 'drain', cpu });
  }
  out.push({ kind: 'offline', memcg: 2 }, { kind: 'offline', memcg: 3 });
  return out;
}

function label(a: PmlAction): string {
  switch (a.kind) {
    case 'charge':
      return `cpu${a.cpu}: charge(page ${a.page}, memcg ${a.memcg})`;
    case 'uncharge':
      return `cpu${a.cpu}: uncharge(page ${a.page})`;
    case 'drain':
      return `cpu${a.cpu}: drain_stock`;
    case 'offline':
      return `admin: offline(memcg ${a.memcg})`;
  }
}
