/**
 * The Informal Trace Format (ITF, apalache-mc.org/docs/adr/015adr-trace.html), readable by Quint and
 * Apalache tooling: `{ "#meta", "vars", "states": [ { "#meta": { "index" }, var: value, ... } ] }`.
 * Our states are records and sequences of small integers, which ITF writes as JSON objects, arrays
 * and numbers; the action that led to each state is the extra variable `action` (a string, the
 * label; "init" for the initial state), like Quint's `mbt::actionTaken`.
 */
import type { Trace } from '../checker/index.js';
import type { MemcgAction } from '../model/machine.js';
import type { State } from '../model/state.js';

/** The variables of a trace: the label of the step, then every group of the state's schema, in its order. */
function varsOf(s: State): string[] {
  return ['action', ...Object.keys(s)];
}

export interface ItfTrace {
  readonly '#meta': Record<string, unknown>;
  readonly vars: readonly string[];
  readonly states: readonly Record<string, unknown>[];
}

export function toItf(
  trace: Trace<State, MemcgAction>,
  meta: {
    design: string;
    variant?: string;
    scope: string;
    config: unknown;
    property?: string;
    message?: string;
    /** The claims checked, when --claims or --skip-claims narrowed them. */
    claims?: readonly string[];
  },
): ItfTrace {
  const state = (s: State, action: string, index: number) => ({ '#meta': { index }, action, ...s });
  return {
    '#meta': {
      format: 'ITF',
      'format-description': 'https://apalache-mc.org/docs/adr/015adr-trace.html',
      source: 'memcg-check',
      description: `memcg-check counterexample: design ${meta.design}, scope ${meta.scope}${meta.property ? `, violates ${meta.property}` : ''}`,
      design: meta.design,
      ...(meta.variant ? { variant: meta.variant } : {}),
      scope: meta.scope,
      config: meta.config,
      ...(meta.property ? { property: meta.property, message: meta.message } : {}),
      ...(meta.claims ? { claims: meta.claims } : {}),
      path: trace.path.join('/'),
    },
    vars: varsOf(trace.initial),
    states: [
      state(trace.initial, 'init', 0),
      ...trace.steps.map((st, i) => state(st.state, st.label, i + 1)),
    ],
  };
}

/** The model states of an ITF trace (validated shape), in order. */
export function fromItf(itf: unknown): { states: State[]; labels: string[] } {
  const t = itf as Partial<ItfTrace>;
  if (!t || !Array.isArray(t.states) || !Array.isArray(t.vars))
    throw new Error('not an ITF trace: needs "vars" and "states" arrays');
  const states: State[] = [];
  const labels: string[] = [];
  t.states.forEach((raw, i) => {
    for (const v of t.vars as readonly string[])
      if (!(v in raw)) throw new Error(`ITF state ${i} has no variable "${v}"`);
    const { action, '#meta': _m, ...rest } = raw as Record<string, unknown>;
    states.push(rest as unknown as State);
    labels.push(String(action));
  });
  return { states, labels };
}
