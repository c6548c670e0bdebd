/**
 * The two example variant files of docs/variants.md, run the way the guide tells a user to run them
 * (`memcg-check check --variant FILE --scope tiny`), and built again in-process through the API
 * (`buildVariant` + `check(memcgSpec(...))`): both routes must give the verdict, the claim and the
 * counterexample the guide shows. The expected values are the ones observed and copied into the
 * guide; if the model changes them, re-run the examples and update docs/variants.md with them.
 *
 * `npm test` builds first (pretest); run `npm run build` before calling vitest directly.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { assert, describe, expect, it } from 'vitest';
import { type CheckResult, check } from '../../checker/index.js';
import { scopeByName } from '../../model/config.js';
import type { MemcgAction } from '../../model/machine.js';
import type { State } from '../../model/state.js';
import { buildVariant, type VariantDef, validateVariant, variantApi } from '../../model/variant.js';
import { memcgSpec } from '../../properties/spec.js';
import { naiveBfs } from '../checker/naive.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = join(ROOT, 'dist/cli/main.js');

interface Example {
  /** Path as the guide gives it, relative to the repository root. */
  readonly file: string;
  readonly name: string;
  /** What the guide shows: the violated claim, the counterexample's length and its last step. */
  readonly claim: string;
  readonly steps: number;
  readonly lastKind: string;
  readonly lastChange: string;
}

const EXAMPLES: readonly Example[] = [
  {
    file: 'docs/examples/my-patch.ts',
    name: 'my-patch',
    claim: 'no_get_on_zero',
    steps: 16,
    lastKind: 'uncharge_page',
    lastChange: 'BUG: css_get on a zero refcount on A',
  },
  {
    file: 'docs/examples/split-commit.mjs',
    name: 'split-commit',
    claim: 'refcount_ledger',
    steps: 3,
    lastKind: 'commit_charge',
    lastChange: 'css(A) 4->5',
  },
];

interface JsonResult {
  verdict: string;
  vacuous: boolean;
  design: string;
  variant?: string;
  scheme: string;
  scope: string;
  stats: { distinct: number; depth: number };
  violation?: {
    property: string;
    message: string;
    path: string;
    trace: { step: number; label: string; kind: string; changes: string[] }[];
  };
}

