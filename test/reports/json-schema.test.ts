/**
 * `check --format json` against docs/result.schema.json (JSON Schema 2020-12, Ajv2020), for every
 * verdict: violated (K9 at tiny, 2 steps; the old design at scope small, a 33-step use after free
 * through css offline, about 10 s), verified (the new design at tiny with the THP alone, every witness
 * reached), verified but vacuous (the same on one CPU), incomplete (a state limit, every option set),
 * and a variant from a file. The schema is open (a reader must ignore fields it does not know, so that
 * an added field keeps version 1); the output is also validated against a closed copy of it, so a
 * field the report emits but the schema (and so docs/output.md) does not describe fails here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { cli, onlyJson, ROOT, scratch } from '../cli/helpers.js';

const schema = JSON.parse(readFileSync(join(ROOT, 'docs/result.schema.json'), 'utf8'));
const tmp = scratch('schema');

/** The same schema with `additionalProperties: false` on every object schema that lists its properties. */
function closed(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closed);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = k === 'properties' ? mapValues(v, closed) : closed(v);
  if (out.type === 'object' && out.properties && out.additionalProperties === undefined)
    out.additionalProperties = false;
  return out;
}
const mapValues = (o: unknown, f: (v: unknown) => unknown) =>
  Object.fromEntries(Object.entries(o as Record<string, unknown>).map(([k, v]) => [k, f(v)]));

const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
const open = ajv.compile(schema);
const strict = ajv.compile({ ...(closed(schema) as object), $id: 'memcg-check/result.closed.json' });

function expectValid(doc: unknown): void {
  expect(open(doc), ajv.errorsText(open.errors)).toBe(true);
  expect(strict(doc), `undocumented field: ${ajv.errorsText(strict.errors)}`).toBe(true);
}

function json(args: string, code: number): Record<string, unknown> {
  const r = cli(['check', ...args.split(' '), '--quiet', '--format', 'json']);
  expect(r.code, r.stderr).toBe(code);
  return onlyJson(r);
}

describe('docs/result.schema.json describes check --format json', () => {
  it('the schema itself is valid 2020-12 and names its format and version', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.properties.schema.const).toBe('memcg-check/result');
    expect(schema.properties.version.const).toBe(1);
  });

  it('a violated run (K9 at tiny)', () => {
    const j = json('--variant K9 --scope tiny', 1);
    expect(j).toMatchObject({ schema: 'memcg-check/result', version: 1, verdict: 'violated', variant: 'K9' });
    expectValid(j);
  });

  it('a long violated run: the old design at scope small (33 steps, kill and offline on the way)', () => {
    const j = json('--design old --scope small', 1);
    expect(j.violation).toMatchObject({ property: 'no_use_after_free' });
    expect((j.violation as { trace: unknown[] }).trace).toHaveLength(33);
    expectValid(j);
  });

  it('a verified run with every witness reached (new, tiny, the THP alone)', () => {
    const j = json('--design new --scope tiny --pages thp:2', 0);
    expect(j).toMatchObject({ verdict: 'verified', vacuous: false });
    expect(j).not.toHaveProperty('violation');
    expectValid(j);
  });

  it('runs with kernel pages and split_page, and with slab objects of either design', () => {
    expectValid(json('--design new --scope kmem-split', 1));
    expectValid(json('--design old --scope slab', 1));
    expectValid(json('--variant slab-v58-fixed --scope slab-nested', 0));
  });

  it('runs with swap, migration and charge moving (issue #15): the swap, mc and branch2 groups, the config', () => {
    expectValid(json('--design new --scope swap', 1));
    expectValid(json('--variant K1 --scope move', 1));
    expectValid(json('--variant migrate-get-one --scope migrate', 1));
    expectValid(json('--design old --scope swap-v1-nested --cpus 1 --swap-slots 1', 0));
  });

  it('a verified but vacuous run (v5.9 slab fixed on one CPU: two objcg witnesses never reached)', () => {
    const j = json('--variant slab-fixed --scope slab-nested', 1);
    expect(j).toMatchObject({ verdict: 'verified', vacuous: true, scope: 'slab-nested' });
    expect((j.witnesses as { reached: boolean }[]).filter((w) => !w.reached)).toHaveLength(2);
    expectValid(j);
  });

  it('an incomplete run, with every checker option the command line sets', () => {
    const ckpt = join(tmp.dir, 'run.ckpt');
    json(`--scope tiny --max-states 20 --checkpoint ${ckpt}`, 3);
    const j = json(
      `--scope tiny --max-states 50 --max-depth 40 --timeout 100 --max-memory 500 --no-symmetry --resume ${ckpt} --checkpoint ${ckpt} --checkpoint-every 30`,
      3,
    );
    expect(j).toMatchObject({
      verdict: 'incomplete',
      limit: { kind: 'maxStates', value: 50 },
      options: {
        maxStates: 50,
        maxDepth: 40,
        timeoutMs: 100_000,
        maxMemoryBytes: 500 * 2 ** 20,
        noSymmetry: true,
        checkpoint: ckpt,
        checkpointEveryMs: 30_000,
        resume: ckpt,
      },
    });
    expectValid(j);
  });

  it('a variant from a file (docs/examples/my-patch.ts)', () => {
    const j = json('--variant docs/examples/my-patch.ts --scope tiny', 1);
    expect(j).toMatchObject({ variant: 'my-patch', design: 'my-patch' });
    expectValid(j);
  });

  it('negative controls: the schema rejects what the format forbids', () => {
    const j = json('--variant K9 --scope tiny', 1);
    const broken = (edit: (d: Record<string, unknown>) => void) => {
      const d = structuredClone(j);
      edit(d);
      return open(d);
    };
    expect(broken(() => {})).toBe(true);
    expect(broken((d) => delete d.violation)).toBe(false);
    expect(broken((d) => (d.version = 2))).toBe(false);
    expect(broken((d) => (d.verdict = 'verified'))).toBe(false);
    expect(broken((d) => (d.verdict = 'incomplete'))).toBe(false);
    expect(broken((d) => ((d.violation as Record<string, unknown>).path = '0/x'))).toBe(false);
    expect(broken((d) => ((d.witnesses as Record<string, unknown>[])[0].depth = 3))).toBe(false);
    expect(broken((d) => ((d.stats as Record<string, unknown>).distinct = 1.5))).toBe(false);
    // Open: a field added later keeps version 1; the closed copy is what catches an undocumented one.
    expect(broken((d) => (d.addedLater = true))).toBe(true);
    expect(strict({ ...j, addedLater: true })).toBe(false);
  });
});
