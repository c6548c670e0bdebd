/** Helpers for the report tests: the known-bug variants, and a check run that saves its trace as JSON and ITF. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { cli } from '../cli/helpers.js';

/** The built-in known-bug variants (model/variants/known-bugs.ts; K1 and K6 are not expressible). */
export const KNOWN_BUGS = ['K2', 'K3', 'K4', 'K5', 'K7', 'K8', 'K9'] as const;

export interface Saved {
  readonly json: string;
  readonly itf: string;
  readonly result: Record<string, unknown> & {
    violation: { property: string; path: string; trace: unknown[] };
  };
}

/** `check --variant V --scope tiny --format json --out V.json --itf V.itf.json` in `dir`; must be violated. */
export function saveTrace(variant: string, dir: string): Saved {
  const json = join(dir, `${variant}.json`);
  const itf = join(dir, `${variant}.itf.json`);
  const r = cli([
    'check',
    '--variant',
    variant,
    '--scope',
    'tiny',
    '--quiet',
    '--format',
    'json',
    '--out',
    json,
    '--itf',
    itf,
  ]);
  expect(r.code, r.stderr).toBe(1);
  const result = JSON.parse(readFileSync(json, 'utf8'));
  expect(result).toEqual(JSON.parse(r.stdout));
  return { json, itf, result };
}
