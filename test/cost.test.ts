import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { validateConfig } from '../src/config/validateConfig.js';
import { createCostLedger } from '../src/cost/costLedger.js';
import { createPriceTable, type RawPriceEntry } from '../src/cost/priceTable.js';

const shipped = JSON.parse(
  readFileSync(new URL('../data/model_prices.json', import.meta.url), 'utf8'),
) as Record<string, RawPriceEntry>;
/** USD per million tokens from the shipped per-token table. */
const perMillion = (model: string, field: 'input_cost_per_token' | 'output_cost_per_token') =>
  shipped[model]![field]! * 1e6;

describe('the shipped price table', () => {
  it('keeps only the fields its README lists', () => {
    const allowed = new Set([
      'litellm_provider',
      'mode',
      'input_cost_per_token',
      'output_cost_per_token',
      'cache_read_input_token_cost',
      'cache_creation_input_token_cost',
      'max_input_tokens',
      'max_output_tokens',
    ]);
    for (const entry of Object.values(shipped))
      for (const key of Object.keys(entry)) expect(allowed).toContain(key);
    const readme = readFileSync(new URL('../data/README.md', import.meta.url), 'utf8');
    expect(readme).toMatch(/Wei-Shaw\/model-price-repo/);
    expect(readme).toMatch(/f9ff1473/);
    expect(readme).toMatch(/MIT/);
  });

  it('prices by exact name, in USD per million tokens', () => {
    const prices = createPriceTable();
    expect(prices.size).toBe(Object.keys(shipped).length);
    const price = prices.lookup('gpt-4o-mini')!;
    expect(price.input).toBeCloseTo(perMillion('gpt-4o-mini', 'input_cost_per_token'), 9);
    expect(price.output).toBeCloseTo(perMillion('gpt-4o-mini', 'output_cost_per_token'), 9);
    expect(price).toMatchObject({ source: 'table', matched: 'gpt-4o-mini' });
    expect(prices.lookup('claude-sonnet-4-5')!.cacheRead).toBeCloseTo(
      shipped['claude-sonnet-4-5']!.cache_read_input_token_cost! * 1e6,
      9,
    );
  });

  it.each([
    ['GPT-4o-Mini', 'gpt-4o-mini'],
    ['openai/gpt-4o', 'gpt-4o'],
    ['anthropic/claude-haiku-4-5', 'claude-haiku-4-5'],
    ['gpt-4o-2099-01-01', 'gpt-4o'],
    ['claude-sonnet-4-5-20991231', 'claude-sonnet-4-5'],
    ['claude-sonnet-4-5@20250929', 'claude-sonnet-4-5'],
    ['claude-sonnet-4-5-20250929-v1:0', 'claude-sonnet-4-5-20250929-v1:0'],
    ['claude-opus-4-1-20250805-v2:0', 'claude-opus-4-1-20250805'],
  ])('normalizes %s → %s', (model, matched) => {
    expect(createPriceTable().lookup(model, { kind: 'openai' })?.matched).toBe(matched);
  });

  it('an unknown model is unpriced, never free', () => {
    const prices = createPriceTable();
    expect(prices.lookup('llama-local-7b')).toBeUndefined();
    expect(prices.cost({ input: 100, output: 100 }, 'llama-local-7b')).toBeUndefined();
    // An entry without an output price (image generation) cannot price a chat either.
    expect(prices.lookup('gpt-image-1')).toBeUndefined();
  });
});

describe('overrides', () => {
  it('a model override wins over the table; a provider override wins over both', () => {
    const prices = createPriceTable({
      models: { 'gpt-4o-mini': { input: 1, output: 2 } },
      providers: { cheap: { input: 0.5, output: 0.5 } },
    });
    expect(prices.lookup('gpt-4o-mini')).toMatchObject({ input: 1, output: 2, source: 'model' });
    expect(prices.lookup('gpt-4o-mini', { provider: 'cheap' })).toMatchObject({
      input: 0.5,
      output: 0.5,
      source: 'provider',
      matched: 'cheap',
    });
    expect(prices.lookup('gpt-4o-mini', { provider: 'other' })).toMatchObject({ source: 'model' });
  });

  it('a partial override takes the rest from the table, or stays unpriced', () => {
    const prices = createPriceTable({ models: { 'gpt-4o-mini': { output: 9 }, mine: { input: 1 } } });
    const price = prices.lookup('gpt-4o-mini')!;
    expect(price.output).toBe(9);
    expect(price.input).toBeCloseTo(perMillion('gpt-4o-mini', 'input_cost_per_token'), 9);
    expect(prices.lookup('mine')).toBeUndefined();
  });

  it('reads overrides from a validated config (ollama is free by default)', () => {
    const config = validateConfig({
      orchestration: { variations: { providers: ['claude', 'ollama', 'vllm'] } },
      providers: {
        vllm: {
          kind: 'openai_compatible',
          base_url: 'http://127.0.0.1:8000/v1',
          model: 'qwen',
          prices: { input: 0.2, output: 0.4 },
        },
      },
      prices: { 'claude-sonnet-4-5': { input: 2 } },
    });
    const prices = createPriceTable(config);
    expect(prices.lookup('llama3.2', { provider: 'ollama' })).toMatchObject({ input: 0, output: 0 });
    expect(prices.lookup('qwen', { provider: 'vllm' })).toMatchObject({ input: 0.2, output: 0.4 });
    expect(prices.lookup('claude-sonnet-4-5', { provider: 'claude' })).toMatchObject({
      input: 2,
      source: 'model',
    });
    expect(prices.lookup('qwen')).toBeUndefined();
  });

  it('rejects a negative override with a TypeError naming it', () => {
    expect(() => createPriceTable({ models: { m: { input: -1 } } })).toThrow(/`models\.m\.input`/);
  });

  it('can use another table', () => {
    const prices = createPriceTable(
      {},
      { table: { m: { input_cost_per_token: 1e-6, output_cost_per_token: 2e-6 } } },
    );
    expect(prices.cost({ input: 1_000_000, output: 500_000 }, 'm')).toBeCloseTo(2, 12);
  });
});

