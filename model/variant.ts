/**
 * Variants: a design with named ops edited. This is the public API a kernel developer uses to model
 * their own patch (see docs/variants.md); the built-in known bugs (K2-K5, K7-K9) use it too.
 *
 * Every op lives in a named block (a step or a kernel function: `drain_stock`, `commit_charge`,
 * `mem_cgroup_split_huge_fixup`, ...) under a unique name in kernel words (`css_put(old)`).
 * `memcg-check list ops` prints them all.
 */
import { newDesign } from './design/new.js';
import { oldDesign } from './design/old.js';
import type { Design } from './design/types.js';
import * as kernel from './kernel.js';
import * as kmemCache from './kmem-cache.js';
import * as objcg from './objcg.js';
import { type Ctx, call, END, type Op, op, type Program, type Step } from './ops.js';
import { Oops } from './state.js';
import * as swap from './swap.js';

export class VariantError extends Error {
  override name = 'VariantError';
}

export type Expectation = 'verified' | { readonly violated: string };

export interface VariantDef {
  /** Short name, e.g. `K2` or `my-patch`. */
  readonly name: string;
  /** The design it starts from. */
  readonly base: 'old' | 'new';
  /** One line: what changed and what it should break. */
  readonly description: string;
  /** What checking it must give (used by the proof gates); optional for your own variants. */
  readonly expect?: Expectation;
  /** The changes, applied in order. */
  readonly edit: (d: DesignEditor) => void;
}

/** Where to put an op relative to another op of the same block. */
export type Position = { readonly before: string } | { readonly after: string } | 'start' | 'end';

export class DesignEditor {
  private readonly blocks: Record<string, Op[]>;
  private programs: Program[];

  constructor(private readonly base: Design) {
    this.blocks = Object.fromEntries(Object.entries(base.blocks).map(([k, v]) => [k, [...v]]));
    this.programs = base.programs.map((p) => ({ ...p, steps: [...p.steps] }));
  }

  /** Names of all blocks, and of the ops in one block. */
  blockNames(): string[] {
    return Object.keys(this.blocks);
  }
  opNames(block: string): string[] {
    return this.block(block).map((o) => o.name);
  }

  /** Remove an op (a get or put dropped, a pointer no longer set). */
  remove(block: string, name: string): this {
    const ops = this.block(block);
    ops.splice(this.index(block, name), 1);
    return this;
  }

  /** Replace an op by another (e.g. css_put by css_put_many). */
  replace(block: string, name: string, by: Op): this {
    const ops = this.block(block);
    ops[this.index(block, name)] = this.checkOp(by);
    return this;
  }

  /** Insert a new op (a get or put added). */
  insert(block: string, at: Position, added: Op): this {
    const ops = this.block(block);
    this.checkOp(added);
    if (ops.some((o) => o.name === added.name)) {
      throw new VariantError(
        `block "${block}" already has an op named "${added.name}"; give the new op another name`,
      );
    }
    ops.splice(this.position(block, at), 0, added);
    return this;
  }

  /** Make an op conditional: it runs only when `cond` holds at that point. */
  when(block: string, name: string, condName: string, cond: (x: Ctx) => boolean): this {
    const ops = this.block(block);
    const i = this.index(block, name);
    const inner = ops[i];
    if (typeof cond !== 'function')
      throw new VariantError(`when(${block}, ${name}): the condition must be a function`);
    ops[i] = op(`if (${condName}) ${inner.name}`, (x) => {
      if (cond(x)) inner.run(x);
    });
    return this;
  }

  /** Move an op to another place, in the same block or another one. */
  move(block: string, name: string, toBlock: string, at: Position): this {
    const moved = this.block(block)[this.index(block, name)];
    this.remove(block, name);
    return this.insert(toBlock, at, moved);
  }

