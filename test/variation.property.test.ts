import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countVariants, expandVariants, type VariationPlan } from '../src/variation.js';

const KINDS = ['openai', 'anthropic', 'ollama', 'openai_compatible'] as const;

const planArb: fc.Arbitrary<VariationPlan> = fc.record({
  targets: fc.uniqueArray(
    fc.record({
      provider: fc.constantFrom('a', 'b', 'claude', 'gpt-4', 'local.x'),
      model: fc.constantFrom('m1', 'm-2', 'llama3.1:8b', 'org/model'),
      kind: fc.constantFrom(...KINDS),
    }),
    { minLength: 1, maxLength: 6, selector: (t) => `${t.provider}:${t.model}` },
  ),
  temperature: fc.uniqueArray(
    fc.integer({ min: 0, max: 20 }).map((x) => x / 10),
    { maxLength: 5 },
  ),
  topP: fc.uniqueArray(
    fc.integer({ min: 1, max: 20 }).map((x) => x / 20),
    { maxLength: 4 },
  ),
  attempts: fc.integer({ min: 1, max: 3 }),
  mode: fc.constantFrom('grid' as const, 'zip' as const, 'sample' as const),
  seed: fc.nat(),
  maxVariants: fc.oneof(fc.integer({ min: 1, max: 40 }), fc.constant(Number.POSITIVE_INFINITY)),
});

const size = (list: readonly unknown[] | undefined) => Math.max(1, list?.length ?? 0);
const combo = (v: {
  provider: string;
  model: string;
  temperature?: number;
  topP?: number;
  attempt: number;
}) => JSON.stringify([v.provider, v.model, v.temperature ?? null, v.topP ?? null, v.attempt]);

describe('expandVariants properties', () => {
  it('ids are unique, and stable across calls', () => {
    fc.assert(
      fc.property(planArb, (plan) => {
        const first = expandVariants(plan);
        expect(new Set(first.map((v) => v.id)).size).toBe(first.length);
        expect(expandVariants(structuredClone(plan)).map((v) => v.id)).toEqual(first.map((v) => v.id));
      }),
      { numRuns: 200 },
    );
  });

  it('the count matches the mode and respects the cap', () => {
    fc.assert(
      fc.property(planArb, (plan) => {
        const variants = expandVariants(plan);
        const targets = plan.targets.length;
        const grid = targets * size(plan.temperature) * size(plan.topP) * plan.attempts!;
        const zip = Math.max(targets, size(plan.temperature), size(plan.topP)) * plan.attempts!;
        const uncapped = plan.mode === 'zip' ? zip : grid;
        expect(variants.length).toBe(Math.min(uncapped, plan.maxVariants!));
        expect(countVariants(plan)).toBe(variants.length);
        expect(variants.length).toBeLessThanOrEqual(plan.maxVariants!);
      }),
      { numRuns: 200 },
    );
  });

  it('uncapped grid is exactly the cartesian product', () => {
    fc.assert(
      fc.property(planArb, (plan) => {
        const variants = expandVariants({ ...plan, mode: 'grid', maxVariants: Number.POSITIVE_INFINITY });
        const expected = new Set<string>();
        const temps = plan.temperature?.length ? plan.temperature : [undefined];
        const tops = plan.topP?.length ? plan.topP : [undefined];
        for (let attempt = 1; attempt <= plan.attempts!; attempt++)
          for (const t of plan.targets)
            for (const temperature of temps)
              for (const topP of tops)
                expected.add(
                  combo({
                    ...t,
                    attempt,
                    ...(temperature !== undefined && { temperature }),
                    ...(topP !== undefined && { topP }),
                  }),
                );
        expect(new Set(variants.map(combo))).toEqual(expected);
        expect(variants.length).toBe(expected.size);
      }),
      { numRuns: 150 },
    );
  });

  it('a seeded sample is a repeatable subset of the grid', () => {
    fc.assert(
      fc.property(planArb, (plan) => {
        const sample = { ...plan, mode: 'sample' as const };
        const drawn = expandVariants(sample).map(combo);
        expect(expandVariants(sample).map(combo)).toEqual(drawn);
        const grid = new Set(
          expandVariants({ ...plan, mode: 'grid', maxVariants: Number.POSITIVE_INFINITY }).map(combo),
        );
        for (const c of drawn) expect(grid.has(c)).toBe(true);
        expect(new Set(drawn).size).toBe(drawn.length);
      }),
      { numRuns: 150 },
    );
  });

  it('the first variants of a grid use distinct targets (diversity under a cap)', () => {
    fc.assert(
      fc.property(planArb, (plan) => {
        const variants = expandVariants({ ...plan, mode: 'grid' });
        const head = variants.slice(0, plan.targets.length);
        expect(new Set(head.map((v) => `${v.provider}:${v.model}`)).size).toBe(head.length);
      }),
      { numRuns: 150 },
    );
  });
});
