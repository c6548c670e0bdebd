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

/**
 * Runs a replay that must reproduce: its first line names what it replays, the design, the scope
 * and the step count; returns the rest of its report (the steps, the ledger, the claims broken).
 */
function replay(args: readonly string[], title: string): string {
  const r = cli(['replay', ...args]);
  expectNoStackTrace(r);
  expect(r.code, r.stdout + r.stderr).toBe(1);
  expect(r.stdout).not.toContain('DIVERGES');
  const [first, ...rest] = r.stdout.split('\n');
  expect(first).toBe(title);
  return rest.join('\n');
}

describe('saved traces replay', () => {
  it.each(KNOWN_BUGS)('%s: replay of the JSON, of the ITF file and of --path name the same claim', (v) => {
    const saved = saveTrace(v, tmp.dir);
    const { property, path, trace } = saved.result.violation;
    const base = String(saved.result.scheme);
    const model = `on design ${v} (variant of ${base}), scope tiny: ${trace.length} steps`;
    const fromJson = replay([saved.json], `Replay of ${saved.json} (reproduces) ${model}`);
    const fromItf = replay([saved.itf], `Replay of ${saved.itf} (reproduces) ${model}`);
    const fromPath = replay(
      ['--variant', v, '--scope', 'tiny', '--path', path],
      `Replay of ${path} ${model}`,
    );
    // The run's claim is the first one the last state breaks.
    const ledger = fromJson.indexOf('\nLedger at the last step:');
    expect(fromJson.slice(ledger)).toContain(`\n\nViolated in the last state: ${property}: `);
    expect(fromItf).toBe(fromJson);
    expect(fromPath).toBe(fromJson);
  });
});
