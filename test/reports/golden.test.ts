/**
 * Golden counterexamples: the text report of each known-bug variant at scope tiny, pinned in
 * test/reports/golden/K*.txt, the `--view timeline` report of K3 in golden/K3.timeline.txt,
 * finding F2 of both designs at kmem-split (F2-*.txt), the history variant uncharge-batch-uaf, and
 * v5.9's slab bugs F3-F6 (slab-*.txt, each variant with every other fix applied), finding F9 of
 * both designs at swap (F9-*.txt), K6, its inverse and swap-id-of-offline at swap-v1, and the
 * migrate-get-* design swaps at migrate, and K1 and the charge moving variants at move.
 * The one line with timings ("N distinct states, ... s (N states/s, ...)") is removed before the
 * comparison; its counts are pinned in proofs.json (gate K*-tiny).
 *
 * How they were made: generated once from the CLI (`UPDATE_GOLDEN=1 npx vitest run
 * test/reports/golden.test.ts`, after `npm run build`), then each file read and checked by hand
 * against the model (model/design/*.ts, properties/holders.ts): every step's css and page_counter
 * moves, the holders at the last step and the refcount they should add up to, and the blame line.
 * To regenerate after an intended change of the model or of the text report: run the same command,
 * then read the diff (`git diff test/reports/golden`) as carefully as the first time, and say why
 * the counterexample changed in the commit.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, ROOT } from '../cli/helpers.js';
import { KNOWN_BUGS } from './helpers.js';

const GOLDEN = join(ROOT, 'test/reports/golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

const TIMING = /^ {2}[\d,]+ distinct states, [\d,]+ transitions, depth \d+, [\d.]+ s \([\d,]+ states\/s.*\n/m;

function report(args: readonly string[]): string {
  const r = cli(['check', ...args, '--quiet']);
  expect(r.code, r.stderr).toBe(1);
  expect(r.stdout).toMatch(TIMING);
  return r.stdout.replace(TIMING, '');
}

function expectGolden(name: string, text: string): void {
  const file = join(GOLDEN, name);
  if (UPDATE) writeFileSync(file, text);
  expect(existsSync(file), `${file} is missing: run with UPDATE_GOLDEN=1 to create it`).toBe(true);
  expect(text).toBe(readFileSync(file, 'utf8'));
}

describe('golden counterexamples (text report, timing line removed)', () => {
  it.each(KNOWN_BUGS)('%s at tiny', (v) => {
    expectGolden(`${v}.txt`, report(['--variant', v, '--scope', 'tiny']));
  });

  // Issue #14: finding F2 in both designs, its fixes' verdicts are in proofs.json; the history variant.
  it.each(['new', 'old'])('F2: design %s at kmem-split', (d) => {
    expectGolden(`F2-${d}.txt`, report(['--design', d, '--scope', 'kmem-split']));
  });

  // Issue #15: finding F9 in both designs at swap (cgroup v2); K6 and its inverse at swap-v1.
  it.each(['new', 'old'])('F9: design %s at swap', (d) => {
    expectGolden(`F9-${d}.txt`, report(['--design', d, '--scope', 'swap']));
  });

  it.each(['K6', 'swapout-put-one', 'swap-id-of-offline'])('%s at swap-v1', (v) => {
    expectGolden(`${v}.txt`, report(['--variant', v, '--scope', 'swap-v1']));
  });

  it.each(['migrate-get-many', 'migrate-get-one'])('%s at migrate', (v) => {
    expectGolden(`${v}.txt`, report(['--variant', v, '--scope', 'migrate']));
  });

  it.each(['K1', 'move-id-get-late', 'move-no-id-transfer', 'move-account-no-ref'])('%s at move', (v) => {
    expectGolden(`${v}.txt`, report(['--variant', v, '--scope', 'move']));
  });

  it('move-id-get-late at move with the ledgers skipped: the id get on zero itself (8d22a9351035)', () => {
    expectGolden(
      'move-id-get-late.warn.txt',
      report([
        '--variant',
        'move-id-get-late',
        '--scope',
        'move',
        '--skip-claims',
        'id_ledger,refcount_ledger',
      ]),
    );
  });

  it('swap-id-of-offline at swap-v1 with the ledgers skipped: the memsw leak of 1f47b61fb407', () => {
    expectGolden(
      'swap-id-of-offline.leak.txt',
      report([
        '--variant',
        'swap-id-of-offline',
        '--scope',
        'swap-v1',
        '--skip-claims',
        'refcount_ledger,id_ledger',
      ]),
    );
  });

  it('uncharge-batch-uaf at tiny, and with the ledger claims skipped (the use after free itself)', () => {
    expectGolden('uncharge-batch-uaf.txt', report(['--variant', 'uncharge-batch-uaf', '--scope', 'tiny']));
    expectGolden(
      'uncharge-batch-uaf.kasan.txt',
      report([
        '--variant',
        'uncharge-batch-uaf',
        '--scope',
        'tiny',
        '--skip-claims',
        'refcount_ledger,no_dangling_pointer',
      ]),
    );
  });

  // Issue #14 part 2: v5.9's slab bugs F3-F6, each alone (every other fix applied), at the slab scope.
  it.each(['slab-root-return', 'slab-root-charge', 'slab-flush-read'])('%s at slab', (v) => {
    expectGolden(`${v}.txt`, report(['--variant', v, '--scope', 'slab']));
  });

  // F4: the css_get on rcu_read_lock alone (get_with_reference, at its first run), and the race it
  // loses with that claim skipped (the get on a count at zero).
  it('slab-css-get at slab: get_with_reference', () => {
    expectGolden('slab-css-get.unbacked.txt', report(['--variant', 'slab-css-get', '--scope', 'slab']));
  });
  it('slab-css-get at slab with get_with_reference skipped: the get on zero', () => {
    expectGolden(
      'slab-css-get.txt',
      report(['--variant', 'slab-css-get', '--scope', 'slab', '--skip-claims', 'get_with_reference']),
    );
  });

  it('slab-root-charge at slab with the counter ledger skipped (the page_counter underflow itself)', () => {
    expectGolden(
      'slab-root-charge.warn.txt',
      report(['--variant', 'slab-root-charge', '--scope', 'slab', '--skip-claims', 'page_counter_hierarchy']),
    );
  });

  // Issue #14 part 3: v5.8's slab accounting through per-memcg kmem_caches shows F7 at the slab scope.
  it('old at slab: memcg_charge_slab charges an ancestor, memcg_uncharge_slab uncharges the cache’s memcg (F7)', () => {
    expectGolden('slab-v58-charge-ancestor.txt', report(['--design', 'old', '--scope', 'slab']));
  });
  it('slab-v58-kmem-key at slab: memcg_kmem_put_cache skipped once the static key is off (F8)', () => {
    expectGolden('slab-v58-kmem-key.txt', report(['--variant', 'slab-v58-kmem-key', '--scope', 'slab']));
  });

  it('K3 at tiny, --view timeline', () => {
    expectGolden('K3.timeline.txt', report(['--variant', 'K3', '--scope', 'tiny', '--view', 'timeline']));
  });
});
