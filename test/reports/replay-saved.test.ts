/**
 * Every saved trace replays: for each known-bug variant at tiny, the JSON result (`--out`), the ITF
 * trace (`--itf`) and the path printed in the JSON (`replay --path` with the model flags) all
 * reproduce the counterexample: exit 1, the same number of steps, and the violated claim of the run
 * named in the last state.
 */
import { describe, expect, it } from 'vitest';
import { cli, expectNoStackTrace, scratch } from '../cli/helpers.js';
import { KNOWN_BUGS, saveTrace } from './helpers.js';

const tmp = scratch('replay-saved');

/** Runs a replay; returns its step count and the claims it names as violated in the last state. */
function replay(args: readonly string[]): { steps: number; broken: string[] } {
  const r = cli(['replay', ...args]);
  expectNoStackTrace(r);
  expect(r.code, r.stdout + r.stderr).toBe(1);
  expect(r.stdout).not.toContain('DIVERGES');
  const head = /^Replay of (\S+)(?: \(reproduces\))? on design \S+ .*: (\d+) steps$/m.exec(r.stdout);
  expect(head, r.stdout).not.toBeNull();
  const broken = [...r.stdout.matchAll(/^Violated in the last state: (\w+):/gm)].map((m) => m[1]);
  return { steps: Number(head![2]), broken };
}

describe('saved traces replay', () => {
  it.each(KNOWN_BUGS)('%s: replay of the JSON, of the ITF file and of --path name the same claim', (v) => {
    const saved = saveTrace(v, tmp.dir);
    const claim = saved.result.violation.property;
    const steps = saved.result.violation.trace.length;
    const fromJson = replay([saved.json]);
    const fromItf = replay([saved.itf]);
    const fromPath = replay(['--variant', v, '--scope', 'tiny', '--path', saved.result.violation.path]);
    for (const got of [fromJson, fromItf, fromPath]) {
      expect(got.steps).toBe(steps);
      expect(got.broken[0]).toBe(claim);
    }
    expect(fromItf.broken).toEqual(fromJson.broken);
    expect(fromPath.broken).toEqual(fromJson.broken);
  });
});
