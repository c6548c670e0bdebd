/** The machine-ceiling benchmark's arithmetic and text (the runs themselves are timed, so not here). */
import { describe, expect, it } from 'vitest';
import { ceilingOf, renderCeiling } from '../../bench/machine-ceiling.js';

describe('machine ceiling', () => {
  it('is two runs of work in the time of the slower of the two at once, over one alone', () => {
    // Perfect sharing: two at once take as long as one alone.
    expect(ceilingOf({ alone: 10, together: [10, 10] })).toBe(2);
    // No sharing at all: each takes twice as long.
    expect(ceilingOf({ alone: 10, together: [20, 19] })).toBe(1);
    // A run of 2026-12-02 (BENCHMARKS.md): 22.41 s alone, 22.58 and 22.77 s at once.
    expect(ceilingOf({ alone: 22.41, together: [22.58, 22.77] })).toBeCloseTo(1.968, 3);
  });

  it('says what ran and what 2.00x would mean', () => {
    const text = renderCeiling({ scope: 'tiny', design: 'new' }, { alone: 14.1, together: [18.4, 19.4] });
    expect(text).toContain('check --design new --scope tiny --workers 1, one process alone: 14.10 s');
    expect(text).toContain('two such processes at once: 18.40 s and 19.40 s');
    expect(text).toContain('1.45x one (2.00x would be perfect)');
  });
});
