import { describe, expect, it } from 'vitest';
import { validateConfig } from '../src/config/validateConfig.js';
import {
  countVariants,
  expandVariants,
  ParameterVariator,
  planFromConfig,
  type VariationPlan,
  variantId,
} from '../src/variation.js';

const targets = [
  { provider: 'claude', kind: 'anthropic', model: 'claude-sonnet-4-5' },
  { provider: 'gpt-4', kind: 'openai', model: 'gpt-4' },
  { provider: 'ollama', kind: 'ollama', model: 'llama3.2' },
] as const;

const ids = (plan: VariationPlan) => expandVariants(plan).map((v) => v.id);

describe('expandVariants', () => {
  it('grid: every combination once, the first ones rotating parameters across targets', () => {
    const plan: VariationPlan = { targets, temperature: [0.2, 0.8], topP: [0.9] };
    expect(ids(plan)).toEqual([
      'claude:claude-sonnet-4-5@t0.2,p0.9#1',
      'gpt-4:gpt-4@t0.8,p0.9#1',
      'ollama:llama3.2@t0.2,p0.9#1',
      'claude:claude-sonnet-4-5@t0.8,p0.9#1',
      'gpt-4:gpt-4@t0.2,p0.9#1',
      'ollama:llama3.2@t0.8,p0.9#1',
    ]);
  });

  it('grid: the prefix of length `targets` is the zip', () => {
    const plan: VariationPlan = { targets, temperature: [0.2, 0.5, 0.8, 1], topP: [0.9, 0.95] };
    expect(ids(plan).slice(0, targets.length)).toEqual(
      ids({ ...plan, mode: 'zip' }).slice(0, targets.length),
    );
  });

  it('zip: lists side by side, each cycling, as long as the longest', () => {
    const plan: VariationPlan = { targets: targets.slice(0, 2), temperature: [0.1, 0.5, 0.9], mode: 'zip' };
    expect(ids(plan)).toEqual([
      'claude:claude-sonnet-4-5@t0.1#1',
      'gpt-4:gpt-4@t0.5#1',
      'claude:claude-sonnet-4-5@t0.9#1',
    ]);
  });

  it('attempts come last: attempt 1 of everything before attempt 2', () => {
    const plan: VariationPlan = { targets: targets.slice(0, 2), attempts: 2 };
    expect(ids(plan)).toEqual([
      'claude:claude-sonnet-4-5#1',
      'gpt-4:gpt-4#1',
      'claude:claude-sonnet-4-5#2',
      'gpt-4:gpt-4#2',
    ]);
    expect(ids({ ...plan, mode: 'zip' })).toEqual(ids(plan));
  });

  it('the cap keeps the first variants of grid and zip', () => {
    const plan: VariationPlan = { targets, temperature: [0.2, 0.5, 0.8], topP: [0.9, 0.95] };
    expect(ids({ ...plan, maxVariants: 4 })).toEqual(ids(plan).slice(0, 4));
    expect(countVariants(plan)).toBe(18);
    expect(countVariants({ ...plan, maxVariants: 4 })).toBe(4);
    expect(countVariants({ ...plan, mode: 'zip' })).toBe(3);
  });

  it('sample: maxVariants distinct combinations of the grid, repeatable by seed', () => {
    const plan: VariationPlan = { targets, temperature: [0.2, 0.5, 0.8], topP: [0.9, 0.95], mode: 'sample' };
    const a = ids({ ...plan, maxVariants: 5, seed: 7 });
    expect(a).toHaveLength(5);
    expect(ids({ ...plan, maxVariants: 5, seed: 7 })).toEqual(a);
    const grid = ids({ ...plan, mode: 'grid' });
    expect(a.every((id) => grid.includes(id))).toBe(true);
    // In grid order.
    expect([...a].sort((x, y) => grid.indexOf(x) - grid.indexOf(y))).toEqual(a);
    const seeds = new Set(
      Array.from({ length: 10 }, (_, seed) => ids({ ...plan, maxVariants: 5, seed }).join()),
    );
    expect(seeds.size).toBeGreaterThan(1);
  });

  it('variants without parameters use provider defaults', () => {
    const [variant] = expandVariants({ targets: targets.slice(0, 1) });
    expect(variant).toEqual({
      id: 'claude:claude-sonnet-4-5#1',
      provider: 'claude',
      kind: 'anthropic',
      model: 'claude-sonnet-4-5',
      attempt: 1,
    });
    expect('temperature' in variant!).toBe(false);
  });

  it('rejects bad plans with a TypeError naming the option', () => {
    expect(() => expandVariants({ targets: [] })).toThrow(/`targets`/);
    expect(() => expandVariants({ targets: [targets[0], targets[0]] })).toThrow(/`targets` lists/);
    expect(() => expandVariants({ targets, temperature: [0.2, 0.2] })).toThrow(/`temperature`/);
    expect(() => expandVariants({ targets, attempts: 0 })).toThrow(/`attempts`/);
    expect(() => expandVariants({ targets, maxVariants: 0 })).toThrow(/`maxVariants`/);
    expect(() => expandVariants({ targets, mode: 'random' as 'grid' })).toThrow(/`mode`/);
    expect(() => new ParameterVariator({ targets, topP: [Number.NaN] })).toThrow(/`topP`/);
  });
});

describe('variantId', () => {
  it('lists only the parameters that are set', () => {
    expect(variantId({ provider: 'p', model: 'm', attempt: 1 })).toBe('p:m#1');
    expect(variantId({ provider: 'p', model: 'm', topP: 0.9, attempt: 2 })).toBe('p:m@p0.9#2');
    expect(variantId({ provider: 'p', model: 'm', temperature: 0, topP: 1, attempt: 1 })).toBe('p:m@t0,p1#1');
  });
});

describe('ParameterVariator', () => {
  it('reads the plan from a config: providers × their models, capped at max_providers', () => {
    const config = validateConfig({
      orchestration: {
        max_providers: 4,
        variations: { providers: ['multi', 'ollama'], temperature: [0.3, 0.7] },
      },
      providers: { multi: { kind: 'openai', models: ['gpt-4o', 'gpt-4o-mini'] } },
    });
    const variator = new ParameterVariator(config);
    expect(planFromConfig(config).targets.map((t) => `${t.provider}:${t.model}`)).toEqual([
      'multi:gpt-4o',
      'multi:gpt-4o-mini',
      'ollama:llama3.2',
    ]);
    expect(variator.size).toBe(4);
    expect(variator.variants().map((v) => v.id)).toEqual([
      'multi:gpt-4o@t0.3#1',
      'multi:gpt-4o-mini@t0.7#1',
      'ollama:llama3.2@t0.3#1',
      'multi:gpt-4o@t0.7#1',
    ]);
    expect(variator.variants()).toBe(variator.variants());
    expect(Object.isFrozen(variator.variants()[0])).toBe(true);
  });
});
