import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCostLedger } from '../src/cost/costLedger.js';
import { createPriceTable } from '../src/cost/priceTable.js';

const MODEL_PRICES: Record<string, { input: number; output: number }> = {
  a: { input: 0.15, output: 0.6 },
  b: { input: 3, output: 15 },
  c: { input: 0, output: 0 },
};
const PROVIDER_PRICES: Record<string, { input: number; output: number }> = {
  discount: { input: 0.1, output: 0.2 },
};

const recordArb = fc.record({
  variant: fc.constantFrom('v1', 'v2', 'v3', 'v4'),
  provider: fc.constantFrom('p', 'q', 'discount'),
  model: fc.constantFrom('a', 'b', 'c', 'unpriced'),
  input: fc.nat({ max: 200_000 }),
  output: fc.nat({ max: 50_000 }),
  estimated: fc.boolean(),
});

describe('cost ledger properties', () => {
  it('totals equal the sum of records × prices, and groups sum to the total', () => {
    const prices = createPriceTable({ models: MODEL_PRICES, providers: PROVIDER_PRICES }, { table: {} });
    fc.assert(
      fc.property(fc.array(recordArb, { maxLength: 30 }), (records) => {
        const ledger = createCostLedger(prices);
        for (const r of records) ledger.record(r);
        let expected = 0;
        let unknown = false;
        for (const r of records) {
          const price = PROVIDER_PRICES[r.provider] ?? MODEL_PRICES[r.model];
          if (price) expected += (r.input * price.input + r.output * price.output) / 1e6;
          else unknown = true;
        }
        const total = ledger.total;
        expect(total.pricedUsd).toBeCloseTo(expected, 9);
        expect(total.usd === undefined).toBe(unknown);
        expect(total.estimated).toBe(records.some((r) => r.estimated));
        expect(total.inputTokens).toBe(records.reduce((s, r) => s + r.input, 0));
        for (const groups of [ledger.byVariant(), ledger.byProvider(), ledger.byModel()]) {
          const parts = Object.values(groups);
          expect(parts.reduce((s, g) => s + g.pricedUsd, 0)).toBeCloseTo(total.pricedUsd, 9);
          expect(parts.reduce((s, g) => s + g.records, 0)).toBe(records.length);
        }
      }),
      { numRuns: 200 },
    );
  });
});
