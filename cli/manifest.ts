/**
 * The proof manifest (proofs.json): expected verdicts and pinned counts, one gate per check. Like
 * tlaplus/Examples' manifest.json, it pins distinct states and depth, including runs that must fail.
 * Schema: docs/proofs.schema.json.
 */
import { readFileSync } from 'node:fs';
import { SCOPES } from '../model/config.js';
import { ClaimSelectionError, validateSelection } from '../properties/claim-info.js';
import { STUCK_KINDS } from '../properties/liveness.js';
import { BUILTIN_VARIANTS } from '../properties/model-ref.js';
import { UsageError } from './usage.js';

export type GateExpect = 'verified' | { readonly violated: string };

export interface Gate {
  readonly name: string;
  /**
   * `equivalence`: two designs compared (cli/gate-equivalence.ts); `liveness`: dying memcgs freed
   * on every fair run (cli/gate-liveness.ts); absent: one model checked.
   */
  readonly kind?: 'equivalence' | 'liveness';
  /** A liveness gate's fairness: `stock` as `--fair stock`; absent: the default fairness. */
  readonly fair?: 'stock';
  /** A liveness gate's depth bound (as --max-depth): for variants whose leak makes the graph infinite. */
  readonly maxDepth?: number;
  /** An equivalence gate's sides: old, new, or a variant (default old and new; `variant` is the right side). */
  readonly left?: string;
  readonly right?: string;
  readonly design?: 'old' | 'new';
  readonly variant?: string;
  readonly scope: string;
  readonly expect: GateExpect;
  readonly distinct?: number;
  readonly transitions?: number;
  readonly depth?: number;
  readonly traceLength?: number;
  /** Check only these claims, or all but these (as --claims and --skip-claims). */
  readonly claims?: readonly string[];
  readonly skipClaims?: readonly string[];
  /** How the pinned numbers were checked independently. */
  readonly note?: string;
}

export interface Manifest {
  readonly version: 1;
  readonly gates: readonly Gate[];
}

const PINS = ['distinct', 'transitions', 'depth', 'traceLength'] as const;
const KEYS = new Set([
  'name',
  'kind',
  'left',
  'right',
  'design',
  'variant',
  'scope',
  'expect',
  'claims',
  'skipClaims',
  'note',
  'fair',
  'maxDepth',
  ...PINS,
]);

export function readManifest(file: string): { manifest: Manifest; raw: Record<string, unknown> } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`manifest ${file} cannot be read; give the path of a proofs.json`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`manifest ${file} is not valid JSON: ${(e as Error).message}`);
  }
  return { manifest: validateManifest(raw, file), raw: raw as Record<string, unknown> };
}

export function validateManifest(raw: unknown, file = 'manifest'): Manifest {
  const bad = (where: string, what: string): never => {
    throw new UsageError(`${file}: ${where}: ${what}`);
  };
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    bad('top level', 'must be an object with "version" and "gates"');
  const m = raw as Record<string, unknown>;
  if (m.version !== 1) bad('version', `must be 1, got ${JSON.stringify(m.version)}`);
  if (!Array.isArray(m.gates) || m.gates.length === 0) bad('gates', 'must be a non-empty array');
  const names = new Set<string>();
  (m.gates as unknown[]).forEach((g, i) => {
    const at = `gates[${i}]`;
    if (!g || typeof g !== 'object' || Array.isArray(g)) bad(at, 'must be an object');
    const gate = g as Record<string, unknown>;
    for (const k of Object.keys(gate)) {
      if (!k.startsWith('$') && !KEYS.has(k))
        bad(`${at}.${k}`, `unknown field; fields are ${[...KEYS].join(', ')}`);
    }
    if (typeof gate.name !== 'string' || !gate.name) bad(`${at}.name`, 'must be a non-empty string');
    if (names.has(gate.name as string)) bad(`${at}.name`, `"${gate.name}" is used twice`);
    names.add(gate.name as string);
    const where = `${at} (${gate.name})`;
    if (gate.kind !== undefined && gate.kind !== 'equivalence' && gate.kind !== 'liveness')
      bad(`${where}.kind`, `must be "equivalence", "liveness" or left out, got ${JSON.stringify(gate.kind)}`);
    if (gate.kind === 'equivalence') validateEquivalenceGate(gate, where, bad);
    else if (gate.left !== undefined || gate.right !== undefined)
      bad(where, '"left" and "right" are for gates of kind "equivalence"');
    if (gate.kind === 'liveness') validateLivenessGate(gate, where, bad);
    else if (gate.fair !== undefined || gate.maxDepth !== undefined)
      bad(where, '"fair" and "maxDepth" are for gates of kind "liveness"');
    if (gate.kind === undefined && gate.design === undefined && gate.variant === undefined)
      bad(where, 'needs "design" (old|new) or "variant"');
    if (gate.design !== undefined && gate.design !== 'old' && gate.design !== 'new') {
      bad(`${where}.design`, `must be "old" or "new", got ${JSON.stringify(gate.design)}`);
    }
    if (gate.variant !== undefined) {
      if (typeof gate.variant !== 'string') bad(`${where}.variant`, 'must be a string');
      const isFile = /\.(ts|js|mjs)$/.test(gate.variant as string);
      if (!isFile && !BUILTIN_VARIANTS.some((v) => v.name === gate.variant)) {
        bad(
          `${where}.variant`,
          `unknown variant "${gate.variant}"; built-ins are ${BUILTIN_VARIANTS.map((v) => v.name).join(', ')}`,
        );
      }
    }
    if (typeof gate.scope !== 'string' || !SCOPES.some((s) => s.name === gate.scope)) {
      bad(
        `${where}.scope`,
        `must be one of ${SCOPES.map((s) => s.name).join(', ')}, got ${JSON.stringify(gate.scope)}`,
      );
    }
    const e = gate.expect;
    const okExpect =
      e === 'verified' ||
      (e !== null && typeof e === 'object' && typeof (e as { violated?: unknown }).violated === 'string');
    if (!okExpect)
      bad(`${where}.expect`, `must be "verified" or { "violated": "<claim>" }, got ${JSON.stringify(e)}`);
    for (const k of PINS) {
      const v = gate[k];
      if (v !== undefined && !(Number.isInteger(v) && (v as number) >= 0)) {
        bad(`${where}.${k}`, `must be a whole number, got ${JSON.stringify(v)}`);
      }
    }
    if (gate.traceLength !== undefined && e === 'verified')
      bad(`${where}.traceLength`, 'only for gates that expect a violation');
    if (gate.note !== undefined && typeof gate.note !== 'string') bad(`${where}.note`, 'must be a string');
    for (const k of ['claims', 'skipClaims'] as const) {
      const v = gate[k];
      if (v !== undefined && !(Array.isArray(v) && v.length > 0 && v.every((n) => typeof n === 'string')))
        bad(`${where}.${k}`, `must be a non-empty array of claim names, got ${JSON.stringify(v)}`);
    }
    try {
      validateSelection({
        ...(gate.claims ? { only: gate.claims as string[] } : {}),
        ...(gate.skipClaims ? { skip: gate.skipClaims as string[] } : {}),
      });
    } catch (e) {
      if (e instanceof ClaimSelectionError)
        bad(where, e.message.replace('--claims', 'claims').replace('--skip-claims', 'skipClaims'));
      throw e;
    }
    if (typeof e === 'object' && e !== null) {
      const v = (e as { violated: string }).violated;
      const only = gate.claims as string[] | undefined;
      const skip = gate.skipClaims as string[] | undefined;
      if ((only && !only.includes(v)) || skip?.includes(v))
        bad(`${where}.expect`, `expects a violation of ${v}, which its claims or skipClaims leave out`);
    }
  });
  return m as unknown as Manifest;
}

