/**
 * Steps and functions are lists of named micro-operations ("ops"): this is what makes designs and
 * variants data. A variant addresses an op by its block and name (`drain_stock`, `css_put(old)`)
 * and removes, replaces, moves or guards it, or splits a step in two after it.
 */
import type { Layout, ReadonlyState, State } from './state.js';

/** The frame an op runs in: the draft state plus the locals of the running block. */
export interface Ctx {
  readonly L: Layout;
  /** The state being changed (an immer draft, or the explorer's scratch copy). */
  readonly s: State;
  /** The CPU running the step (for events that run on a CPU, that CPU; else -1). */
  cpu: number;
  /**
   * The CPU whose path runs the step (a slot path's CPU; -1 for an event): an op that switches `cpu`
   * to another CPU's stock (try_charge's refill on a CPU the task migrated to) keeps the task's
   * locals here (kernel.ts's get_with_reference backings read them).
   */
  task: number;
  /** The step's chosen argument (a page struct, frame, memcg or CPU index), -1 if none. */
  arg: number;
  /** Function arguments: a memcg index, a page count, a stock's CPU, drain_stock's `old`. */
  m: number;
  n: number;
  st: number;
  old: number;
  /** try_charge's `batch`, set by its batch-charge op (max(MEMCG_CHARGE_BATCH, nr_pages), or nr_pages). */
  batch: number;
  /** Function result (consume_stock's bool). */
  ret: boolean;
  /** Set by an op: leave the current block early (a `return` in the kernel function). */
  stop: boolean;
  /** Set by an op: the name of the step to run next, or END to finish the program. */
  jump: string | null;
  /** The op lists of the design, for `call`. */
  readonly blocks: Readonly<Record<string, readonly Op[]>>;
}

export const END = '<end>';

/** The running CPU's locals (a slot path's `struct` of locals). */
export const me = (x: { readonly s: State; readonly cpu: number }) => x.s.cpu[x.cpu];

export interface Op {
  /** Kernel-words name, unique within its block, e.g. `css_put(old)`. */
  readonly name: string;
  readonly run: (x: Ctx) => void;
}

export function op(name: string, run: (x: Ctx) => void): Op {
  return { name, run };
}

/**
 * An op threw (a bug in a variant's own code, e.g. a field read through an index out of range):
 * names the block, the op and the CPU, innermost first, so the user knows which line of the
 * variant to look at. The explorer adds the state it threw from and a replay path.
 */
export class OpError extends Error {
  override name = 'OpError';
  constructor(
    readonly block: string,
    readonly op: string,
    readonly cpu: number,
    readonly reason: unknown,
  ) {
    const why = reason instanceof Error ? reason.message : String(reason);
    super(
      `op "${op}" of block "${block}" ${cpu >= 0 ? `on cpu${cpu}` : '(an event, on no CPU)'} threw: ${why}`,
    );
  }
}

/** Runs a block's ops in order until one sets `stop` (a `return`). */
export function runBlock(x: Ctx, ops: readonly Op[], block: string): void {
  for (let i = 0; i < ops.length; i++) {
    try {
      ops[i].run(x);
    } catch (e) {
      throw e instanceof OpError ? e : new OpError(block, ops[i].name, x.cpu, e);
    }
    if (x.stop) break;
  }
}

/**
 * Calls a function block with its own arguments; the caller's arguments are restored after, so
 * nested calls (refill_stock → drain_stock) do not clobber each other.
 */
export function call(x: Ctx, name: string, args: { m?: number; n?: number; st?: number }): boolean {
  const m = x.m;
  const n = x.n;
  const st = x.st;
  const old = x.old;
  x.m = args.m ?? x.m;
  x.n = args.n ?? x.n;
  x.st = args.st ?? x.st;
  x.old = -1;
  x.ret = false;
  const ops = x.blocks[name];
  if (!ops) throw new Error(`design has no function "${name}"`);
  runBlock(x, ops, name);
  x.stop = false;
  x.m = m;
  x.n = n;
  x.st = st;
  x.old = old;
  return x.ret;
}

/** A step of a program: one kernel critical section, run atomically. */
export interface Step {
  /** Name of the block of ops the step runs (the kernel function or section). */
  readonly name: string;
  /** The kernel function(s) the step abstracts and why it is one atomic step. */
  readonly doc: string;
  /** The enabled arguments (guard); absent means one action with no argument. */
  readonly choices?: (s: ReadonlyState, L: Layout, cpu: number) => readonly number[];
  /** When at this step, the named step is enabled too (a loop the caller decides when to leave). */
  readonly orElse?: string;
  /** How to print the argument, e.g. a page or memcg name. */
  readonly argName?: (arg: number, L: Layout) => string;
  /**
   * The step exists only at bounds where this holds (e.g. try_charge's retry after a reclaim
   * drain, when the reclaim path is on): elsewhere it is not expected to fire (coverage).
   */
  readonly onlyIf?: (config: Layout['config'], L: Layout) => boolean;
}

/** A kernel path. `slot` paths occupy their CPU across steps; events are a single atomic step. */
export interface Program {
  readonly name: string;
  readonly slot: boolean;
  /** For an event: it runs on the CPU its argument names (a per-CPU work item). */
  readonly cpuFromArg?: boolean;
  readonly steps: readonly Step[];
}
