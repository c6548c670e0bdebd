/**
 * The state schema: every field of the model's state declared once, with its kind, its kernel name
 * and, for a CPU's fields, whether it is a local of the kernel path in flight. Everything that must
 * agree with the state's shape is derived from it (model/state.ts declares the fields):
 *
 * - the initial state, hence the packed codec (checker/layout.ts reads the shape off it);
 * - the symmetry permutation of every byte (model/symmetry.ts: a `memcg` field is renamed, a
 *   `page` field too, a group indexed by memcg or page is reordered);
 * - the reset of a path's locals when it returns (model/machine.ts);
 * - the holders of each reference and the pages each charge holder accounts for
 *   (properties/holders.ts), and the pointers that must never dangle (properties/claims.ts);
 * - the per-step diff (report/diff.ts) and the pointers a use-after-free blame lists (report/text.ts).
 *
 * A new field is one declaration; a new kernel path adds its fields with `extendSchema`.
 */
import { hasBranch2 } from './branch2.js';
import { swapOf, swapSlotsOf } from './config.js';
import type { Layout, State } from './state.js';

/** What a number in the state means; the symmetry and the claims read only this. */
export type FieldKind =
  /** A number of things: a refcount, pages, a nesting depth. */
  | 'count'
  /** 0 or 1. */
  | 'flag'
  /** A memcg pointer: memcg index + 1, 0 = NULL. Renamed by the memcg symmetry. */
  | 'memcg'
  /** A struct page pointer: page index + 1, 0 = NULL. Renamed by the page symmetry. */
  | 'page'
  /** A set of page structs, a bit per page. Renamed by the page symmetry. */
  | 'pageMask'
  /** A set of CPUs, a bit per CPU (CPUs are never renamed). */
  | 'cpuMask'
  /** A CPU: index + 1, 0 = none (a lock's holder). */
  | 'cpu'
  /** An enumeration: a program or step number, a loop index, an oops code, branch bits. */
  | 'code';

/** How the per-step diff prints a value. */
export type Format = 'number' | 'ptr' | 'yesno' | 'setclear' | 'queued' | 'offon' | 'cpuMask' | 'holder';

/** One change between two states, in kernel words: `css(A) 3->4`. */
export interface Change {
  readonly what: string;
  readonly from: string;
  readonly to: string;
}

/** How the diff shows a field: a label and a format, or a function of both whole states. */
export type Show =
  | {
      readonly label: (i: number, L: Layout) => string;
      readonly format: Format;
      /** Indices the diff never shows (root's refcount: CSS_NO_REF). */
      readonly hide?: (i: number, L: Layout) => boolean;
    }
  | { readonly change: (L: Layout, a: State, b: State, i: number) => Change | undefined };

export interface Field {
  readonly kind: FieldKind;
  /** The kernel's name for it (`stock->cached`, `css->refcnt`), or what a ghost field records. */
  readonly kernel: string;
  /** Initial value (default 0). */
  readonly init?: (i: number, L: Layout) => number;
  /** A local of the path a CPU runs: zeroed when the path returns. */
  readonly local?: boolean;
  /** Shown in the per-step diff (absent: never shown, e.g. a program counter). */
  readonly show?: Show;
  /** A memcg pointer a use-after-free blame lists when it still names the freed memcg. */
  readonly blame?: (i: number, L: Layout) => string;
}

/**
 * What indexes a group of fields: its length, and whether a symmetry reorders it. The slab
 * domains (model/paths/slab.ts) are empty without `--objects`, so the other scopes keep their
 * bytes: `objcg` is indexed by memcg (the obj_cgroup memcg_online_kmem made for it, reordered with
 * the memcgs), `objcgCpu` by CPU, `object` by slab object slot (slots are not reordered). They
 * are v5.9's (scheme new); v5.8's slab state has its own (model/kmem-cache-state.ts): `kmemCache`
 * by memcg (the per-memcg kmem_cache made for it, reordered likewise), `kmemCacheCpu` by CPU,
 * `slabPage` by slot. Each is empty in the other scheme. The swap domains (model/swap-state.ts)
 * are empty without `--swap`: `swapMemcg` by memcg (reordered with the memcgs), `swapSlot` by swap
 * slot (not reordered), `swapCpu` by CPU, `branch2` one entry (a ghost), `mc` one entry with --move (model/mc-state.ts).
 */
