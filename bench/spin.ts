/**
 * Runs SPIN on memcg.pml through spin-run.sh (both copied verbatim from /work/shared/bench into
 * bench/spin/). The script compiles pan with -DSAFETY -DNOREDUCE and times `./pan` alone, wall
 * clock, which includes pan allocating its hash table (-w24, 128 MB) and DFS stack (-m3000000).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { PmlScope } from './memcg-pml.js';

export interface SpinFigures {
  readonly states: number;
  readonly transitions: number;
  readonly seconds: number;
  readonly transitionsPerSecond: number;
}

/** bench/spin/spin-run.sh, found from the source file or from its compiled copy in dist/bench. */
export function defaultSpinScript(): string {
  const candidates = ['./spin/spin-run.sh', '../../bench/spin/spin-run.sh'].map((p) =>
    fileURLToPath(new URL(p, import.meta.url)),
  );
  return candidates.find((p) => existsSync(p)) ?? candidates[0];
}

export function spinAvailable(): boolean {
  return spawnSync('sh', ['-c', 'command -v spin && command -v gcc'], { stdio: 'ignore' }).status === 0;
}

export function runSpin(scope: PmlScope, script = defaultSpinScript()): SpinFigures {
  const args = [script, scope.ncpu, scope.npage, scope.batch, scope.limit].map(String);
  const r = spawnSync('bash', args, { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) {
    throw new Error(`spin-run.sh ${args.slice(1).join(' ')} failed (status ${r.status}):\n${r.stderr}`);
  }
  const line = r.stdout.trim().split('\n').pop() ?? '';
  const j = JSON.parse(line) as {
    states: number;
    transitions: number;
    seconds: number;
    transitions_per_s: number;
  };
  return {
    states: j.states,
    transitions: j.transitions,
    seconds: j.seconds,
    transitionsPerSecond: j.transitions_per_s,
  };
}
