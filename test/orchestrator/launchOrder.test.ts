import { describe, expect, it } from 'vitest';
import { launchOrder } from '../../src/orchestrator/launchOrder.js';
import type { VariantSpec } from '../../src/variation.js';

const spec = (provider: string): VariantSpec => ({
  id: `${provider}:m#1`,
  provider,
  kind: 'openai',
  model: 'm',
  attempt: 1,
});
const plan = ['a', 'b', 'c', 'd'].map(spec);
const usd: Record<string, number | undefined> = { a: 3, b: 1, c: undefined, d: 1 };
const cost = (s: VariantSpec) => usd[s.provider];
const simple = { score: 0.1, level: 'simple' } as const;

describe('launchOrder', () => {
  it('launches the whole plan for `parallel`', () => {
    expect(launchOrder(plan, 'parallel', 2, simple, cost)).toEqual({ initial: plan, reserve: [] });
  });

  it('starts the cheapest `quorum` for `cascade`, unpriced last, ties in plan order', () => {
    const order = launchOrder(plan, 'cascade', 2, simple, cost);
    expect(order.initial.map((s) => s.provider)).toEqual(['b', 'd']);
    expect(order.reserve.map((s) => s.provider)).toEqual(['a', 'c']);
  });

  it('launches everything for a complex prompt, or when the plan is no larger than the quorum', () => {
    expect(launchOrder(plan, 'cascade', 2, { score: 0.8, level: 'complex' }, cost).reserve).toEqual([]);
    expect(launchOrder(plan.slice(0, 2), 'cascade', 2, simple, cost).reserve).toEqual([]);
  });
});
