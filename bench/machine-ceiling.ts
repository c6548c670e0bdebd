/**
 * The machine's own ceiling for two threads of this workload: one `check` process alone, then two
 * identical ones at once, on the same scope. If the two run slower each than the one alone (they
 * share caches, memory bandwidth or a physical core), no explorer can make two workers that much
 * faster than one; the parallel explorer's speedup (bench --spin-core, --workers) is read against
 * this figure. Kernel-free: it runs the CLI.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface CeilingOptions {
  readonly scope: string;
  readonly design: string;
}

export interface Ceiling {
  readonly alone: number;
  /** Each of the two copies run at once, wall seconds. */
  readonly together: readonly [number, number];
}

/** Throughput of two at once over one alone: 2 x alone / the slower of the two (2.0 is perfect). */
export function ceilingOf(c: Ceiling): number {
  return (2 * c.alone) / Math.max(c.together[0], c.together[1]);
}

export function renderCeiling(o: CeilingOptions, c: Ceiling): string {
  const s = (n: number) => `${n.toFixed(2)} s`;
  return [
    `check --design ${o.design} --scope ${o.scope} --workers 1, one process alone: ${s(c.alone)}`,
    `two such processes at once: ${s(c.together[0])} and ${s(c.together[1])}`,
    `machine ceiling for two threads of this workload: ${ceilingOf(c).toFixed(2)}x one (2.00x would be perfect)`,
  ].join('\n');
}

const THIS_CLI = fileURLToPath(new URL('../cli/main.js', import.meta.url));

/** Wall seconds of one `check` run; rejects on a tool error (exit other than 0 or 1). */
function timeCheck(o: CeilingOptions): Promise<number> {
  const args = [THIS_CLI, 'check', '--design', o.design, '--scope', o.scope, '--quiet'];
  return new Promise((done, fail) => {
    const start = performance.now();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('error', fail);
    child.on('close', (code) => {
      if (code === 0 || code === 1) done((performance.now() - start) / 1000);
      else fail(new Error(`bench --machine-ceiling: check exited ${code}: ${err.slice(0, 400)}`));
    });
  });
}

export async function runCeiling(o: CeilingOptions, progress: (t: string) => void): Promise<Ceiling> {
  progress(`machine-ceiling: one check ${o.design}@${o.scope} alone`);
  const alone = await timeCheck(o);
  progress(`machine-ceiling: two at once`);
  const [a, b] = await Promise.all([timeCheck(o), timeCheck(o)]);
  return { alone, together: [a, b] };
}
