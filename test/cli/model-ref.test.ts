/**
 * Flags become a ModelRef once (cli/model.ts): a variant file is read there and never again, so a
 * run at any worker count goes on after the file is gone; and the ref gives back the flags that
 * rebuild it (the replay and resume lines).
 */
import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { modelRef, openModel, refArgs } from '../../cli/model.js';
import { runModel } from '../../cli/run.js';
import { scratch } from './helpers.js';

const tmp = scratch('model-ref');

describe('a variant file in a ModelRef', () => {
  it('is read once: the run, at 1 and at 2 workers, needs the file no more', async () => {
    const file = tmp.write(
      'gone.ts',
      `import { NAME } from './name.ts';
export default (api: any) => api.defineVariant({ name: NAME, base: 'new', description: 'K5 again',
  edit: (d: any) => d.remove('commit_charge', 'css_get(memcg)') });
`,
    );
    const helper = tmp.write('name.ts', "export const NAME: string = 'gone';\n");
    const model = await openModel(await modelRef({ variant: file, scope: 'tiny', pages: '1' }));
    rmSync(file);
    rmSync(helper);
    const one = await runModel(model, {}, 1);
    const two = await runModel(model, {}, 2);
    expect(model.designLabel).toBe('gone (variant of new)');
    expect(one.verdict).toBe('violated');
    expect(two.violation?.trace.path).toEqual(one.violation?.trace.path);
    expect(two.stats.distinct).toBe(one.stats.distinct);
  }, 60_000);
});

describe('refArgs: the flags that rebuild a ref', () => {
  it.each([
    '--design old --scope tiny',
    '--variant K9 --scope small --memcgs root/A,A/A1 --pages 2,thp:2',
    '--design new --scope tiny --cpus 1 --batch 1 --drain-all off --reclaim on',
    '--variant K2 --scope small --claims refcount_ledger,id_ledger',
    '--design new --scope tiny --skip-claims refcount_ledger',
  ])('%s', async (line) => {
    const args = line.split(' ');
    const flags = Object.fromEntries(
      args.flatMap((a, i) => (i % 2 === 0 ? [[a.slice(2), args[i + 1]]] : [])),
    ) as Record<string, string>;
    expect(refArgs(await modelRef(flags))).toBe(line);
  });
});
