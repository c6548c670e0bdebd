/** The memcg model checked against the claims: what `memcg-check check` runs. */
import { layoutCodec, type Spec } from '../checker/index.js';
import type { Config } from '../model/config.js';
import type { Design } from '../model/design/types.js';
import { Machine, type MemcgAction } from '../model/machine.js';
import { initialState, layoutOf, type State } from '../model/state.js';
import { canonicalizer } from '../model/symmetry.js';
import { invariants, witnesses } from './claims.js';

export interface MemcgSpec extends Spec<State, MemcgAction> {
  readonly machine: Machine;
  readonly config: Config;
  readonly design: Design;
}

export function memcgSpec(config: Config, design: Design): MemcgSpec {
  const L = layoutOf(config);
  const machine = new Machine(L, design);
  const init = initialState(L);
  const symmetry = canonicalizer(L, init);
  return {
    name: `memcg/${design.name}`,
    machine,
    config,
    design,
    initial: () => [init],
    actions: (s) => machine.actions(s),
    next: (s, a) => machine.next(s, a),
    apply: (s, a) => machine.apply(s, a),
    label: (a) => machine.label(a),
    kind: (a) => a.kind,
    actionKinds: machine.actionKinds(),
    invariants: invariants(L, design.scheme),
    witnesses: witnesses(L),
    codec: layoutCodec(init),
    ...(symmetry ? { canonical: symmetry.canonical, canonicalBytes: symmetry.canonicalBytes } : {}),
  };
}
