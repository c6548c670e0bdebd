/**
 * The claims checked on every newly stored state, the same way by both explorers: the invariants
 * in spec order (the first that fails is the violation, with its explanation) and the witnesses
 * still open. A claim that throws is the spec's exception (`specThrewAt`, where `claim`), the same
 * error at any worker count.
 */
import { specThrewAt } from './errors.js';
import type { Invariant, Spec, Witness } from './types.js';

/** The first invariant a state violates, and why. */
export interface Failure {
  readonly property: string;
  readonly message: string;
}

export class Claims<S> {
  private readonly invariants: readonly Invariant<S>[];
  private readonly witnesses: readonly Witness<S>[];

  constructor(private readonly spec: Spec<S, unknown>) {
    this.invariants = spec.invariants;
    this.witnesses = spec.witnesses ?? [];
  }

  get witnessCount(): number {
    return this.witnesses.length;
  }

  /** The first invariant (in spec order) that `s` violates; undefined if every one holds. */
  violated(s: S): Failure | undefined {
    const invs = this.invariants;
    for (let i = 0; i < invs.length; i++) {
      const inv = invs[i];
      let holds: boolean;
      try {
        holds = inv.holds(s);
      } catch (e) {
        throw specThrewAt(this.spec, 'claim', `"${inv.name}" on a new state`, e);
      }
      if (!holds) {
        try {
          return { property: inv.name, message: inv.explain ? inv.explain(s) : `${inv.name} does not hold` };
        } catch (e) {
          throw specThrewAt(this.spec, 'claim', `"${inv.name}" (explain) on a new state`, e);
        }
      }
    }
    return undefined;
  }

  /**
   * Marks the open witnesses `s` satisfies: for each witness i with `found[i] === -1` that holds,
   * `found[i] = id` (and `depths[i] = depth`, if given). Any other value of `found[i]` (a state id,
   * or a caller's own mark) means closed. Returns how many it marked.
   */
  reach(s: S, id: number, found: number[], depths?: number[], depth = 0): number {
    const ws = this.witnesses;
    let marked = 0;
    for (let i = 0; i < ws.length; i++) {
      if (found[i] !== -1) continue;
      let holds: boolean;
      try {
        holds = ws[i].holds(s);
      } catch (e) {
        throw specThrewAt(this.spec, 'claim', `"${ws[i].name}" on a new state`, e);
      }
      if (holds) {
        found[i] = id;
        if (depths) depths[i] = depth;
        marked++;
      }
    }
    return marked;
  }
}
