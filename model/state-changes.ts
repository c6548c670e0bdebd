/**
 * The diff lines of the CPU fields whose change reads two fields (model/state.ts declares them):
 * the lookup's reference (the flag and the pointer), and drain_all_stock's read (the pointer and the
 * stock it was read from).
 */
import type { Layout } from './layout.js';
import { ptrName } from './names.js';
import type { Change } from './schema.js';
import type { State } from './state.js';

/** The lookup's reference as one diff line: `cpu0 lookup ref none->A`. */
export function lookupRefChange(L: Layout, a: State, b: State, i: number): Change | undefined {
  const c = a.cpu[i];
  const d = b.cpu[i];
  if (c.tmp === d.tmp && (!d.tmp || c.memcg === d.memcg)) return undefined;
  const from = c.tmp ? ptrName(L, c.memcg) : 'none';
  const to = d.tmp ? ptrName(L, d.memcg) : 'none';
  return from === to ? undefined : { what: `cpu${i} lookup ref`, from, to };
}

/** drain_all_stock's read of stock->cached, with the stock it read. */
export function drainMemcgChange(L: Layout, a: State, b: State, i: number): Change | undefined {
  const c = a.cpu[i];
  const d = b.cpu[i];
  if (c.seen === d.seen) return undefined;
  const from = d.seen !== 0 ? ` (read from stock[cpu${d.i}].cached)` : '';
  return {
    what: `cpu${i} drain_all_stock memcg`,
    from: ptrName(L, c.seen),
    to: `${ptrName(L, d.seen)}${from}`,
  };
}
