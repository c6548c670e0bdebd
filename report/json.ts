/** The machine-readable result (`--format json`): one object, schema `memcg-check/result`, version 1. */
import type { CheckOptions, CheckResult, Trace } from '../checker/index.js';
import type { Config } from '../model/config.js';
import type { MemcgAction } from '../model/machine.js';
import type { Layout, State } from '../model/state.js';
import { holders, sumRefs } from '../properties/holders.js';
import { changes, formatChange } from './diff.js';

/** Every non-root memcg's refcount and holders in one state (the ledger), for reports. */
export function ledgerJson(L: Layout, scheme: 'old' | 'new', s: State) {
  const out = [];
  for (let m = 1; m < s.memcg.length; m++) {
    const freed = s.memcg[m].freed === 1;
    const hs = freed ? [] : holders(s, L, m, scheme);
    // The list as docs/result.schema.json gives it: kind, who, refs (not the holder's index).
    const list = hs.map(({ kind, who, refs }) => ({ kind, who, refs }));
    out.push({ memcg: L.config.memcgs[m].name, ref: s.memcg[m].ref, holders: sumRefs(hs), freed, list });
  }
  return out;
}

import type { RunInfo } from './text.js';

export const RESULT_SCHEMA_VERSION = 1;

export function resultJson(
  info: RunInfo & { readonly config: Config; readonly variant?: string; readonly claims?: readonly string[] },
  options: CheckOptions,
  r: CheckResult<State, MemcgAction>,
): Record<string, unknown> {
  const { onProgress: _p, ...opts } = options;
  const out: Record<string, unknown> = {
    schema: 'memcg-check/result',
    version: RESULT_SCHEMA_VERSION,
    verdict: r.verdict,
    vacuous: r.vacuous,
    spec: r.spec,
    design: info.design,
    scheme: info.scheme,
    ...(info.variant ? { variant: info.variant } : {}),
    scope: info.scope,
    config: info.config,
    ...(info.claims ? { claims: info.claims } : {}),
    options: opts,
    stats: r.stats,
    witnesses: r.witnesses.map((w) => ({
      name: w.name,
      reached: w.reached,
      ...(w.reached ? { depth: w.depth } : {}),
    })),
    neverFired: r.neverFired,
  };
  if (r.limit) out.limit = r.limit;
  if (r.violation) {
    const v = r.violation;
    out.cpus = info.L.config.cpus;
    out.violation = {
      property: v.property,
      message: v.message,
      path: v.trace.path.join('/'),
      ...traceJson(info, v.trace),
    };
  }
  return out;
}

/** A counterexample's states as the JSON reports give them: the initial state, then each step with its changes and ledger. */
export function traceJson(info: Pick<RunInfo, 'L' | 'scheme'>, trace: Trace<State, MemcgAction>) {
  let prev = trace.initial;
  return {
    initial: trace.initial,
    initialLedger: ledgerJson(info.L, info.scheme, trace.initial),
    trace: trace.steps.map((st, i) => {
      const entry = {
        step: i + 1,
        label: st.label,
        kind: st.action.kind,
        cpu: st.action.cpu,
        arg: st.action.arg,
        changes: changes(info.L, prev, st.state).map(formatChange),
        ledger: ledgerJson(info.L, info.scheme, st.state),
        state: st.state,
      };
      prev = st.state;
      return entry;
    }),
  };
}
