/**
 * `check --junit FILE` and `check --markdown FILE`. The JUnit file must be well-formed XML (fast-xml-
 * parser's XMLValidator) with the JUnit structure: <testsuites> holding one <testsuite> of
 * <testcase name classname time>, whose tests/failures/errors/skipped counts agree with the cases,
 * each case passed, failed (<failure message>) or skipped (<skipped message>). The cases are the
 * claims then the witnesses, named as `memcg-check list claims` names them; which of them fail or are
 * skipped is what docs/output.md ("JUnit") says, run by run: violated, verified, vacuous, incomplete.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { cli, expectUsageError, scratch } from '../cli/helpers.js';

const tmp = scratch('junit');

interface Case {
  readonly name: string;
  readonly classname: string;
  readonly time: string;
  readonly failure?: { readonly message: string; readonly text: string };
  readonly skipped?: { readonly message: string };
}

/**
 * Claims and witnesses as `list --scope tiny --format json` gives them (a source independent of the
 * report code; some witnesses exist only at scopes with two memcgs, so the scope of the runs).
 */
function listedClaims(): { claims: string[]; witnesses: string[] } {
  const listed = JSON.parse(cli(['list', '--scope', 'tiny', '--format', 'json']).stdout) as {
    claims: { name: string }[];
    witnesses: { name: string }[];
  };
  return { claims: listed.claims.map((c) => c.name), witnesses: listed.witnesses.map((w) => w.name) };
}

/** Parses a JUnit file, checks its structure and counts, and returns its cases. */
function junitCases(file: string): Case[] {
  const xml = readFileSync(file, 'utf8');
  expect(XMLValidator.validate(xml)).toBe(true);
  const doc = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    textNodeName: 'text',
    parseAttributeValue: false,
    isArray: (name) => ['testsuite', 'testcase'].includes(name),
  }).parse(xml);
  expect(Object.keys(doc).filter((k) => k !== '?xml')).toEqual(['testsuites']);
  const suites = doc.testsuites.testsuite as Record<string, unknown>[];
  expect(suites).toHaveLength(1);
  const suite = suites[0];
  const cases = ((suite.testcase as Record<string, unknown>[]) ?? []).map((c) => ({
    ...c,
    // fast-xml-parser gives an element with only attributes as an object, and an empty one as "".
    ...(c.failure !== undefined ? { failure: c.failure as Case['failure'] } : {}),
    ...(c.skipped !== undefined ? { skipped: c.skipped as Case['skipped'] } : {}),
  })) as Case[];
  const counts = {
    tests: String(cases.length),
    failures: String(cases.filter((c) => c.failure).length),
    errors: '0',
    skipped: String(cases.filter((c) => c.skipped).length),
  };
  expect(suite).toMatchObject(counts);
  expect(doc.testsuites).toMatchObject(counts);
  for (const c of cases) {
    expect(c.name).toMatch(/^\w+$/);
    expect(c.classname).toMatch(/^memcg-check\.\S+\.(claim|witness)$/);
    expect(Number(c.time)).toBeGreaterThanOrEqual(0);
    expect(c.failure && c.skipped).toBeFalsy();
    if (c.failure) expect(c.failure.message).not.toBe('');
    if (c.skipped) expect(c.skipped.message).not.toBe('');
  }
  return cases;
}

function run(args: string, code: number, name: string): { cases: Case[]; md: string } {
  const junit = join(tmp.dir, `${name}.xml`);
  const md = join(tmp.dir, `${name}.md`);
  const r = cli(['check', ...args.split(' '), '--quiet', '--junit', junit, '--markdown', md]);
  expect(r.code, r.stderr).toBe(code);
  return { cases: junitCases(junit), md: readFileSync(md, 'utf8') };
}

const { claims, witnesses } = listedClaims();
const names = (cs: readonly Case[]) => cs.map((c) => c.name);

