/** The claims' table (`list claims`, --claims) names exactly the model's claims and witnesses, in their order. */
import { describe, expect, it } from 'vitest';
import { scopeByName } from '../../model/config.js';
import { layoutOf } from '../../model/state.js';
import { CLAIMS, WITNESSES } from '../../properties/claim-info.js';
import { invariants, witnesses } from '../../properties/claims.js';

// A scope has the witnesses of its bounds: `large` those of THPs and two memcgs, `kmem-split`
// those of kernel pages and split_page, `slab` those of slab objects. Together they have every witness.
const SCOPES = ['large', 'kmem-split', 'slab'] as const;

describe.each(['old', 'new'] as const)('%s', (scheme) => {
  it('every claim and witness has its line, in the order checked', () => {
    const all = WITNESSES.map((w) => w.name);
    const seen = new Set<string>();
    for (const name of SCOPES) {
      const L = layoutOf(scopeByName(name)!.config);
      expect(invariants(L, scheme).map((c) => c.name)).toEqual(CLAIMS.map((c) => c.name));
      const here = witnesses(L, scheme).map((w) => w.name);
      // In the table's order: the table filtered to this scope's witnesses.
      expect(here).toEqual(all.filter((n) => here.includes(n)));
      for (const n of here) seen.add(n);
    }
    expect([...seen].sort()).toEqual([...all].sort());
  });
});
