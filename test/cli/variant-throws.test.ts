/**
 * Issue #10 item 3: when a variant's own code throws, the message names the op (block and op
 * name) and the CPU, and gives a `replay` command that reaches the state it threw from; the same
 * state at one and at two workers. The path is data on the error (ModelThrew.replay), which the
 * command line prints: the tests take it from there, not from the text.
 */
import { describe, expect, it } from 'vitest';
import { formatPath } from '../../checker/index.js';
import { modelRef, openModel } from '../../cli/model.js';
import { ModelThrew, runModel } from '../../cli/run.js';
import { cli, expectUsageError, scratch } from './helpers.js';

const tmp = scratch('throws');
// A variant bug a JS engine catches: reading a field of memcg[-1] (NULL - 1) in drain_stock.
const file = tmp.write(
  'reads-through-null.mjs',
  `export default ({ defineVariant, op }) =>
  defineVariant({
    name: 'reads-through-null',
    base: 'new',
    description: 'drain_stock reads old->css through a NULL index (a bug in the variant, not the kernel)',
    edit: (d) =>
      d.replace('drain_stock', 'old = stock->cached; if (!old) return', op('old = stock->cached', (x) => {
        x.old = x.s.stock[x.st].cached - 1;
        if (x.s.memcg[x.old].ref > 100) x.stop = true;
      })),
  });
`,
);

describe.each([1, 2])('a throwing op at %i worker(s)', (workers) => {
  it('names block, op and CPU, and prints a replay command to the state it threw from', () => {
    const r = cli(['check', '--variant', file, '--scope', 'small', '--workers', String(workers)]);
    expectUsageError(
      r,
      'E_SPEC_THROWS',
      'op "old = stock->cached" of block "drain_stock" on cpu0',
      'on action cpu0 try_charge',
      "Cannot read properties of undefined (reading 'ref')",
    );
    const replay = ['replay', '--variant', file, '--scope', 'small', '--path', '0/1'];
    expect(r.stderr).toContain(`Replay to the state it threw from: memcg-check ${replay.join(' ')}\n`);
    // The replay reaches the state: one step, the lookup, then every claim holds.
    const again = cli(replay);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('1  cpu0 get_mem_cgroup_from_mm(P0, A)');
  });
});

// With symmetry the explorer stores canonical states, where A and B may be swapped: the action the
// message names must be the concrete one the replay path reaches (A here, charged; B is not).
const killCharged = tmp.write(
  'throw-kill.mjs',
  `export default ({ defineVariant, op }) =>
  defineVariant({
    name: 'throw-kill',
    base: 'new',
    description: 'rmdir throws when the memcg has charges (a bug in the variant)',
    edit: (d) =>
      d.insert('kill_css', 'start', op('boom', (x) => {
        if (x.s.memcg[x.arg].usage > 0 && x.s.cpu[0].op === 0) throw new Error('killing memcg index ' + x.arg);
      })),
  });
`,
);
const bounds = [
  '--cpus',
  '1',
  '--memcgs',
  'root/A,root/B',
  '--pages',
  '1',
  '--batch',
  '1',
  '--drain-all',
  'off',
];

/** The path a throwing model's error carries, from a run in this process. */
async function thrownPath(workers: number, noSymmetry: boolean): Promise<string> {
  const flags = { cpus: '1', memcgs: 'root/A,root/B', pages: '1', batch: '1', 'drain-all': 'off' };
  const model = await openModel(await modelRef({ variant: killCharged, ...flags }));
  const e = await runModel(model, noSymmetry ? { noSymmetry } : {}, workers).catch((e: unknown) => e);
  expect(e).toBeInstanceOf(ModelThrew);
  return formatPath((e as ModelThrew).replay.path);
}

describe.each([
  ['with symmetry, 1 worker', [], 1],
  ['with symmetry, 2 workers', ['--workers', '2'], 2],
  ['without symmetry', ['--no-symmetry'], 1],
])('a throwing event, %s', (_, extra, workers) => {
  it('names the concrete action (kill_css(A), the charged memcg) and a path that replays to it', async () => {
    const r = cli(['check', '--variant', killCharged, ...bounds, ...extra]);
    expectUsageError(
      r,
      'on action kill_css(A)',
      'op "boom" of block "kill_css" (an event, on no CPU)',
      'killing memcg index 1',
    );
    const path = await thrownPath(workers, extra.includes('--no-symmetry'));
    expect(r.stderr).toContain(
      `memcg-check replay --variant ${killCharged} --scope small ${bounds.join(' ')} --path ${path}\n`,
    );
    const again = cli(['replay', '--variant', killCharged, ...bounds, '--path', path]);
    expect(again.code, again.stderr).toBe(0);
    // The state it reaches has A charged (the op throws for a memcg with usage) and B not.
    expect(again.stdout).toMatch(/page_counter\(A\) 0->1/);
    expect(again.stdout).not.toMatch(/page_counter\(B\)/);
  });
});