/** The claims an equivalence gate may expect to fail (checker/product.ts). */
export const EQUIVALENCE_CLAIMS = ['same_projection', 'same_enabled'];

function validateEquivalenceGate(
  gate: Record<string, unknown>,
  where: string,
  bad: (where: string, what: string) => never,
): void {
  for (const k of ['design', 'claims', 'skipClaims'])
    if (gate[k] !== undefined)
      bad(
        `${where}.${k}`,
        `not for an equivalence gate; name its sides with "left" and "right" (or "variant")`,
      );
  if (gate.right !== undefined && gate.variant !== undefined)
    bad(where, 'give "right" or "variant" (the right side), not both');
  for (const k of ['left', 'right'] as const) {
    const v = gate[k];
    if (v === undefined) continue;
    const ok =
      v === 'old' ||
      v === 'new' ||
      (typeof v === 'string' && (/\.(ts|js|mjs)$/.test(v) || BUILTIN_VARIANTS.some((b) => b.name === v)));
    if (!ok)
      bad(
        `${where}.${k}`,
        `must be old, new, a built-in variant or a variant file, got ${JSON.stringify(v)}`,
      );
  }
  const e = gate.expect;
  if (typeof e === 'object' && e !== null) {
    const v = (e as { violated?: unknown }).violated;
    if (typeof v === 'string' && !EQUIVALENCE_CLAIMS.includes(v))
      bad(`${where}.expect`, `an equivalence gate fails on ${EQUIVALENCE_CLAIMS.join(' or ')}, not ${v}`);
  }
}

/** What a liveness gate may expect to find (properties/liveness.ts `StuckKind`, the worst found). */
export const LIVENESS_FINDINGS: readonly string[] = STUCK_KINDS;

function validateLivenessGate(
  gate: Record<string, unknown>,
  where: string,
  bad: (where: string, what: string) => never,
): void {
  for (const k of ['claims', 'skipClaims', 'traceLength'])
    if (gate[k] !== undefined)
      bad(`${where}.${k}`, 'not for a liveness gate (its one claim is dying_memcg_freed)');
  if (gate.fair !== undefined && gate.fair !== 'stock')
    bad(`${where}.fair`, `must be "stock" or left out, got ${JSON.stringify(gate.fair)}`);
  const d = gate.maxDepth;
  if (d !== undefined && !(Number.isInteger(d) && (d as number) >= 1))
    bad(`${where}.maxDepth`, `must be a whole number of at least 1, got ${JSON.stringify(d)}`);
  const e = gate.expect;
  if (typeof e === 'object' && e !== null) {
    const v = (e as { violated?: unknown }).violated;
    if (typeof v === 'string' && !LIVENESS_FINDINGS.includes(v))
      bad(
        `${where}.expect`,
        `a liveness gate finds ${LIVENESS_FINDINGS.join(', ')} (the worst found), not ${v}`,
      );
  }
}

export { PINS };
