import type { Op, Program } from '../ops.js';
import type { Schema } from '../schema.js';

/**
 * A design is data: the op lists ("blocks") of every step and kernel function, and the programs
 * (kernel paths) that run them, built from the path modules (model/paths/designs.ts). `old` and
 * `new` differ exactly in the blocks §2.3 of the spec lists; a variant is a design with some ops
 * edited.
 */
export interface Design {
  readonly name: string;
  /** Which reference-counting scheme the design claims: the ledger it is checked against. */
  readonly scheme: 'old' | 'new';
  readonly description: string;
  readonly blocks: Readonly<Record<string, readonly Op[]>>;
  readonly programs: readonly Program[];
  /** The state's fields: the model's, and those its paths add (model/schema.ts). */
  readonly schema: Schema;
}
