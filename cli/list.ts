/** `memcg-check list`: designs, variants, scopes, claims, and the ops a variant can edit. */
import { SCOPES, scopeByName } from '../model/config.js';
import { layoutOf } from '../model/state.js';
import { DESIGNS } from '../model/variant.js';
import { invariants, witnesses } from '../properties/claims.js';
import { BUILTIN_VARIANTS, parse } from './options.js';
import { UsageError } from './usage.js';

const WHAT = ['designs', 'variants', 'scopes', 'claims', 'ops'] as const;

export function listCommand(argv: string[]): number {
  const { positionals } = parse(argv, []);
  const what = positionals[0];
  if (what !== undefined && !(WHAT as readonly string[]).includes(what)) {
    throw new UsageError(`list what? "${what}" is not one of: ${WHAT.join(', ')}`);
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
  if (all || what === 'claims') {
    const L = layoutOf(scopeByName('ci')!.config);
    out.push('Claims (always):');
    for (const c of invariants(L, 'new')) out.push(`  ${c.name}`);
    out.push('Witnesses (sometimes; each must be reached, else the run is vacuous):');
    for (const w of witnesses(L)) out.push(`  ${w.name}`);
  }
  if (what === 'ops') {
    for (const d of Object.values(DESIGNS)) {
      out.push(`Blocks and ops of design ${d.name} (address them in a variant as block, op):`);
      for (const [block, ops] of Object.entries(d.blocks)) {
        const users = d.programs.filter((p) => p.steps.some((s) => s.name === block));
        const role = users.length
          ? `step of ${users.map((p) => `${p.name}${p.slot ? '' : ' (single step)'}`).join(', ')}`
          : 'function (called by steps; cannot be split)';
        out.push(`  ${block}    [${role}]`);
        for (const o of ops) out.push(`      ${o.name}`);
      }
    }
  }
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}
