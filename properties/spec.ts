/** The memcg model checked against the claims: what `memcg-check check` runs. */
import { createHash } from 'node:crypto';
import { type Invariant, layoutCodec, type Spec, type Witness } from '../checker/index.js';
import type { Config } from '../model/config.js';
import type { Design } from '../model/design/types.js';
import { Machine, type MemcgAction } from '../model/machine.js';
import { initialState, layoutOf, type State } from '../model/state.js';
import { canonicalizer } from '../model/symmetry.js';
import { type ClaimSelection, selected, validateSelection } from './claim-info.js';
import { invariants, witnesses } from './claims.js';

export interface MemcgSpec extends Spec<State, MemcgAction> {
  readonly machine: Machine;
  readonly config: Config;
  readonly design: Design;
}

/** The spec of a design at a config; `claims` narrows the claims checked (witnesses stay). */
export function memcgSpec(config: Config, design: Design, claims?: ClaimSelection): MemcgSpec {
  const L = layoutOf(config, design.schema);
  const machine = new Machine(L, design);
  const init = initialState(L);
  const symmetry = canonicalizer(L, init);
  const all = invariants(L, design.scheme);
  if (claims)
    validateSelection(
      claims,
      all.map((c) => c.name),
    );
  const claimed = all.filter((c) => selected(claims, c.name));
  const corners = witnesses(L, design.scheme, design.programs);
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
    invariants: claimed,
    witnesses: corners,
    codec: layoutCodec(init),
    fingerprint: fingerprint(config, design, [...claimed, ...corners]),
    ...(symmetry ? { canonical: symmetry.canonical, canonicalBytes: symmetry.canonicalBytes } : {}),
  };
}

/**
 * The model's identity for checkpoints (16 hex digits of a SHA-256): the bounds, the design's name
 * and scheme, every op of every block with its code, the programs' steps, and the claims with their
 * code. A checkpoint of another scope, design, variant or version of the model code does not resume.
 */
export function fingerprint(
  config: Config,
  design: Design,
  claims: readonly (Invariant<State> | Witness<State>)[],
): string {
  const h = createHash('sha256');
  h.update(JSON.stringify(config));
  h.update(`\0${design.name}\0${design.scheme}`);
  for (const [block, ops] of Object.entries(design.blocks)) {
    h.update(`\0block ${block}`);
    for (const o of ops) h.update(`\0${o.name}\0${o.run.toString()}`);
  }
  for (const p of design.programs) {
    h.update(`\0program ${p.name} ${p.slot} ${p.cpuFromArg ?? false}`);
    for (const st of p.steps) h.update(`\0${st.name}\0${st.orElse ?? ''}\0${st.choices?.toString() ?? ''}`);
  }
  for (const c of claims) h.update(`\0${c.type} ${c.name}\0${c.holds.toString()}`);
  return h.digest('hex').slice(0, 16);
}