export type Domain =
  | 'memcg'
  | 'page'
  | 'frame'
  | 'cpu'
  | 'global'
  | 'objcg'
  | 'objcgCpu'
  | 'object'
  | 'kmemCache'
  | 'kmemCacheCpu'
  | 'slabPage'
  | 'swapMemcg'
  | 'swapSlot'
  | 'swapCpu'
  | 'branch2'
  | 'mc';

/** A top-level key of the state: an array of records, an array of numbers, or one number. */
export interface Group {
  readonly key: string;
  readonly domain: Domain;
  /** Record fields in order; for an array of numbers or a global, one field named ''. */
  readonly fields: readonly (readonly [string, Field])[];
  readonly record: boolean;
}

/** How many references a holder accounts for, per reference-counting scheme. */
export type Refs = 'one' | 'none' | 'pages';

/**
 * A reference holder that is a memcg pointer field: while the field names memcg m (and `when`
 * holds), it holds refs on m (`one` in NEW: references track pointers; `pages` in OLD: one per
 * charged page) and owes m's page counter `pages`.
 */
export interface PointerHolder {
  /** base, extra, id, child, page, stock, ug, charge, lookup, ... */
  readonly kind: string;
  /** The pointer field: `page` (a group of numbers) or `group.field`, e.g. `stock.cached`. */
  readonly field: string;
  readonly when?: (s: State, i: number) => boolean;
  /** Pages charged that this holder accounts for (absent: none). */
  readonly pages?: (s: State, L: Layout, i: number) => number;
  readonly refs: { readonly old: Refs; readonly new: Refs };
  /** Who, in kernel words: `page P0`, `stock of cpu1 (2 pages)`. */
  readonly who: (s: State, L: Layout, i: number) => string;
  /**
   * no_dangling_pointer: `holding` flags the field naming a freed memcg while it holds a
   * reference, `set` whenever it names one; absent, never (a pointer that is only compared).
   */
  readonly dangling?: 'holding' | 'set';
  /** The claim's text for it, e.g. `page P0->mem_cgroup = A (freed)`. */
  readonly danglingText?: (s: State, L: Layout, i: number) => string;
}

/** A reference a memcg holds by its own lifecycle (base, kill_css extra, ID pin, children). */
export interface OwnHolder {
  readonly kind: string;
  /** The references on memcg m, and who holds them (one entry per child). */
  readonly list: (s: State, L: Layout, m: number) => readonly { who: string; refs: number }[];
  /** The same sum, without building the list (the claim runs on every state). */
  readonly refs: (s: State, L: Layout, m: number) => number;
}

export interface Schema {
  /** The reference-counting scheme of the design this schema is for (designs.ts sets it). */
  readonly scheme?: 'old' | 'new';
  readonly groups: readonly Group[];
  readonly ownHolders: readonly OwnHolder[];
  readonly pointerHolders: readonly PointerHolder[];
}

/** Fields a kernel path adds: to a group's records (appended), or new top-level groups. */
export interface SchemaPart {
  readonly fields?: Readonly<Record<string, Readonly<Record<string, Field>>>>;
  readonly groups?: readonly Group[];
  readonly pointerHolders?: readonly PointerHolder[];
  readonly ownHolders?: readonly OwnHolder[];
}

export function recordGroup(key: string, domain: Domain, fields: Readonly<Record<string, Field>>): Group {
  return { key, domain, record: true, fields: Object.entries(fields) };
}

export function valueGroup(key: string, domain: Domain, field: Field): Group {
  return { key, domain, record: false, fields: [['', field]] };
}

/** The schema with a path's fields added after the existing ones (so the existing bytes keep their place). */
export function extendSchema(base: Schema, part: SchemaPart): Schema {
  const groups = base.groups.map((g) => {
    const extra = part.fields?.[g.key];
    if (!extra) return g;
    if (!g.record) throw new Error(`schema: ${g.key} is not a group of records; it takes no fields`);
    for (const name of Object.keys(extra))
      if (g.fields.some(([n]) => n === name)) throw new Error(`schema: ${g.key}.${name} is declared twice`);
    return { ...g, fields: [...g.fields, ...Object.entries(extra)] };
  });
  for (const key of Object.keys(part.fields ?? {}))
    if (!base.groups.some((g) => g.key === key)) throw new Error(`schema: no group ${key} to add fields to`);
  for (const g of part.groups ?? [])
    if (groups.some((h) => h.key === g.key)) throw new Error(`schema: group ${g.key} is declared twice`);
  return {
    ...(base.scheme ? { scheme: base.scheme } : {}),
    groups: [...groups, ...(part.groups ?? [])],
    ownHolders: [...base.ownHolders, ...(part.ownHolders ?? [])],
    pointerHolders: [...base.pointerHolders, ...(part.pointerHolders ?? [])],
  };
}

