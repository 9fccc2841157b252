import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/validateConfig.js';
import { extraVariants } from '../../src/orchestrator/extraVariants.js';
import { createProviderPool } from '../../src/pool/providerPool.js';
import { ParameterVariator } from '../../src/variation.js';

const config = (variations: object, providers: object = {}) =>
  validateConfig({
    orchestration: { max_providers: 3, variations: { providers: ['a', 'b'], ...variations } },
    providers: { a: { kind: 'openai', model: 'alpha' }, b: { kind: 'ollama', model: 'beta' }, ...providers },
  });

describe('extraVariants', () => {
  it('continues the plan where max_providers cut it, then with further attempts', () => {
    const c = config({ temperature: [0.2, 0.5, 0.8] });
    const plan = new ParameterVariator(c).variants();
    expect(plan.map((v) => v.id)).toEqual(['a:alpha@t0.2#1', 'b:beta@t0.5#1', 'a:alpha@t0.5#1']);
    expect(extraVariants(c, plan, 2).map((v) => v.id)).toEqual(['b:beta@t0.8#1', 'a:alpha@t0.8#1']);
    const five = extraVariants(c, plan, 5).map((v) => v.id);
    expect(five).toEqual([
      'b:beta@t0.8#1',
      'a:alpha@t0.8#1',
      'b:beta@t0.2#1',
      'a:alpha@t0.2#2',
      'b:beta@t0.5#2',
    ]);
    expect(five.some((id) => plan.some((v) => v.id === id))).toBe(false);
  });

  it('adds further attempts when the grid is used up, and nothing for a count of 0', () => {
    const c = config({});
    const plan = new ParameterVariator(c).variants();
    expect(extraVariants(c, plan, 2).map((v) => v.id)).toEqual(['a:alpha#2', 'b:beta#2']);
    expect(extraVariants(c, plan, 0)).toEqual([]);
  });

  it('never repeats a planned id in sample mode', () => {
    const c = config({ temperature: [0.1, 0.2, 0.3, 0.4], mode: 'sample', seed: 7 });
    const plan = new ParameterVariator(c).variants();
    const extra = extraVariants(c, plan, 3);
    expect(extra).toHaveLength(3);
    expect(extra.some((e) => plan.some((v) => v.id === e.id))).toBe(false);
  });

  it('ends with the fallback providers the plan does not use', () => {
    const c = config(
      {},
      { a: { kind: 'openai', model: 'alpha', fallback: ['c', 'b'] }, c: { kind: 'ollama', model: 'gamma' } },
    );
    const plan = new ParameterVariator(c).variants();
    const pool = createProviderPool(c, { env: {} });
    expect(extraVariants(c, plan, 1, pool).map((v) => [v.id, v.provider])).toEqual([
      ['a:alpha#2', 'a'],
      ['a:alpha#1>c:gamma', 'c'],
    ]);
  });
});
