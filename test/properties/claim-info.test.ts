/** The claims' table (`list claims`, --claims) names exactly the model's claims and witnesses, in their order. */
import { describe, expect, it } from 'vitest';
import { scopeByName } from '../../model/config.js';
import { layoutOf } from '../../model/state.js';
import { DESIGNS } from '../../model/variant.js';
import { CLAIMS, WITNESSES } from '../../properties/claim-info.js';
import { invariants, witnesses } from '../../properties/claims.js';

// A scope has the witnesses of its bounds: `large` those of THPs and two memcgs, `kmem-split`
// those of kernel pages and split_page, `slab` those of slab objects. Together they have every witness.
const SCOPES = ['large', 'kmem-split', 'slab'] as const;

describe.each(['old', 'new'] as const)('%s', (scheme) => {
  it('every claim has its line, and the witnesses are in the table’s order', () => {
    const all = WITNESSES.map((w) => w.name);
    for (const name of SCOPES) {
      const L = layoutOf(scopeByName(name)!.config, DESIGNS[scheme].schema);
      expect(invariants(L, scheme).map((c) => c.name)).toEqual(CLAIMS.map((c) => c.name));
      const here = witnesses(L, scheme, DESIGNS[scheme].programs).map((w) => w.name);
      // In the table's order: the table filtered to this scope's witnesses.
      expect(here).toEqual(all.filter((n) => here.includes(n)));
    }
  });
});

it('the two designs at these scopes have every witness of the table (the slab ones are per design)', () => {
  const seen = new Set<string>();
  for (const scheme of ['old', 'new'] as const)
    for (const name of SCOPES) {
      const L = layoutOf(scopeByName(name)!.config, DESIGNS[scheme].schema);
      for (const w of witnesses(L, scheme, DESIGNS[scheme].programs)) seen.add(w.name);
    }
  expect([...seen].sort()).toEqual(WITNESSES.map((w) => w.name).sort());
});
