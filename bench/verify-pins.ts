/**
 * An independent check of the counts pinned in proofs.json for scopes without symmetry: a naive
 * breadth-first search written here (a Set of JSON strings, successors through the immer reference
 * path `spec.next`, no codec, no fast path, nothing from checker/ but the spec) recomputes distinct
 * states, transitions, depth, and for expected violations the distance to the first violating state.
 *
 *   npm run build && node dist/bench/verify-pins.js [--digest] [gate names...]
 *
 * Slow (about 20 µs per transition); run by hand when pins change, not in CI.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { scopeByName } from '../model/config.js';
import { buildVariant, DESIGNS } from '../model/variant.js';
import { BUILTIN_VARIANTS } from '../properties/model-ref.js';
import { memcgSpec } from '../properties/spec.js';

interface PinnedGate {
  name: string;
  design?: 'old' | 'new';
  variant?: string;
  scope: string;
  expect: 'verified' | { violated: string };
  distinct?: number;
  transitions?: number;
  depth?: number;
  traceLength?: number;
  claims?: string[];
  skipClaims?: string[];
}

function naive(gate: PinnedGate) {
  const config = scopeByName(gate.scope)!.config;
  const design = gate.variant
    ? buildVariant(BUILTIN_VARIANTS.find((v) => v.name === gate.variant)!)
    : DESIGNS[gate.design!];
  const spec = memcgSpec(config, design, {
    ...(gate.claims ? { only: gate.claims } : {}),
    ...(gate.skipClaims ? { skip: gate.skipClaims } : {}),
  });
  const seen = new Set<string>();
  // --digest: keep a SHA-1 of each state's JSON instead of the JSON (20 bytes, for the ci scopes'
  // tens of millions of states); a collision could only merge two states, a loud count mismatch.
  const keyOf = DIGEST
    ? (t: unknown) => createHash('sha1').update(JSON.stringify(t)).digest('base64')
    : (t: unknown) => JSON.stringify(t);
  let frontier = [...spec.initial()];
  for (const s of frontier) seen.add(keyOf(s));
  let transitions = 0;
  let depth = 0;
  const bad = (s: (typeof frontier)[number]) => spec.invariants.find((i) => !i.holds(s))?.name;
  for (const s of frontier)
    if (bad(s)) return { distinct: seen.size, transitions, depth, violated: bad(s), at: 0 };
  while (frontier.length) {
    const next: typeof frontier = [];
    for (const s of frontier) {
      for (const a of spec.actions(s)) {
        const t = spec.next(s, a);
        transitions++;
        const key = keyOf(t);
        if (seen.has(key)) continue;
        seen.add(key);
        const v = bad(t);
        if (v) return { distinct: seen.size, transitions, depth: depth + 1, violated: v, at: depth + 1 };
        next.push(t);
      }
    }
    frontier = next;
    if (frontier.length) depth++;
  }
  return { distinct: seen.size, transitions, depth };
}

const manifest = JSON.parse(readFileSync('proofs.json', 'utf8')) as { gates: PinnedGate[] };
const DIGEST = process.argv.includes('--digest');
const only = process.argv.slice(2).filter((a) => a !== '--digest');
let failed = 0;
for (const g of manifest.gates) {
  if (only.length ? !only.includes(g.name) : g.scope !== 'tiny') continue;
  const r = naive(g);
  const lines: string[] = [];
  if (g.expect === 'verified') {
    for (const k of ['distinct', 'transitions', 'depth'] as const) {
      if (g[k] !== undefined && g[k] !== r[k]) lines.push(`${k}: pinned ${g[k]}, naive ${r[k]}`);
    }
    if ('violated' in r) lines.push(`naive BFS found a violation of ${r.violated}`);
  } else {
    if (!('violated' in r) || r.violated !== g.expect.violated)
      lines.push(`naive BFS: ${'violated' in r ? r.violated : 'no violation'}`);
    if (g.traceLength !== undefined && 'at' in r && r.at !== g.traceLength)
      lines.push(`traceLength: pinned ${g.traceLength}, naive ${r.at}`);
  }
  failed += lines.length ? 1 : 0;
  console.log(
    `${g.name}: ${lines.length ? `MISMATCH ${lines.join('; ')}` : 'agrees'} (naive: ${JSON.stringify(r)})`,
  );
}
process.exitCode = failed ? 1 : 0;
