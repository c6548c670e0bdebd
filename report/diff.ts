/**
 * What changed between two model states, in kernel words: `css A 3->4`, `page P0->mem_cgroup
 * NULL->A`, `stock[cpu1].cached NULL->A`. The trace shows only these, never whole states. Which
 * fields are shown, under which label and in which format is declared in the state's schema
 * (model/state.ts, and the fields a path adds); fields without a `show` never appear.
 */
import { ptrName } from '../model/names.js';
import { type Change, type Format, leaves } from '../model/schema.js';
import type { Layout, State } from '../model/state.js';

export type { Change } from '../model/schema.js';

function formatted(L: Layout, format: Format, v: number): string {
  switch (format) {
    case 'number':
      return String(v);
    case 'ptr':
      return ptrName(L, v);
    case 'yesno':
      return v ? 'yes' : 'no';
    case 'setclear':
      return v ? 'set' : 'clear';
    case 'queued':
      return v ? 'queued' : 'idle';
    case 'offon':
      return v ? 'off' : 'on';
    case 'cpuMask':
      return cpuMask(v);
    case 'holder':
      return v ? `cpu${v - 1}` : 'free';
  }
}

/** A leaf's value, read by its group, index and field name. */
function valueAt(s: State, key: string, index: number, name: string, global: boolean): number {
  const g = (s as unknown as Record<string, unknown>)[key];
  if (global) return g as number;
  const at = (g as readonly unknown[])[index];
  return name ? (at as Record<string, number>)[name] : (at as number);
}

export function changes(L: Layout, a: State, b: State): Change[] {
  const out: Change[] = [];
  for (const leaf of leaves(L.schema, L)) {
    const show = leaf.field.show;
    if (!show) continue;
    if ('change' in show) {
      const c = show.change(L, a, b, leaf.index);
      if (c) out.push(c);
      continue;
    }
    if (show.hide?.(leaf.index, L)) continue;
    const global = leaf.group.domain === 'global';
    const x = formatted(L, show.format, valueAt(a, leaf.group.key, leaf.index, leaf.name, global));
    const y = formatted(L, show.format, valueAt(b, leaf.group.key, leaf.index, leaf.name, global));
    if (x !== y) out.push({ what: show.label(leaf.index, L), from: x, to: y });
  }
  return out;
}

function cpuMask(mask: number): string {
  if (mask === 0) return 'none';
  const cpus: string[] = [];
  for (let i = 0; i < 8; i++) if ((mask >> i) & 1) cpus.push(`cpu${i}`);
  return cpus.join('+');
}

export function formatChange(c: Change): string {
  if (c.what === 'BUG') return `BUG: ${c.to}`;
  return `${c.what} ${c.from}->${c.to}`;
}