  /**
   * Split a step in two after op `after`: the ops that follow it become a new step named
   * `newStep`, run as a separate atomic step (so other CPUs can interleave in between).
   */
  split(step: string, after: string, newStep: string): this {
    const ops = this.block(step);
    if (this.blocks[newStep]) throw new VariantError(`split: a block named "${newStep}" already exists`);
    const users = this.programs.filter((p) => p.slot && p.steps.some((s) => s.name === step));
    if (users.length === 0) {
      throw new VariantError(
        `split: "${step}" is not a step of a multi-step kernel path (only steps of ${this.programs
          .filter((p) => p.slot)
          .map((p) => p.name)
          .join(', ')} can be split; functions and single-step events cannot)`,
      );
    }
    const i = this.index(step, after);
    if (i === ops.length - 1) {
      throw new VariantError(
        `split: "${after}" is the last op of "${step}"; there is nothing to move into a second step`,
      );
    }
    this.blocks[newStep] = ops.splice(i + 1);
    this.programs = this.programs.map((p) => {
      const k = p.steps.findIndex((s) => s.name === step);
      if (k < 0) return p;
      const tail: Step = {
        name: newStep,
        doc: `second half of ${step}, split after "${after}" by a variant`,
      };
      const steps = [...p.steps];
      steps.splice(k + 1, 0, tail);
      return { ...p, steps };
    });
    return this;
  }

  build(name: string, description: string): Design {
    return {
      name,
      scheme: this.base.scheme,
      description,
      blocks: this.blocks,
      programs: this.programs,
      schema: this.base.schema,
    };
  }

  private block(name: string): Op[] {
    const ops = this.blocks[name];
    if (!ops) {
      throw new VariantError(`no block named "${name}"; blocks are: ${Object.keys(this.blocks).join(', ')}`);
    }
    return ops;
  }

  private index(block: string, name: string): number {
    const i = this.block(block).findIndex((o) => o.name === name);
    if (i < 0) {
      throw new VariantError(
        `block "${block}" has no op named "${name}"; its ops are: ${this.block(block)
          .map((o) => JSON.stringify(o.name))
          .join(', ')}`,
      );
    }
    return i;
  }

  private position(block: string, at: Position): number {
    if (at === 'start') return 0;
    if (at === 'end') return this.block(block).length;
    if (typeof at === 'object' && at !== null && 'before' in at) return this.index(block, at.before);
    if (typeof at === 'object' && at !== null && 'after' in at) return this.index(block, at.after) + 1;
    throw new VariantError(
      `position must be 'start', 'end', { before: op } or { after: op }, got ${JSON.stringify(at)}`,
    );
  }

  private checkOp(o: Op): Op {
    if (!o || typeof o.name !== 'string' || typeof o.run !== 'function') {
      throw new VariantError('an op must be made with op(name, run), e.g. op("css_get(memcg)", (x) => ...)');
    }
    return o;
  }
}

export const DESIGNS: Readonly<Record<'old' | 'new', Design>> = { old: oldDesign, new: newDesign };

/** Applies a variant to its base design; any misuse is a VariantError saying what to fix. */
export function buildVariant(def: VariantDef): Design {
  validateVariant(def);
  const editor = new DesignEditor(DESIGNS[def.base]);
  try {
    def.edit(editor);
  } catch (e) {
    if (e instanceof VariantError) throw new VariantError(`variant "${def.name}": ${e.message}`);
    throw new VariantError(
      `variant "${def.name}": its edit function threw: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  return editor.build(def.name, def.description);
}

export function validateVariant(def: unknown): asserts def is VariantDef {
  const d = def as Partial<VariantDef> | null;
  if (!d || typeof d !== 'object')
    throw new VariantError('a variant must be an object made with defineVariant({...})');
  if (typeof d.name !== 'string' || !/^[\w.-]+$/.test(d.name)) {
    throw new VariantError(
      `variant name must be letters, digits, "-", "_" or "."; got ${JSON.stringify(d.name)}`,
    );
  }
  if (d.base !== 'old' && d.base !== 'new') {
    throw new VariantError(`variant "${d.name}": base must be "old" or "new"; got ${JSON.stringify(d.base)}`);
  }
  if (typeof d.description !== 'string')
    throw new VariantError(`variant "${d.name}": description must be a string`);
  if (typeof d.edit !== 'function')
    throw new VariantError(`variant "${d.name}": edit must be a function (d) => { ... }`);
  const e = d.expect;
  if (
    e !== undefined &&
    e !== 'verified' &&
    !(typeof e === 'object' && e && typeof e.violated === 'string')
  ) {
    throw new VariantError(`variant "${d.name}": expect must be "verified" or { violated: "<claim>" }`);
  }
}

/** Identity helper for typing a variant in its own file. */
export function defineVariant(def: VariantDef): VariantDef {
  return def;
}

/** What a variant file receives when it exports a function instead of a variant object. */
export const variantApi = { defineVariant, op, call, kernel, objcg, kmemCache, swap, END, Oops } as const;
export type VariantApi = typeof variantApi;
export { call, END, kernel, kmemCache, Oops, objcg, op, swap };