/** `memcg-check check --variant FILE --scope tiny --format json --quiet`, from the repository root. */
function runCli(file: string): { code: number | null; json: JsonResult; stderr: string } {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run "npm run build" first`);
  const r = spawnSync(
    process.execPath,
    [MAIN, 'check', '--variant', file, '--scope', 'tiny', '--format', 'json', '--quiet'],
    { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
  );
  if (r.error) throw r.error;
  return { code: r.status, json: JSON.parse(r.stdout) as JsonResult, stderr: r.stderr };
}

/**
 * The file's default export, resolved as the CLI does: a variant object, or a function of the API.
 * The path is computed, so `tsc` does not type-check the example (it is a user's file, written
 * without types); vitest loads .ts and .js alike.
 */
async function loadExample(file: string): Promise<VariantDef> {
  const mod = (await import(pathToFileURL(join(ROOT, file)).href)) as { default: unknown };
  const exported = mod.default;
  const def = typeof exported === 'function' ? (exported as (api: unknown) => unknown)(variantApi) : exported;
  validateVariant(def);
  return def;
}

function checkInProcess(def: VariantDef): CheckResult<State, MemcgAction> {
  const config = scopeByName('tiny')!.config;
  return check(memcgSpec(config, buildVariant(def)));
}

describe.each(EXAMPLES)('$file', (ex) => {
  it(`through the CLI: violated, ${ex.claim}, a ${ex.steps}-step trace (exit 1)`, () => {
    const { code, json, stderr } = runCli(ex.file);
    expect(code, stderr).toBe(1);
    expect(stderr).toBe('');
    expect(json.verdict).toBe('violated');
    expect(json.variant).toBe(ex.name);
    expect(json.design).toBe(ex.name);
    expect(json.scheme).toBe('new');
    expect(json.scope).toBe('tiny');
    const v = json.violation!;
    expect(v.property).toBe(ex.claim);
    expect(v.trace.length).toBe(ex.steps);
    expect(v.trace.length).toBeGreaterThan(0);
    expect(v.path.split('/')).toHaveLength(ex.steps + 1);
    const last = v.trace[v.trace.length - 1];
    expect(last.kind).toBe(ex.lastKind);
    expect(last.changes).toContain(ex.lastChange);
  });

  it('built in-process with buildVariant gives the same result as the CLI', async () => {
    const def = await loadExample(ex.file);
    expect(def.name).toBe(ex.name);
    expect(def.base).toBe('new');
    const r = checkInProcess(def);
    assert(r.verdict === 'violated', r.verdict);
    expect(r.violation.property).toBe(ex.claim);
    expect(r.violation.trace.steps).toHaveLength(ex.steps);
    expect(r.violation.trace.steps.at(-1)!.action.kind).toBe(ex.lastKind);
    // The length is the naive BFS distance to the first violating state (tiny: no symmetry).
    const spec = memcgSpec(scopeByName('tiny')!.config, buildVariant(def));
    const naive = naiveBfs(spec, { stopAt: (s) => spec.invariants.some((i) => !i.holds(s)) });
    expect(naive.nodes[naive.stoppedAt!].depth).toBe(ex.steps);
    // Same exploration, same counterexample: the CLI adds nothing to the model.
    const { json } = runCli(ex.file);
    expect(r.violation.trace.path.join('/')).toBe(json.violation!.path);
    expect(r.violation.message).toBe(json.violation!.message);
    expect(r.stats.distinct).toBe(json.stats.distinct);
    expect(r.stats.depth).toBe(json.stats.depth);
  });
});

describe('what the examples edit (so the guide’s description of them stays true)', () => {
  it('my-patch moves the page’s css_put in uncharge_page ahead of the batch’s css_get', async () => {
    const d = buildVariant(await loadExample('docs/examples/my-patch.ts'));
    expect(d.blocks.uncharge_page.map((o) => o.name)).toEqual([
      'if (ug->memcg != page->mem_cgroup) { if (ug->memcg) uncharge_batch(ug); ug->memcg = page->mem_cgroup }',
      "css_put(ug->memcg) (the page's reference)",
      'if (ug->memcg was just set) css_get(ug->memcg)',
      'ug->nr_pages += compound_nr(page)',
      'page->mem_cgroup = NULL',
    ]);
  });

  it('split-commit cuts commit_charge after css_get into a step of its own in mem_cgroup_charge', async () => {
    const d = buildVariant(await loadExample('docs/examples/split-commit.mjs'));
    expect(d.blocks.commit_charge.map((o) => o.name)).toEqual(['css_get(memcg)']);
    expect(d.blocks['commit_charge: store pointer'].map((o) => o.name)).toEqual([
      'commit_charge: page->mem_cgroup = memcg',
    ]);
    const charge = d.programs.find((p) => p.name === 'mem_cgroup_charge')!;
    expect(charge.steps.map((s) => s.name)).toEqual([
      'get_mem_cgroup_from_mm',
      'try_charge',
      'commit_charge',
      'commit_charge: store pointer',
      'css_put(memcg)',
      'get_mem_cgroup_from_mm: retry',
      'drain_all_stock: mutex_trylock',
      'drain_all_stock: get_cpu',
      'drain_all_stock: read stock->cached',
      'drain_all_stock: read stock->nr_pages',
      'drain_all_stock: obj_stock_flush_required: read stock->cached_objcg',
      'drain_all_stock: obj_stock_flush_required: obj_cgroup_memcg(stock->cached_objcg)',
      'drain_all_stock: put_cpu',
      'drain_all_stock: mutex_unlock',
      'try_charge: retry',
    ]);
  });
});

describe('limit (docs/variants.md, "Splitting a step"): the ledger knows no new in-flight holder', () => {
  it('split-commit fails refcount_ledger at the split point; every other claim holds at tiny', async () => {
    const def = await loadExample('docs/examples/split-commit.mjs');
    const spec = memcgSpec(scopeByName('tiny')!.config, buildVariant(def));
    const others = spec.invariants.filter((inv) => inv.name !== 'refcount_ledger');
    expect(others).toHaveLength(spec.invariants.length - 1);
    const r = check({ ...spec, invariants: others });
    expect(r.verdict).toBe('verified');
    expect(r.vacuous).toBe(false);
  });
});
