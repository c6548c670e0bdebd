/**
 * The memcg model itself, timed (`npm run bench -- --model [--against DIR] [--rounds N]
 * [--model-scope S]`): `memcg-check check` at a scope (default tiny) for both designs, one worker,
 * each run a fresh process. With `--against DIR` (another build of this project, e.g. a
 * `git worktree` of an earlier commit after `npm ci && npm run build`), the same runs alternate
 * between the two builds in one session, and the report gives this build's time over that one's:
 * the before/after comparison of a model change, as ratios measured in one run. The counts of the
 * two builds must agree (a model change that is meant to keep them); a difference fails the run.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ModelBenchOptions {
  readonly scope: string;
  readonly rounds: number;
  /** Another build's root directory (its dist/cli/main.js is run). */
  readonly against?: string;
}

interface Run {
  readonly distinct: number;
  readonly transitions: number;
  readonly ms: number;
}

export interface ModelRow {
  readonly design: string;
  readonly distinct: number;
  readonly transitions: number;
  /** Median search time of this build, and of the other one. */
  readonly ms: number;
  readonly againstMs?: number;
}

const THIS_CLI = fileURLToPath(new URL('../cli/main.js', import.meta.url));

function runOnce(cli: string, scope: string, design: string): Run {
  const r = spawnSync(
    process.execPath,
    [cli, 'check', '--scope', scope, '--design', design, '--workers', '1', '--quiet', '--format', 'json'],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  if (r.status !== 0 && r.status !== 1)
    throw new Error(`bench --model: ${cli} exited ${r.status}: ${r.stderr.slice(0, 400)}`);
  const out = JSON.parse(r.stdout) as { stats: Run };
  return { distinct: out.stats.distinct, transitions: out.stats.transitions, ms: out.stats.ms };
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export function runModelBench(o: ModelBenchOptions, progress: (t: string) => void): ModelRow[] {
  const other = o.against ? `${o.against.replace(/\/$/, '')}/dist/cli/main.js` : undefined;
  return ['new', 'old'].map((design) => {
    const mine: Run[] = [];
    const theirs: Run[] = [];
    for (let k = 0; k < o.rounds; k++) {
      // Alternate which build goes first, so that neither always runs on a warmer machine.
      const order = k % 2 === 0 ? ['this', 'other'] : ['other', 'this'];
      for (const which of order) {
        if (which === 'other' && !other) continue;
        progress(
          `model ${design}@${o.scope}: ${which === 'this' ? 'this build' : o.against} (round ${k + 1})`,
        );
        (which === 'this' ? mine : theirs).push(
          runOnce(which === 'this' ? THIS_CLI : other!, o.scope, design),
        );
      }
    }
    const first = mine[0];
    for (const r of [...mine, ...theirs]) {
      if (r.distinct !== first.distinct || r.transitions !== first.transitions)
        throw new Error(
          `bench --model: ${design}@${o.scope} counts differ between runs: ${r.distinct}/${r.transitions} vs ${first.distinct}/${first.transitions}`,
        );
    }
    return {
      design,
      distinct: first.distinct,
      transitions: first.transitions,
      ms: median(mine.map((r) => r.ms)),
      ...(theirs.length ? { againstMs: median(theirs.map((r) => r.ms)) } : {}),
    };
  });
}

export function renderModel(o: ModelBenchOptions, rows: readonly ModelRow[]): string {
  const head = `memcg model at ${o.scope}, 1 worker, median of ${o.rounds} runs each${o.against ? `, against ${o.against}` : ''}`;
  const lines = rows.map((r) => {
    const base = `${r.design.padEnd(4)} ${r.distinct.toLocaleString('en-US').padStart(11)} states ${r.transitions.toLocaleString('en-US').padStart(12)} transitions  this ${(r.ms / 1000).toFixed(2)} s`;
    if (r.againstMs === undefined) return base;
    return `${base}  other ${(r.againstMs / 1000).toFixed(2)} s  time ratio this/other ${(r.ms / r.againstMs).toFixed(3)}`;
  });
  return [head, ...lines].join('\n');
}
