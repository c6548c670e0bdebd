/** `memcg-check list [what]`: exit 0 and prints what it says; nothing on stderr. */
import { describe, expect, it } from 'vitest';
import { cli } from './helpers.js';

function list(...what: string[]): string {
  const r = cli(['list', ...what]);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stderr).toBe('');
  return r.stdout;
}

describe('list', () => {
  it('with no argument lists designs, variants, scopes and claims', () => {
    const out = list();
    for (const heading of ['Designs:', 'Variants', 'Scopes:', 'Claims (always', 'Witnesses'])
      expect(out).toContain(heading);
    expect(out).toMatch(/^ {2}old\s+v5\.8/m);
    expect(out).toMatch(/^ {2}new\s+v5\.9/m);
    expect(out).toMatch(/^ {2}tiny\s/m);
    expect(out).toMatch(/^ {2}refcount_ledger \[ledger\]$/m);
    expect(out).toMatch(/^ {2}no_use_after_free \[operational\]$/m);
  });

  it('variants lists only the built-in variants, each with its base design', () => {
    const out = list('variants');
    expect(out).not.toContain('Designs:');
    expect(out).not.toContain('Scopes:');
    for (const [k, base] of [
      ['K2', 'new'],
      ['K5', 'new'],
      ['K7', 'old'],
      ['K9', 'new'],
    ])
      expect(out).toMatch(new RegExp(`^ {2}${k}\\s+from ${base}: \\S`, 'm'));
  });

  it('ops lists the blocks and op names of both designs, the names a variant file edits', () => {
    const out = list('ops');
    expect(out).toContain('Blocks and ops of design old');
    expect(out).toContain('Blocks and ops of design new');
    // K5 removes this op of this block; a user writing a variant copies both names from here.
    expect(out).toMatch(/^ {2}commit_charge\b.*\n {6}css_get\(memcg\)$/m);
  });

  it('each single heading prints only itself', () => {
    expect(list('designs').trim().split('\n')[0]).toBe('Designs:');
    expect(list('scopes').trim().split('\n')[0]).toBe('Scopes:');
    expect(list('claims').trim().split('\n')[0]).toBe(
      'Claims (always; --claims and --skip-claims choose which a run checks):',
    );
    expect(list('witnesses').trim().split('\n')[0]).toMatch(/^Witnesses \(sometimes/);
  });
});