describe('createCostLedger', () => {
  const prices = createPriceTable({ models: { a: { input: 1, output: 2 }, b: { input: 10, output: 30 } } });

  it('totals equal the sum of records × prices, per variant, provider, model and overall', () => {
    const ledger = createCostLedger(prices);
    ledger.record({
      variant: 'p1:a#1',
      provider: 'p1',
      model: 'a',
      input: 1000,
      output: 500,
      estimated: false,
    });
    ledger.record({ variant: 'p1:a#1', provider: 'p1', model: 'a', input: 10, output: 0, estimated: false });
    ledger.record({
      variant: 'p2:b#1',
      provider: 'p2',
      model: 'b',
      input: 2000,
      output: 100,
      estimated: true,
    });
    const usdA = (1010 * 1 + 500 * 2) / 1e6;
    const usdB = (2000 * 10 + 100 * 30) / 1e6;
    expect(ledger.total.usd).toBeCloseTo(usdA + usdB, 12);
    expect(ledger.total).toMatchObject({
      inputTokens: 3010,
      outputTokens: 600,
      estimated: true,
      unpriced: [],
      records: 3,
    });
    expect(ledger.byVariant()['p1:a#1']).toMatchObject({ inputTokens: 1010, estimated: false, records: 2 });
    expect(ledger.byVariant()['p1:a#1']!.usd).toBeCloseTo(usdA, 12);
    expect(ledger.byProvider()['p2']).toMatchObject({ estimated: true });
    expect(ledger.byProvider()['p2']!.usd).toBeCloseTo(usdB, 12);
    expect(Object.keys(ledger.byModel())).toEqual(['a', 'b']);
    expect(ledger.entries).toHaveLength(3);
    expect(JSON.parse(JSON.stringify(ledger)).total.records).toBe(3);
  });

  it('an unpriced model makes the total unknown, not smaller', () => {
    const ledger = createCostLedger(prices);
    ledger.record({
      variant: 'v1',
      provider: 'p',
      model: 'a',
      input: 1_000_000,
      output: 0,
      estimated: false,
    });
    const entry = ledger.record({
      variant: 'v2',
      provider: 'q',
      model: 'mystery',
      input: 5,
      output: 5,
      estimated: false,
    });
    expect(entry.usd).toBeUndefined();
    expect(entry.price).toBeUndefined();
    expect(ledger.total.usd).toBeUndefined();
    expect(ledger.total.pricedUsd).toBeCloseTo(1, 12);
    expect(ledger.total.unpriced).toEqual(['mystery']);
    expect(ledger.byProvider()['p']!.usd).toBeCloseTo(1, 12);
    expect(ledger.byProvider()['q']!.usd).toBeUndefined();
  });

  it('absurd counts are recorded as 0 and flagged, never crash or poison the totals', () => {
    const ledger = createCostLedger(prices);
    const entry = ledger.record({
      variant: 'v',
      provider: 'p',
      model: 'a',
      input: -5,
      output: Number.NaN,
      estimated: false,
    });
    expect(entry).toMatchObject({ input: 0, output: 0, estimated: true, invalid: true, usd: 0 });
    expect(ledger.total).toMatchObject({ usd: 0, estimated: true });
  });

  it('estimate counts the prompt and assumes the whole output limit', () => {
    const countTokens = vi.fn(() => 100);
    const ledger = createCostLedger(prices, { countTokens });
    expect(
      ledger.estimate({ provider: 'p', model: 'b', prompt: 'hello', maxOutputTokens: 1000 }),
    ).toBeCloseTo((100 * 10 + 1000 * 30) / 1e6, 12);
    expect(countTokens).toHaveBeenCalledWith('hello', 'b');
    expect(ledger.estimate({ provider: 'p', model: 'b', inputTokens: 7, maxOutputTokens: 0 })).toBeCloseTo(
      70 / 1e6,
      12,
    );
    expect(
      ledger.estimate({ provider: 'p', model: 'nope', inputTokens: 7, maxOutputTokens: 10 }),
    ).toBeUndefined();
  });

  it('estimate uses the real token counter by default', () => {
    const ledger = createCostLedger(createPriceTable());
    const usd = ledger.estimate({
      provider: 'openai',
      model: 'gpt-4o-mini',
      prompt: 'Hello, world!',
      maxOutputTokens: 0,
    });
    expect(usd).toBeCloseTo((4 * perMillion('gpt-4o-mini', 'input_cost_per_token')) / 1e6, 12);
  });

  it('wouldExceed: spent + next against the budget; an unknown next cost exceeds', () => {
    const ledger = createCostLedger(prices);
    ledger.record({ variant: 'v', provider: 'p', model: 'a', input: 1_000_000, output: 0, estimated: false }); // $1
    expect(ledger.wouldExceed(2, 0.5)).toBe(false);
    expect(ledger.wouldExceed(2, 1)).toBe(false);
    expect(ledger.wouldExceed(2, 1.01)).toBe(true);
    expect(ledger.wouldExceed(0.5, 0)).toBe(true);
    expect(ledger.wouldExceed(100, undefined)).toBe(true);
    expect(() => ledger.wouldExceed(-1, 0)).toThrow(/`budgetUsd`/);
  });
});
