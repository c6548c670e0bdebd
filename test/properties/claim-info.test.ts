/** The claims' table (`list claims`, --claims) names exactly the model's claims and witnesses, in their order. */
import { describe, expect, it } from 'vitest';
import { scopeByName } from '../../model/config.js';
import { layoutOf } from '../../model/state.js';
import { CLAIMS, WITNESSES } from '../../properties/claim-info.js';
import { invariants, witnesses } from '../../properties/claims.js';

describe.each(['old', 'new'] as const)('%s', (scheme) => {
  it('every claim and witness has its line, in the order checked', () => {
    const L = layoutOf(scopeByName('large')!.config);
    expect(invariants(L, scheme).map((c) => c.name)).toEqual(CLAIMS.map((c) => c.name));
    expect(witnesses(L).map((w) => w.name)).toEqual(WITNESSES.map((w) => w.name));
  });
});