/** The number of entries of a domain at these bounds (a global has one). */
export function domainSize(L: Layout, d: Domain): number {
  switch (d) {
    case 'memcg':
      return L.config.memcgs.length;
    case 'page':
      return L.structFrame.length;
    case 'frame':
      return L.config.frames.length;
    case 'cpu':
      return L.config.cpus;
    case 'objcg':
      return L.config.objects && L.scheme === 'new' ? L.config.memcgs.length : 0;
    case 'objcgCpu':
      return L.config.objects && L.scheme === 'new' ? L.config.cpus : 0;
    case 'object':
      return L.scheme === 'new' ? (L.config.objects ?? 0) : 0;
    case 'kmemCache':
      return L.config.objects && L.scheme === 'old' ? L.config.memcgs.length : 0;
    case 'kmemCacheCpu':
      return L.config.objects && L.scheme === 'old' ? L.config.cpus : 0;
    case 'slabPage':
      return L.scheme === 'old' ? (L.config.objects ?? 0) : 0;
    case 'swapMemcg':
      return swapOf(L.config) ? L.config.memcgs.length : 0;
    case 'swapSlot':
      return swapSlotsOf(L.config);
    case 'swapCpu':
      return swapOf(L.config) ? L.config.cpus : 0;
    case 'branch2':
      return hasBranch2(L.config) ? 1 : 0;
    case 'mc':
      return L.config.move ? 1 : 0;
    default:
      return 1;
  }
}

/** The initial value of every field: the template the codec and the symmetry are derived from. */
export function initialValues(schema: Schema, L: Layout): State {
  const out: Record<string, unknown> = {};
  for (const g of schema.groups) {
    const value = (i: number) => {
      if (!g.record) return g.fields[0][1].init?.(i, L) ?? 0;
      return Object.fromEntries(g.fields.map(([name, f]) => [name, f.init?.(i, L) ?? 0]));
    };
    out[g.key] =
      g.domain === 'global' ? value(0) : Array.from({ length: domainSize(L, g.domain) }, (_, i) => value(i));
  }
  return out as unknown as State;
}

/** One leaf of the state in encoding order, with what it is. */
export interface Leaf {
  readonly path: string;
  readonly group: Group;
  /** Index in the group's domain (0 for a global). */
  readonly index: number;
  readonly name: string;
  readonly field: Field;
}

/** The leaves in the order the codec packs them (the template's key order, which is the schema's). */
export function leaves(schema: Schema, L: Layout): Leaf[] {
  const out: Leaf[] = [];
  for (const group of schema.groups) {
    const n = group.domain === 'global' ? 1 : domainSize(L, group.domain);
    for (let index = 0; index < n; index++) {
      for (const [name, field] of group.fields) {
        const at = group.domain === 'global' ? '' : `[${index}]`;
        out.push({ path: `state.${group.key}${at}${name ? `.${name}` : ''}`, group, index, name, field });
      }
    }
  }
  return out;
}

/** A function that zeroes a CPU's path locals (generated: it runs each time a path returns). */
export function localsReset(schema: Schema): (c: Record<string, number>) => void {
  const cpu = schema.groups.find((g) => g.key === 'cpu');
  const names = cpu ? cpu.fields.filter(([, f]) => f.local).map(([n]) => n) : [];
  for (const n of names)
    if (!/^[A-Za-z_$][\w$]*$/.test(n)) throw new Error(`schema: cpu.${n} is not an identifier`);
  return new Function('c', names.map((n) => `c.${n} = 0;`).join('\n')) as (c: Record<string, number>) => void;
}

/** A reader of a pointer holder's field: `(s, i) => s.stock[i].cached` (generated, for the hot claim). */
export function fieldReader(
  schema: Schema,
  path: string,
): { group: Group; read: (s: State, i: number) => number } {
  const [key, name] = path.split('.');
  const group = schema.groups.find((g) => g.key === key);
  if (!group) throw new Error(`schema: no group ${key} (in ${path})`);
  if (group.record !== (name !== undefined) || (name && !group.fields.some(([n]) => n === name)))
    throw new Error(`schema: no field ${path}`);
  if (group.domain === 'global') throw new Error(`schema: ${path} is a global, not a per-index field`);
  const body = name ? `return s.${key}[i].${name};` : `return s.${key}[i];`;
  return { group, read: new Function('s', 'i', body) as (s: State, i: number) => number };
}
