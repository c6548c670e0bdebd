/**
 * `check --itf FILE` writes an ITF trace (ADR-015): checked by the rules of itf-rules.ts (written from
 * the ADR, listed at its top), for every known-bug variant at tiny; then what we put in it: the
 * `action` variable, the states of the JSON result, and a #meta from which `replay FILE` rebuilds
 * the model. The rule checker gets negative controls of its own first.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scratch } from '../cli/helpers.js';
import { KNOWN_BUGS, saveTrace } from './helpers.js';
import { itfProblems } from './itf-rules.js';

const tmp = scratch('itf');

const good = () => ({
  '#meta': { source: 'test' },
  vars: ['x', 'y'],
  states: [
    { '#meta': { index: 0 }, x: 1, y: { '#set': ['a'] } },
    { '#meta': { index: 1 }, x: { '#bigint': '-90071992547409930' }, y: { '#set': [] } },
  ],
});

describe('the ITF rule checker (negative controls)', () => {
  it('accepts a well-formed trace and rejects each broken rule', () => {
    expect(itfProblems(good())).toEqual([]);
    const broken = (edit: (t: ReturnType<typeof good> & Record<string, unknown>) => void) => {
      const t = good() as ReturnType<typeof good> & Record<string, unknown>;
      edit(t);
      return itfProblems(t).map((p) => p.split(':')[0]);
    };
    expect(broken((t) => (t.extra = 1))).toEqual(['T1']);
    expect(broken((t) => (t['#meta'] = [] as never))).toEqual(['T2']);
    expect(broken((t) => (t.vars = ['x', 2] as never))).toContain('T3');
    expect(broken((t) => (t.states = {} as never))).toContain('T4');
    expect(broken((t) => (t.loop = 2))).toEqual(['T5']);
    expect(broken((t) => delete (t.states[1] as Record<string, unknown>).y)).toEqual(['S1']);
    expect(broken((t) => ((t.states[1] as Record<string, unknown>).z = 1))).toEqual(['S1']);
    expect(broken((t) => (t.states[1]['#meta'].index = 0))).toEqual(['M1']);
    expect(broken((t) => (t.states[0].x = 1.5))).toEqual(['E1']);
    expect(broken((t) => (t.states[0].x = 2 ** 53))).toEqual(['E1']);
    expect(broken((t) => (t.states[0].x = null as never))).toEqual(['E1']);
    expect(broken((t) => (t.states[0].x = { '#bigint': '12a' } as never))).toEqual(['E1']);
    expect(broken((t) => (t.states[0].x = { '#foo': [] } as never))).toEqual(['E1']);
    expect(broken((t) => (t.states[0].x = { '#map': [[1]] } as never))).toEqual(['E1']);
    expect(broken((t) => (t.states[0].x = { '#set': [], y: 1 } as never))).toEqual(['E1']);
  });
});

describe('check --itf writes ADR-015 traces', () => {
  it.each(KNOWN_BUGS)('%s at tiny: a well-formed ITF trace of the same counterexample', (v) => {
    const saved = saveTrace(v, tmp.dir);
    expect(saved.itf.endsWith('.itf.json')).toBe(true); // the ADR's file-name convention
    const itf = JSON.parse(readFileSync(saved.itf, 'utf8'));
    expect(itfProblems(itf)).toEqual([]);

    // Our mapping: one variable per state field, plus `action` (the step's label; "init" first).
    expect(itf.vars).toEqual([
      'action',
      'memcg',
      'page',
      'split',
      'stock',
      'cpu',
      'mutex',
      'cgroupMutex',
      'branch',
      'oops',
      'oopsMemcg',
      'objcg',
      'objStock',
      'slabCpu',
      'objects',
      'kmemCache',
      'kmemCacheCpu',
      'slabPage',
      'slabCharged',
      'swapCounter',
      'swapRecord',
      'swapMap',
      'swapCpu',
      'branch2',
      'mc',
    ]);
    const r = saved.result;
    const trace = r.violation.trace as { label: string; state: Record<string, unknown> }[];
    const initial = (r.violation as unknown as { initial: Record<string, unknown> }).initial;
    expect(itf.states).toHaveLength(trace.length + 1);
    expect(itf.states.map((s: { action: string }) => s.action)).toEqual([
      'init',
      ...trace.map((t) => t.label),
    ]);
    [initial, ...trace.map((t) => t.state)].forEach((state, i) => {
      const { '#meta': _m, action: _a, ...vars } = itf.states[i];
      expect(vars).toEqual(state);
    });
    // #meta: enough to rebuild the model and to say what the trace shows.
    expect(itf['#meta']).toMatchObject({
      format: 'ITF',
      'format-description': 'https://apalache-mc.org/docs/adr/015adr-trace.html',
      source: 'memcg-check',
      design: r.design,
      variant: v,
      scope: 'tiny',
      config: r.config,
      property: r.violation.property,
      message: (r.violation as unknown as { message: string }).message,
      path: r.violation.path,
    });
  });
});
