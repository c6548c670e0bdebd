/** `memcg-check list`: designs, variants, scopes, claims, witnesses and the ops a variant can edit. */
import { type Config, SCOPES, scopeByName } from '../model/config.js';
import type { Design } from '../model/design/types.js';
import { layoutOf } from '../model/state.js';
import { DESIGNS } from '../model/variant.js';
import { CLAIMS, WITNESSES } from '../properties/claim-info.js';
import { invariants, witnesses } from '../properties/claims.js';
import { BUILTIN_VARIANTS, configOf } from '../properties/model-ref.js';
import { BOUND_FLAGS, boundsOf } from './model.js';
import { format, parse } from './options.js';
import { UsageError } from './usage.js';

const WHAT = ['designs', 'variants', 'scopes', 'claims', 'witnesses', 'ops'] as const;
type What = (typeof WHAT)[number];

/**
 * One line per claim and witness, in the order the model checks them (a test ties the tables to
 * the model). Some witnesses exist only at some bounds (properties/claims.ts): with no scope,
 * `large`'s, which has every corner; with one, that scope's.
 */
function claimTables(config: Config = scopeByName('large')!.config) {
  const L = layoutOf(config, DESIGNS.new.schema);
  // The witnesses of either design at these bounds (v5.8's and v5.9's slab paths have their own).
  const Lold = layoutOf(config, DESIGNS.old.schema);
  const names = new Set(
    [...witnesses(L, 'new'), ...witnesses(Lold, 'old', DESIGNS.old.programs)].map((w) => w.name),
  );
  const info = (name: string) => {
    const c = CLAIMS.find((x) => x.name === name);
    if (!c) throw new Error(`claim ${name} has no line in properties/claim-info.ts`);
    return c;
  };
  const claims = invariants(L, 'new').map((c) => info(c.name));
  for (const n of names)
    if (!WITNESSES.some((x) => x.name === n))
      throw new Error(`witness ${n} has no line in properties/claim-info.ts`);
  const corners = WITNESSES.filter((x) => names.has(x.name));
  return { claims, witnesses: corners };
}

/** The blocks of a design, each with what it is (a step of which paths, or a called function) and its ops. */
function opsOf(d: Design) {
  return Object.entries(d.blocks).map(([block, ops]) => {
    const users = d.programs.filter((p) => p.steps.some((s) => s.name === block));
    return {
      block,
      role: users.length
        ? `step of ${users.map((p) => `${p.name}${p.slot ? '' : ' (single step)'}`).join(', ')}`
        : 'function (called by steps; cannot be split)',
      ops: ops.map((o) => o.name),
    };
  });
}

/** Everything `list` knows, as data: what `--format json` prints and the text is made from. */
export function listing(config?: Config): Record<What, unknown> {
  const { claims, witnesses: corners } = claimTables(config);
  return {
    designs: Object.values(DESIGNS).map((d) => ({ name: d.name, description: d.description })),
    variants: BUILTIN_VARIANTS.map((v) => ({
      name: v.name,
      base: v.base,
      description: v.description,
      ...(v.expect ? { expect: v.expect } : {}),
    })),
    scopes: SCOPES.map((s) => ({ name: s.name, description: s.description, config: s.config })),
    claims,
    witnesses: corners,
    ops: Object.fromEntries(Object.values(DESIGNS).map((d) => [d.name, opsOf(d)])),
  };
}

export async function listCommand(argv: string[]): Promise<number> {
  const { flags, positionals } = parse(argv, ['format', ...BOUND_FLAGS]);
  // --scope (or bounds): the witnesses that scope has.
  const config = BOUND_FLAGS.some((k) => flags[k] !== undefined) ? configOf(boundsOf(flags)) : undefined;
  const fmt = format(flags);
  const what = positionals[0];
  if (positionals.length > 1) throw new UsageError(`list takes at most one of: ${WHAT.join(', ')}`);
  if (what !== undefined && !(WHAT as readonly string[]).includes(what)) {
    throw new UsageError(`list what? "${what}" is not one of: ${WHAT.join(', ')}`);
  }
  const data = listing(config);
  if (fmt === 'json') {
    const out = what === undefined ? data : { [what]: data[what as What] };
    process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);
    return 0;
  }
  const all = what === undefined;
  const out: string[] = [];
  if (all || what === 'designs') {
    out.push('Designs:');
    for (const d of Object.values(DESIGNS)) out.push(`  ${d.name.padEnd(6)} ${d.description}`);
  }
  if (all || what === 'variants') {
    out.push('Variants (known bugs, each a negative control):');
    for (const v of BUILTIN_VARIANTS) {
      out.push(`  ${v.name.padEnd(4)} from ${v.base}: ${v.description}`);
    }
  }
  if (all || what === 'scopes') {
    out.push('Scopes:');
    for (const s of SCOPES) out.push(`  ${s.name.padEnd(6)} ${s.description}`);
  }
  const { claims, witnesses: corners } = claimTables(config);
  if (all || what === 'claims') {
    out.push('Claims (always; --claims and --skip-claims choose which a run checks):');
    for (const c of claims) {
      out.push(`  ${c.name} [${c.kind}]`);
      out.push(`      ${c.meaning}`);
      out.push(`      kernel symptom: ${c.symptom}`);
    }
  }
  if (all || what === 'claims' || what === 'witnesses') {
    out.push('Witnesses (sometimes; each must be reached, else the run is vacuous):');
    for (const w of corners) out.push(`  ${w.name}: ${w.meaning}`);
  }
  if (what === 'ops') {
    for (const d of Object.values(DESIGNS)) {
      out.push(`Blocks and ops of design ${d.name} (address them in a variant as block, op):`);
      for (const b of opsOf(d)) {
        out.push(`  ${b.block}    [${b.role}]`);
        for (const o of b.ops) out.push(`      ${o}`);
      }
    }
  }
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}
