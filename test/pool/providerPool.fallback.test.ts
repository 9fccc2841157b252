/** Each fallback path through the real SDKs: a → b (anthropic) → c (ollama). */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Emulator, type Fault, type Scenario, startEmulator } from '../../src/emulator/index.js';
import { createProviderPool } from '../../src/pool/providerPool.js';
import { poolConfig, REQUEST, recorder, run, specOn } from './poolHarness.js';

const TEXT = 'one two three four five six';
let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ models: { '*': { text: TEXT } } });
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => {
  emulator.resetStats();
});

const chained = (a: Record<string, unknown> = {}) =>
  createProviderPool(poolConfig(emulator, { a: { fallback: ['b'], ...a }, b: { fallback: ['c'] } }));

function failing(scripts: Scenario['models']): void {
  emulator.setScenario({ models: { '*': { text: TEXT, interToken: 2 }, ...scripts } });
}

describe('fallback chains', () => {
  const beforeHeaders: [string, Fault][] = [
    ['a 500', { kind: 'status', status: 500 }],
    ['a 529 overloaded', { kind: 'status', status: 529 }],
    ['a reset before headers', { kind: 'reset_before_headers' }],
    ['an in-band error before the first token', { kind: 'inband_error', afterTokens: 0 }],
  ];
  it.each(beforeHeaders)('%s → the next provider serves the variant', async (_, fault) => {
    failing({ 'a-model': { text: TEXT, fault } });
    const rec = recorder();
    const result = await run(
      chained().variant(specOn('a', 'v1', { temperature: 0.4 }), REQUEST, rec.options),
    );
    expect(result.text).toBe(TEXT);
    expect(result.events[0]).toMatchObject({ type: 'start', variant: 'v1', provider: 'b', model: 'b-model' });
    expect(result.events.filter((e) => e.type === 'start')).toHaveLength(1);
    expect(result.end).toMatchObject({ variant: 'v1', finish: 'stop' });
    expect(rec.notices).toEqual([
      expect.objectContaining({ type: 'fallback', variant: 'v1', from: 'a', to: 'b' }),
    ]);
    // One usage record per request sent, each naming the provider that received it.
    expect(rec.usage.map((u) => [u.provider, u.model, u.variant])).toEqual([
      ['a', 'a-model', 'v1'],
      ['b', 'b-model', 'v1'],
    ]);
  });

  it('a first-token timeout → the next provider; the slow request is aborted', async () => {
    failing({ 'a-model': { text: TEXT, ttft: 5000 } });
    const rec = recorder();
    const pool = chained({ timeouts: { first_token_ms: 200, idle_ms: 1000, total_ms: 10_000 } });
    const result = await run(pool.variant(specOn('a'), REQUEST, rec.options));
    expect(result.text).toBe(TEXT);
    expect(result.events[0]).toMatchObject({ provider: 'b' });
    const notice = rec.notices[0];
    expect(notice?.type === 'fallback' && notice.error).toMatchObject({
      type: 'timeout',
      timeout: 'first_token',
    });
    await emulator.idle();
    expect(emulator.stats().models['a-model']).toMatchObject({
      requests: 1,
      clientsGone: 1,
      tokensAfterGone: 0,
    });
    expect(rec.usage[0]).toMatchObject({ provider: 'a', estimated: true });
  });

  it('retries on the same provider first, then falls back', async () => {
    failing({ 'a-model': { text: TEXT, fault: { kind: 'status', status: 500 } } });
    const rec = recorder();
    const pool = chained({ retries: { max_attempts: 2, base_delay_ms: 5, max_delay_ms: 5 } });
    const result = await run(pool.variant(specOn('a'), REQUEST, rec.options));
    expect(result.text).toBe(TEXT);
    expect(rec.notices.map((n) => n.type)).toEqual(['retry', 'fallback']);
    expect(emulator.stats().models['a-model']?.requests).toBe(2);
  });

  it('walks the chain recursively: a and b fail before a token → c serves', async () => {
    failing({
      'a-model': { fault: { kind: 'status', status: 503 } },
      'b-model': { fault: { kind: 'reset_before_headers' } },
    });
    const rec = recorder();
    const result = await run(chained().variant(specOn('a'), REQUEST, rec.options));
    expect(result.text).toBe(TEXT);
    expect(result.events[0]).toMatchObject({ provider: 'c', model: 'c-model' });
    expect(rec.notices).toEqual([
      expect.objectContaining({ type: 'fallback', from: 'a', to: 'b' }),
      expect.objectContaining({ type: 'fallback', from: 'b', to: 'c' }),
    ]);
  });

  it('ends with the last error when the whole chain fails', async () => {
    failing({
      'a-model': { fault: { kind: 'status', status: 503 } },
      'b-model': { fault: { kind: 'status', status: 500 } },
      'c-model': { fault: { kind: 'status', status: 404 } },
    });
    const result = await run(chained().variant(specOn('a'), REQUEST));
    expect(result.events).toHaveLength(1);
    expect(result.end).toMatchObject({
      variant: 'a#1',
      finish: 'error',
      error: { type: 'bad_request', provider: 'c' },
    });
  });

  const midStream: [string, Fault, string][] = [
    ['a reset after 2 tokens', { kind: 'reset', afterTokens: 2 }, 'connection'],
    ['a stall after 2 tokens', { kind: 'stall', afterTokens: 2 }, 'timeout'],
    ['a close without the end marker', { kind: 'close_without_end', afterTokens: 2 }, 'truncated'],
  ];
  it.each(midStream)(
    '%s: no fallback, the variant ends with its error and partial text',
    async (_, fault, type) => {
      failing({ 'a-model': { text: TEXT, interToken: 2, fault } });
      const rec = recorder();
      const pool = chained({
        retries: { max_attempts: 3, base_delay_ms: 0, max_delay_ms: 0 },
        timeouts: { first_token_ms: 2000, idle_ms: 200, total_ms: 10_000 },
      });
      const result = await run(pool.variant(specOn('a'), REQUEST, rec.options));
      expect(result.text).toBe('one two');
      expect(result.events[0]).toMatchObject({ provider: 'a' });
      expect(result.end).toMatchObject({ finish: 'error', error: { type, provider: 'a', variant: 'a#1' } });
      expect(rec.notices).toEqual([]);
      expect(emulator.stats().models['b-model']).toBeUndefined();
      expect(emulator.stats().models['a-model']?.requests).toBe(1); // and no retry after a token
    },
  );

  it('a missing key falls back without sending anything to the keyless provider', async () => {
    failing({});
    const config = poolConfig(emulator, {
      a: { api_key: undefined, api_key_env: 'NOPE_KEY', fallback: ['c'] },
    });
    const rec = recorder();
    const result = await run(
      createProviderPool(config, { env: {} }).variant(specOn('a'), REQUEST, rec.options),
    );
    expect(result.events[0]).toMatchObject({ provider: 'c' });
    expect(rec.notices[0]).toMatchObject({ type: 'fallback', from: 'a', to: 'c', error: { type: 'auth' } });
    expect(emulator.stats().totals.requests).toBe(1);
  });
});
