/**
 * Next: the enabled actions of a state and their effect. An action runs one step of a program:
 * the entry step of a kernel path on an idle CPU, the next step of the path a CPU is in, or a
 * single-step event (split, rmdir, a work item, release, free). Actions are plain data.
 */
import { produce } from 'immer';
import type { Design } from './design/types.js';
import { rcuReadUnlock } from './kernel.js';
import { memcgName } from './names.js';
import { type Ctx, END, type Program, runBlock, type Step } from './ops.js';
import { localsReset } from './schema.js';
import type { Cpu, Layout, State } from './state.js';

export interface MemcgAction {
  /** The step's name: the kernel function or section it runs (also its kind for coverage). */
  readonly kind: string;
  /** Program index and step index in the design. */
  readonly prog: number;
  readonly step: number;
  /** CPU running it (-1 for events not bound to a CPU). */
  readonly cpu: number;
  /**
   * The CPU whose code runs the step, for reports: `cpu`, or the CPU a work item runs on (its
   * argument: drain_local_stock on the stock's CPU); -1 for the cgroup core and RCU.
   */
  readonly onCpu: number;
  /** The chosen argument (page, frame, memcg, CPU), -1 if none. */
  readonly arg: number;
}

export class DesignError extends Error {
  override name = 'DesignError';
}

interface MutableCtx extends Omit<Ctx, 's'> {
  s: State;
}

export class Machine {
  private readonly x: MutableCtx;
  private readonly stepIndex: Map<string, number>[];
  private readonly sharedSteps: Set<string>;
  /** Zeroes a CPU's path locals (the schema's `local` fields of the cpu group). */
  private readonly resetLocals: (c: Cpu) => void;

  constructor(
    readonly L: Layout,
    readonly design: Design,
  ) {
    this.resetLocals = localsReset(L.schema) as unknown as (c: Cpu) => void;
    this.stepIndex = design.programs.map((p) => new Map(p.steps.map((st, i) => [st.name, i])));
    const owners = new Map<string, number>();
    for (const p of design.programs)
      for (const st of p.steps) owners.set(st.name, (owners.get(st.name) ?? 0) + 1);
    this.sharedSteps = new Set([...owners].filter(([, n]) => n > 1).map(([name]) => name));
    for (const p of design.programs) {
      for (const st of p.steps) {
        if (!design.blocks[st.name])
          throw new DesignError(`program ${p.name}: step "${st.name}" has no block of ops`);
      }
    }
    this.x = {
      L,
      s: undefined as unknown as State,
      cpu: -1,
      task: -1,
      arg: -1,
      m: -1,
      n: -1,
      st: -1,
      old: -1,
      batch: -1,
      ret: false,
      stop: false,
      jump: null,
      blocks: design.blocks,
    };
  }

  /** Every step name of the design, for coverage. */
  actionKinds(): string[] {
    const present = (st: Step) => !st.onlyIf || st.onlyIf(this.L.config, this.L);
    return [...new Set(this.design.programs.flatMap((p) => p.steps.filter(present).map((s) => s.name)))];
  }

  actions(s: State): MemcgAction[] {
    const out: MemcgAction[] = [];
    const { programs } = this.design;
    for (let cpu = 0; cpu < s.cpu.length; cpu++) {
      const c = s.cpu[cpu];
      if (c.op !== 0) {
        const prog = programs[c.op - 1];
        this.push(out, s, c.op - 1, c.pc, prog.steps[c.pc], cpu);
        const alt = prog.steps[c.pc].orElse;
        if (alt !== undefined) {
          const i = this.indexOf(c.op - 1, alt);
          this.push(out, s, c.op - 1, i, prog.steps[i], cpu);
        }
      } else {
        for (let p = 0; p < programs.length; p++) {
          if (programs[p].slot) this.push(out, s, p, 0, programs[p].steps[0], cpu);
        }
      }
    }
    for (let p = 0; p < programs.length; p++) {
      if (!programs[p].slot) this.push(out, s, p, 0, programs[p].steps[0], -1);
    }
    return out;
  }

  private push(out: MemcgAction[], s: State, prog: number, step: number, st: Step, cpu: number): void {
    const fromArg = this.design.programs[prog].cpuFromArg === true;
    if (!st.choices) {
      out.push({ kind: st.name, prog, step, cpu, arg: -1, onCpu: fromArg ? -1 : cpu });
      return;
    }
    for (const arg of st.choices(s, this.L, cpu))
      out.push({ kind: st.name, prog, step, cpu, arg, onCpu: fromArg ? arg : cpu });
  }

  private indexOf(prog: number, name: string): number {
    const after = name.startsWith('+');
    const i = this.stepIndex[prog].get(after ? name.slice(1) : name);
    if (i === undefined) {
      throw new DesignError(
        `program ${this.design.programs[prog].name} has no step "${name.replace(/^\+/, '')}"`,
      );
    }
    return after ? i + 1 : i;
  }

  /** The effect, in place: on an immer draft (reference path) or on a scratch copy (fast path). */
  apply(s: State, a: MemcgAction): void {
    const prog: Program = this.design.programs[a.prog];
    const x = this.x;
    x.s = s;
    x.cpu = prog.slot ? a.cpu : prog.cpuFromArg ? a.arg : -1;
    // The path whose locals back a get: a slot path's CPU; none for an event (a work item on a CPU
    // holds no lookup of its own).
    x.task = prog.slot ? a.cpu : -1;
    x.arg = a.arg;
    x.m = x.n = x.st = x.old = x.batch = -1;
    x.ret = false;
    x.stop = false;
    x.jump = null;
    s.branch = 0;
    if (s.branch2.length > 0) s.branch2[0] = 0;
    if (prog.slot && s.cpu[a.cpu].op === 0) {
      s.cpu[a.cpu].op = a.prog + 1;
      s.cpu[a.cpu].pc = 0;
    }
    const block = prog.steps[a.step].name;
    runBlock(x as Ctx, this.design.blocks[block], block);
    if (!prog.slot) return;
    const c = s.cpu[a.cpu];
    const next =
      x.jump === END ? prog.steps.length : x.jump !== null ? this.indexOf(a.prog, x.jump) : a.step + 1;
    if (next < prog.steps.length) {
      c.pc = next;
      return;
    }
    // The path returns: its locals go out of scope (a path that ends inside an RCU section or with
    // preemption off is unwound; a lock it still holds stays held, as in the kernel).
    if (c.rcu) {
      c.rcu = 1;
      rcuReadUnlock(x as Ctx);
    }
    this.resetLocals(c);
  }

  next(s: State, a: MemcgAction): State {
    return produce(s, (d) => {
      this.apply(d as State, a);
    });
  }

  label(a: MemcgAction): string {
    const prog = this.design.programs[a.prog];
    const st = prog.steps[a.step];
    const arg = a.arg >= 0 ? (st.argName ? st.argName(a.arg, this.L) : String(a.arg)) : '';
    if (prog.cpuFromArg) return `cpu${a.arg} ${st.name}`;
    const who = prog.slot ? `cpu${a.cpu} ` : '';
    // A step several paths share names its path where the path starts (css offline vs a write to memory.max).
    if (a.step === 0 && this.sharedSteps.has(st.name)) return `${who}${prog.name}(${arg}) → ${st.name}`;
    return `${who}${st.name}${arg ? `(${arg})` : ''}`;
  }

  memcgName(m: number): string {
    return memcgName(this.L, m);
  }
}
