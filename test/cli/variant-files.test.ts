/**
 * `check --variant FILE`: a user's own variant file. A good file (in .ts and in .mjs) is loaded and
 * checked, so the error cases below cannot pass just because files never load; a bad one is exit 2
 * with a message naming the file and what is wrong with it, never a stack trace.
 */
import { describe, expect, it } from 'vitest';
import { cli, expectUsageError, scratch } from './helpers.js';

const tmp = scratch('variants');

/** K5 written as a user would: the variant API comes in as the argument, no import needed. */
const K5_AGAIN = `export default (api: any) =>
  api.defineVariant({
    name: 'my-k5',
    base: 'new',
    description: 'commit_charge without its css_get',
    edit: (d: any) => d.remove('commit_charge', 'css_get(memcg)'),
  });
`;

describe('a variant file that loads', () => {
  it('.ts exporting a function of the API is checked and named in the report (exit 1: K5 again)', () => {
    const file = tmp.write('my-k5.ts', K5_AGAIN);
    const r = cli(['check', '--variant', file, '--scope', 'tiny', '--quiet']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('design my-k5 (variant of new)');
    expect(r.stdout).toContain('Violated: refcount_ledger');
    expect(r.stdout).toContain(`--variant ${file}`);
  });

  it('.mjs exporting a plain variant object is checked too', () => {
    const file = tmp.write(
      'plain.mjs',
      `export default { name: 'plain', base: 'new', description: 'K5 as an object',
  edit: (d) => d.remove('commit_charge', 'css_get(memcg)') };
`,
    );
    const r = cli(['check', '--variant', file, '--scope', 'tiny', '--quiet']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('design plain (variant of new)');
  });
});

describe('a variant file that is wrong is a usage error naming the file and the fault', () => {
  it('a .js file whose default export is {}', () => {
    const file = tmp.write('empty.js', 'export default {};\n');
    expectUsageError(cli(['check', '--variant', file, '--scope', 'tiny']), file, 'variant name', 'undefined');
  });

  it('a default export that is not an object', () => {
    const file = tmp.write('number.mjs', 'export default 42;\n');
    expectUsageError(cli(['check', '--variant', file, '--scope', 'tiny']), file, 'defineVariant');
  });

  it('no default export at all', () => {
    const file = tmp.write('named.mjs', 'export const variant = {};\n');
    expectUsageError(cli(['check', '--variant', file, '--scope', 'tiny']), file, 'no default export');
  });

  it('a wrong base design', () => {
    const file = tmp.write(
      'base.mjs',
      "export default { name: 'b', base: 'v5.10', description: '', edit: () => {} };\n",
    );
    expectUsageError(cli(['check', '--variant', file, '--scope', 'tiny']), file, 'base', '"v5.10"');
  });

  it('a .ts file with a syntax error: the message says where', () => {
    const file = tmp.write('syntax.ts', "export default { name: 'broken', base: \n");
    expectUsageError(
      cli(['check', '--variant', file, '--scope', 'tiny']),
      file,
      'failed to load',
      /syntax\.ts:\d+:\d+/,
    );
  });

  it('a file that throws while it loads', () => {
    const file = tmp.write('throws.mjs', "throw new Error('boom while loading');\n");
    expectUsageError(cli(['check', '--variant', file, '--scope', 'tiny']), file, 'boom while loading');
  });

  it('a factory function that throws', () => {
    const file = tmp.write('factory.mjs', "export default () => { throw new Error('factory boom'); };\n");
    expectUsageError(cli(['check', '--variant', file, '--scope', 'tiny']), file, 'factory boom');
  });

  it('an edit function that throws something other than a variant error', () => {
    const file = tmp.write(
      'edit-throws.mjs',
      "export default { name: 'et', base: 'new', description: '', edit: () => { throw new TypeError('edit boom'); } };\n",
    );
    expectUsageError(cli(['check', '--variant', file, '--scope', 'tiny']), '"et"', 'edit boom');
  });

  it('a .ts edit removing an op the block does not have: the message names the block and its ops', () => {
    const file = tmp.write(
      'no-such-op.ts',
      K5_AGAIN.replace('my-k5', 'no-such-op').replace("'css_get(memcg)'", "'css_get(nonexistent)'"),
    );
    expectUsageError(
      cli(['check', '--variant', file, '--scope', 'tiny']),
      '"no-such-op"',
      '"commit_charge"',
      '"css_get(nonexistent)"',
      'its ops are:',
      '"css_get(memcg)"',
    );
  });

  it('an edit naming a block that does not exist: the message lists the blocks', () => {
    const file = tmp.write(
      'no-such-block.ts',
      K5_AGAIN.replace('my-k5', 'no-such-block').replace("'commit_charge'", "'commit_charge_typo'"),
    );
    expectUsageError(
      cli(['check', '--variant', file, '--scope', 'tiny']),
      '"commit_charge_typo"',
      'blocks are:',
      'commit_charge,',
    );
  });

  it('the same bad file under replay is the same usage error', () => {
    const file = tmp.write('empty-again.js', 'export default {};\n');
    expectUsageError(cli(['replay', '--variant', file, '--scope', 'tiny', '--path', '0']), file);
  });
});