describe('check --junit: a case per claim and per witness', () => {
  it('the claims and witnesses of `list claims`, claims first', () => {
    expect(claims.length).toBeGreaterThan(5);
    expect(witnesses.length).toBeGreaterThan(5);
    const { cases } = run('--variant K9 --scope tiny', 1, 'names');
    expect(names(cases)).toEqual([...claims, ...witnesses]);
    expect(cases.filter((c) => c.classname === 'memcg-check.K9.tiny.claim').map((c) => c.name)).toEqual(
      claims,
    );
    expect(cases.filter((c) => c.classname === 'memcg-check.K9.tiny.witness').map((c) => c.name)).toEqual(
      witnesses,
    );
  });

  it('violated (K9): the violated claim fails with its message and the text report; the rest is skipped', () => {
    const { cases, md } = run('--variant K9 --scope tiny', 1, 'k9');
    const failed = cases.filter((c) => c.failure);
    expect(names(failed)).toEqual(['refcount_ledger']);
    expect(failed[0].failure!.message).toMatch(/^refcount_ledger: A: refcount 6, holders 4 /);
    expect(failed[0].failure!.text).toContain('Shortest counterexample (2 steps):');
    expect(failed[0].failure!.text).toContain('css(A) 3->6'); // entities decoded back: the XML escaped "->"
    expect(failed[0].failure!.text).toContain(
      'Replay: memcg-check replay --variant K9 --scope tiny --path 0/1/0',
    );
    const skipped = cases.filter((c) => c.skipped);
    expect(skipped).toHaveLength(cases.length - 1);
    for (const c of skipped)
      expect(c.skipped!.message).toBe('not checked to completion: the run stopped at the first violation');

    expect(md).toMatch(/^## memcg-check check: design K9 \(variant of new\), scope tiny\n/);
    expect(md).toContain('| K9 at tiny | violated: refcount_ledger | violated: refcount_ledger | 18 | 2 |');
    expect(md).toContain('```mermaid\nsequenceDiagram\n');
    expect(md).toContain('Note over cpu0: 2. try_charge: ');
    expect(md).toContain('Note over kernel: violated refcount_ledger');
  });

  it('verified with every witness reached: every case passes', () => {
    const { cases, md } = run('--design new --scope tiny --pages thp:2', 0, 'verified');
    expect(cases).toHaveLength(claims.length + witnesses.length);
    expect(cases.filter((c) => c.failure || c.skipped)).toEqual([]);
    expect(md).toMatch(
      /\| new at tiny\+custom \| verified \| verified \| [\d,]+ \| \d+ \| [\d.]+ s \| ok \|/,
    );
    expect(md).not.toContain('mermaid');
  });

  it('vacuous: each witness never reached fails; the claims pass', () => {
    const { cases, md } = run('--variant slab-fixed --scope slab-nested', 1, 'vacuous');
    const failed = cases.filter((c) => c.failure);
    // One CPU: a failed obj_cgroup_tryget needs the objcg's last put on another CPU between the
    // lookup's read and its tryget; the parked pages of a released objcg were not reached either.
    expect(names(failed)).toEqual(['obj_cgroup_tryget_fails', 'obj_cgroup_release_uncharges_parked_pages']);
    for (const c of failed) expect(c.classname).toMatch(/\.witness$/);
    expect(cases.filter((c) => c.skipped)).toEqual([]);
    expect(md).toContain('**FAIL**: witnesses never reached: obj_cgroup_tryget_fails');
  });

  it('incomplete: nothing fails, every claim is skipped with the limit that stopped the run', () => {
    const { cases, md } = run('--scope tiny --max-states 50', 3, 'incomplete');
    expect(cases.filter((c) => c.failure)).toEqual([]);
    for (const c of cases.filter((c) => c.classname.endsWith('.claim')))
      expect(c.skipped?.message).toBe('not checked to completion: the run was stopped by --max-states 50');
    expect(md).toContain('| verified | incomplete (--max-states 50) |');
  });

  it('--junit or --markdown into a missing folder is a usage error naming the flag, before any work', () => {
    expectUsageError(cli(['check', '--scope', 'tiny', '--junit', '/nonexistent-dir/j.xml']), '--junit');
    expectUsageError(cli(['check', '--scope', 'tiny', '--markdown', '/nonexistent-dir/j.md']), '--markdown');
    expectUsageError(cli(['check', '--scope', 'tiny', '--junit', tmp.dir]), '--junit', 'is a folder');
    expect(existsSync('/nonexistent-dir')).toBe(false);
  });
});
