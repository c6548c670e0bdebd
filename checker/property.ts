import type { Invariant, Witness } from './types.js';

/** A claim that must hold in every reachable state (TLA+ `[]P`, Stateright `always`). */
export function always<S>(name: string, holds: (s: S) => boolean, explain?: (s: S) => string): Invariant<S> {
  return explain ? { type: 'always', name, holds, explain } : { type: 'always', name, holds };
}

/** A corner that must be reachable (Stateright `sometimes`); unreached means the run was vacuous. */
export function sometimes<S>(name: string, holds: (s: S) => boolean): Witness<S> {
  return { type: 'sometimes', name, holds };
}
