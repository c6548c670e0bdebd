/**
 * The rules of the Informal Trace Format, as ADR-015 states them
 * (apalache-mc.org/docs/adr/015adr-trace.html, revision of 2021-12-22), written as a checker that
 * lists every broken rule. Written from the ADR's text, not from report/itf.ts:
 *
 *   T1  the trace is a JSON object whose fields are among "#meta", "params", "vars", "states", "loop";
 *   T2  "#meta", if present, is an object (its content is free);
 *   T3  "vars" is present and an array of strings; "params", if present, too;
 *   T4  "states" is present and an array of state objects;
 *   T5  "loop", if present, is an integer index into "states";
 *   S1  a state's fields are exactly the names in "vars" (each state defines every variable), plus an
 *       optional "#meta" object; the parameters, if any, are set in the initial state;
 *   E1  a value is an expression: a JSON string; a JSON integer in [-(2**53)+1, (2**53)-1]; a big
 *       integer { "#bigint": "[-][0-9]+" }; a list (JSON array of expressions); a record (JSON object
 *       whose field names do not start with "#", of expressions); { "#tup": [...] }, { "#set": [...] },
 *       { "#map": [[key, value], ...] }. So no null and no fractional number;
 *   E2  booleans: this revision lists none, but TLA+ BOOLEAN values are written as JSON true/false by
 *       Apalache and Quint (both readers of ITF), so a boolean is accepted as an expression.
 *
 * And one convention the ADR leaves to tools, which Apalache and Quint both follow and the brief asks
 * for: M1  state i's "#meta" is { "index": i, ... }.
 */

const TRACE_FIELDS = new Set(['#meta', 'params', 'vars', 'states', 'loop']);
const SAFE = 2 ** 53 - 1;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isStringArray = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every((x) => typeof x === 'string');

/** E1/E2: the problems of one expression at `where`. */
export function expressionProblems(v: unknown, where: string): string[] {
  if (typeof v === 'string' || typeof v === 'boolean') return [];
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) return [`${where}: ${v} is not an integer`];
    if (Math.abs(v) > SAFE)
      return [`${where}: ${v} is outside [-(2**53)+1, (2**53)-1]; use {"#bigint": ...}`];
    return [];
  }
  if (Array.isArray(v)) return v.flatMap((x, i) => expressionProblems(x, `${where}[${i}]`));
  if (!isObject(v)) return [`${where}: ${JSON.stringify(v)} is not an ITF expression`];
  const keys = Object.keys(v);
  const special = keys.filter((k) => k.startsWith('#'));
  if (special.length === 0) return keys.flatMap((k) => expressionProblems(v[k], `${where}.${k}`));
  if (keys.length !== 1) return [`${where}: a "#" form must be the only field, got ${keys.join(', ')}`];
  const [k] = keys;
  const body = v[k];
  switch (k) {
    case '#bigint':
      return typeof body === 'string' && /^-?[0-9]+$/.test(body)
        ? []
        : [`${where}: #bigint must be a string of digits with an optional "-"`];
    case '#tup':
    case '#set':
      return Array.isArray(body)
        ? body.flatMap((x, i) => expressionProblems(x, `${where}.${k}[${i}]`))
        : [`${where}: ${k} must hold an array`];
    case '#map':
      if (!Array.isArray(body)) return [`${where}: #map must hold an array of pairs`];
      return body.flatMap((p, i) =>
        Array.isArray(p) && p.length === 2
          ? [
              ...expressionProblems(p[0], `${where}.#map[${i}][0]`),
              ...expressionProblems(p[1], `${where}.#map[${i}][1]`),
            ]
          : [`${where}.#map[${i}]: not a [key, value] pair`],
      );
    default:
      return [`${where}: a record field may not start with "#" ("${k}")`];
  }
}

/** Every rule the document breaks; empty when it is a well-formed ITF trace. */
export function itfProblems(doc: unknown): string[] {
  if (!isObject(doc)) return ['T1: the trace is not a JSON object'];
  const out: string[] = [];
  for (const k of Object.keys(doc)) if (!TRACE_FIELDS.has(k)) out.push(`T1: unknown trace field "${k}"`);
  if ('#meta' in doc && !isObject(doc['#meta'])) out.push('T2: "#meta" is not an object');
  if (!isStringArray(doc.vars)) out.push('T3: "vars" is missing or not an array of strings');
  if ('params' in doc && !isStringArray(doc.params)) out.push('T3: "params" is not an array of strings');
  const vars = isStringArray(doc.vars) ? doc.vars : [];
  const params = isStringArray(doc.params) ? doc.params : [];
  for (const n of [...vars, ...params]) if (n.startsWith('#')) out.push(`T3: name "${n}" starts with "#"`);
  if (new Set(vars).size !== vars.length) out.push('T3: "vars" names a variable twice');
  if (!Array.isArray(doc.states)) return [...out, 'T4: "states" is missing or not an array'];
  const states = doc.states as unknown[];
  if (
    'loop' in doc &&
    !(Number.isInteger(doc.loop) && (doc.loop as number) >= 0 && (doc.loop as number) < states.length)
  )
    out.push('T5: "loop" is not an index into "states"');
  states.forEach((s, i) => {
    if (!isObject(s)) {
      out.push(`T4: state ${i} is not an object`);
      return;
    }
    const meta = s['#meta'];
    if ('#meta' in s && !isObject(meta)) out.push(`S1: state ${i}: "#meta" is not an object`);
    if (!isObject(meta) || meta.index !== i) out.push(`M1: state ${i}: "#meta".index is not ${i}`);
    const keys = Object.keys(s).filter((k) => k !== '#meta');
    for (const v of vars) if (!(v in s)) out.push(`S1: state ${i} does not define "${v}"`);
    for (const k of keys)
      if (!vars.includes(k) && !(i === 0 && params.includes(k)))
        out.push(`S1: state ${i} has "${k}", not in "vars"`);
    if (i === 0)
      for (const p of params) if (!(p in s)) out.push(`S1: the initial state does not set parameter "${p}"`);
    for (const k of keys) out.push(...expressionProblems(s[k], `state ${i}.${k}`).map((p) => `E1: ${p}`));
  });
  return out;
}
