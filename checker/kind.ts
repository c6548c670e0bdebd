/** An action's kind, for fire counts and coverage: `spec.kind`, else `a.kind` if it is a string, else the label. */
import type { Spec } from './types.js';

export function actionKindFn<S, A>(spec: Spec<S, A>): (a: A) => string {
  if (spec.kind) return spec.kind.bind(spec);
  return (a: A) => {
    if (a !== null && typeof a === 'object' && typeof (a as { kind?: unknown }).kind === 'string') {
      return (a as unknown as { kind: string }).kind;
    }
    return spec.label(a);
  };
}
