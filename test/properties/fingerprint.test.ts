/**
 * memcgSpec's fingerprint (what a checkpoint must match to resume): the same model gives the same
 * one, any change of bounds, design, variant or op code gives another.
 */
import { describe, expect, it } from 'vitest';
import { scopeByName } from '../../model/config.js';
import { buildVariant, DESIGNS } from '../../model/variant.js';
import { K5 } from '../../model/variants/known-bugs.js';
import { memcgSpec } from '../../properties/spec.js';

const tiny = scopeByName('tiny')!.config;

describe('memcgSpec fingerprint', () => {
  it('is 16 hex digits, and the same for the same model built twice', () => {
    const a = memcgSpec(tiny, DESIGNS.new).fingerprint;
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(memcgSpec({ ...tiny }, DESIGNS.new).fingerprint).toBe(a);
  });

  it('differs with the bounds, the design, a variant, and one op code change under the same names', () => {
    const base = memcgSpec(tiny, DESIGNS.new).fingerprint;
    const others = [
      memcgSpec({ ...tiny, drainAll: !tiny.drainAll }, DESIGNS.new).fingerprint,
      memcgSpec({ ...tiny, batch: tiny.batch + 1 }, DESIGNS.new).fingerprint,
      memcgSpec(tiny, DESIGNS.old).fingerprint,
      memcgSpec(tiny, buildVariant(K5)).fingerprint,
    ];
    // A design named "new" whose first op does something else: same names, other code.
    const [block, ops] = Object.entries(DESIGNS.new.blocks).find(([, o]) => o.length > 0)!;
    const edited = {
      ...DESIGNS.new,
      blocks: { ...DESIGNS.new.blocks, [block]: [{ name: ops[0].name, run: () => {} }, ...ops.slice(1)] },
    };
    others.push(memcgSpec(tiny, edited).fingerprint);
    expect(new Set([base, ...others]).size).toBe(others.length + 1);
  });
});
