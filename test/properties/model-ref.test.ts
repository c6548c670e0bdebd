/**
 * A ModelRef is plain data that `specOf` builds the spec from: it survives structured cloning (what
 * a worker receives), and the spec it builds is the one memcgSpec builds from the same parts.
 */
import { describe, expect, it } from 'vitest';
import { scopeByName } from '../../model/config.js';
import { buildVariant, DESIGNS } from '../../model/variant.js';
import { KNOWN_BUGS } from '../../model/variants/known-bugs.js';
import {
  configOf,
  type ModelRef,
  scopeLabel,
  specOf,
  variantFromModule,
} from '../../properties/model-ref.js';
import { memcgSpec } from '../../properties/spec.js';

const tiny = scopeByName('tiny')!.config;

describe('specOf', () => {
  it('a design at a scope: the spec memcgSpec builds from the scope and the design', async () => {
    const ref: ModelRef = { design: { kind: 'design', name: 'old' }, scope: 'tiny' };
    const spec = await specOf(structuredClone(ref));
    expect(spec.config).toEqual(tiny);
    expect(spec.fingerprint).toBe(memcgSpec(tiny, DESIGNS.old).fingerprint);
  });

  it('a built-in variant with bounds and claims: the variant applied, the bounds over the scope, the claims narrowed', async () => {
    const K5 = KNOWN_BUGS.find((v) => v.name === 'K5')!;
    const ref: ModelRef = {
      design: { kind: 'variant', name: 'K5' },
      scope: 'tiny',
      bounds: { cpus: 1 },
      claims: { only: ['refcount_ledger'] },
    };
    const spec = await specOf(structuredClone(ref));
    const want = memcgSpec({ ...tiny, cpus: 1 }, buildVariant(K5), { only: ['refcount_ledger'] });
    expect(spec.fingerprint).toBe(want.fingerprint);
    expect(spec.invariants.map((c) => c.name)).toEqual(['refcount_ledger']);
    expect(scopeLabel(ref)).toBe('tiny+custom');
    expect(scopeLabel({ scope: 'tiny' })).toBe('tiny');
  });

  it("a user's variant is its module text, evaluated where the spec is built", async () => {
    const module = `export default (api) => api.defineVariant({ name: 'text-only', base: 'new', description: '',
      edit: (d) => d.remove('commit_charge', 'css_get(memcg)') });`;
    const ref: ModelRef = { design: { kind: 'variant-file', file: 'nowhere.mjs', module }, scope: 'tiny' };
    const spec = await specOf(structuredClone(ref));
    expect(spec.design.name).toBe('text-only');
    expect((await variantFromModule(module)).base).toBe('new');
  });

  it('an unknown scope or a built-in variant that does not exist is an error naming the known ones', async () => {
    expect(() => configOf({ scope: 'huge' })).toThrow(/scopes are: tiny, small/);
    await expect(specOf({ design: { kind: 'variant', name: 'K10' }, scope: 'tiny' })).rejects.toThrow(
      /built-ins are: K2/,
    );
  });
});
