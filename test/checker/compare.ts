/** Views of a result for comparisons between runs: timing and store-specific figures removed. */
import type { CheckResult, SimulationFigures } from '../../checker/index.js';

/** The result without its timing fields (ms, states and transitions per second). */
export function untimed<S, A>(r: CheckResult<S, A>) {
  const { ms: _ms, statesPerSecond: _sps, transitionsPerSecond: _tps, ...stats } = r.stats;
  return { ...r, stats };
}

/** The result without timing or anything that depends on which store held the states. */
export function storeIndependent<S, A>(r: CheckResult<S, A>) {
  const { store: _store, storeBytes: _bytes, bytesPerState: _bps, ...stats } = untimed(r).stats;
  return { ...r, stats };
}

/** A simulation's result without its times (the only figures two runs of one seed may differ in). */
export function untimedSim<V extends { readonly run: number }>(r: SimulationFigures<V>) {
  const { stats: _stats, ...rest } = r;
  return rest;
}
