/**
 * What changed between two model states, in kernel words: `css A 3->4`, `page P0->mem_cgroup
 * NULL->A`, `stock[cpu1].cached NULL->A`. The trace shows only these, never whole states.
 */
import { pageName, ptrName } from '../model/names.js';
import { type Layout, OOPS_NAMES, type State } from '../model/state.js';

export interface Change {
  /** Which thing, e.g. `css(A)` or `stock[cpu1].cached`. */
  readonly what: string;
  readonly from: string;
  readonly to: string;
}

const MEMCG_FIELDS: Record<string, string> = {
  ref: 'css',
  id: 'id.ref',
  killed: 'killed',
  offline: 'offline',
  released: 'released',
  freed: 'freed',
  gp: 'rcu-waits',
  usage: 'page_counter',
};

export function changes(L: Layout, a: State, b: State): Change[] {
  const out: Change[] = [];
  const push = (what: string, x: string | number, y: string | number) => {
    if (x !== y) out.push({ what, from: String(x), to: String(y) });
  };
  a.memcg.forEach((m, i) => {
    const name = L.config.memcgs[i].name;
    for (const [k, label] of Object.entries(MEMCG_FIELDS)) {
      if (i === 0 && k !== 'usage') continue;
      const key = k as keyof typeof m;
      if (k === 'gp') push(`${label}(${name})`, cpuMask(m.gp), cpuMask(b.memcg[i].gp));
      else if (k === 'ref' || k === 'id' || k === 'usage') push(`${label}(${name})`, m[key], b.memcg[i][key]);
      else push(`${label}(${name})`, m[key] ? 'yes' : 'no', b.memcg[i][key] ? 'yes' : 'no');
    }
  });
  a.page.forEach((pm, p) => {
    push(`${pageName(L, p)}->mem_cgroup`, ptrName(L, pm), ptrName(L, b.page[p]));
  });
  a.split.forEach((v, f) => {
    if (L.isThp[f])
      push(`THP ${pageName(L, L.frameFirst[f])} split`, v ? 'yes' : 'no', b.split[f] ? 'yes' : 'no');
  });
  a.stock.forEach((st, c) => {
    push(`stock[cpu${c}].cached`, ptrName(L, st.cached), ptrName(L, b.stock[c].cached));
    push(`stock[cpu${c}].nr_pages`, st.nr, b.stock[c].nr);
    push(`stock[cpu${c}].FLUSHING`, st.flushing ? 'set' : 'clear', b.stock[c].flushing ? 'set' : 'clear');
    push(`stock[cpu${c}].work`, st.work ? 'queued' : 'idle', b.stock[c].work ? 'queued' : 'idle');
  });
  a.cpu.forEach((c, i) => {
    const d = b.cpu[i];
    push(`cpu${i} ug->memcg`, ptrName(L, c.ugMemcg), ptrName(L, d.ugMemcg));
    push(`cpu${i} ug->nr_pages`, c.ugNr, d.ugNr);
    push(`cpu${i} rcu depth`, c.rcu, d.rcu);
    push(`cpu${i} preemption`, c.preempt ? 'off' : 'on', d.preempt ? 'off' : 'on');
    if (c.seen !== d.seen) {
      const from = d.seen !== 0 ? ` (read from stock[cpu${d.i}].cached)` : '';
      out.push({
        what: `cpu${i} drain_all_stock memcg`,
        from: ptrName(L, c.seen),
        to: `${ptrName(L, d.seen)}${from}`,
      });
    }
    if (c.tmp !== d.tmp || (d.tmp && c.memcg !== d.memcg)) {
      push(`cpu${i} lookup ref`, c.tmp ? ptrName(L, c.memcg) : 'none', d.tmp ? ptrName(L, d.memcg) : 'none');
    }
  });
  push('percpu_charge_mutex', a.mutex ? `cpu${a.mutex - 1}` : 'free', b.mutex ? `cpu${b.mutex - 1}` : 'free');
  push(
    'cgroup_mutex',
    a.cgroupMutex ? `cpu${a.cgroupMutex - 1}` : 'free',
    b.cgroupMutex ? `cpu${b.cgroupMutex - 1}` : 'free',
  );
  if (a.oops !== b.oops) {
    const on = b.oopsMemcg === 0 ? '' : ` on ${ptrName(L, b.oopsMemcg)}`;
    out.push({ what: 'BUG', from: '', to: `${OOPS_NAMES[b.oops]}${on}` });
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
