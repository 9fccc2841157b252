/**
 * Rate limits, `retry-after` and the circuit breaker, seen from the emulator: the timestamps of the
 * requests that reached it and how many did.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Emulator, type Scenario, startEmulator } from '../../src/emulator/index.js';
import { createProviderPool } from '../../src/pool/providerPool.js';
import { delay, poolConfig, REQUEST, recorder, run, specOn } from './poolHarness.js';

const TEXT = 'fine thanks';
let emulator: Emulator;
const plain: Scenario = { models: { '*': { text: TEXT } } };

beforeAll(async () => {
  emulator = await startEmulator(plain);
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => {
  emulator.setScenario(plain);
  emulator.resetStats();
});

const arrivals = () => emulator.stats().log.map((r) => r.startedAt);

describe('rate limits', () => {
  it('hold under a burst: rpm = 120 lets 120 through at once, then one every 500 ms', async () => {
    const pool = createProviderPool(poolConfig(emulator, { a: { rpm: 120 } }));
    const extra = 3;
    const t0 = performance.now();
    const results = await Promise.all(
      Array.from({ length: 120 + extra }, (_, i) => run(pool.variant(specOn('a', `a#${i}`), REQUEST))),
    );
    expect(results.every((r) => r.text === TEXT)).toBe(true);
    const times = arrivals().sort((x, y) => x - y);
    expect(times).toHaveLength(120 + extra);
    // The bucket holds 120, so at most 120 + n requests can have arrived n × 500 ms after the start:
    // the (120 + k)-th arrival comes no sooner than (k + 1) refills. Lower bounds only (a loaded
    // machine may send late, never early), with 30 ms of slack for clock and timer granularity.
    // (A sliding-window check on arrivals would be wrong: the burst itself may reach the emulator
    // late on a busy machine, while the bucket refills from the moment it was granted.)
    for (let k = 0; k < extra; k++) expect(times[120 + k]! - t0).toBeGreaterThanOrEqual(500 * (k + 1) - 30);
    expect(times[119]! - t0).toBeLessThan(5000);
  });

  it('honour retry-after: the retry and other requests of the provider wait for it', async () => {
    emulator.setScenario({
      models: { '*': { text: TEXT, fault: [{ kind: 'status', status: 429, retryAfter: 1 }, null, null] } },
    });
    const pool = createProviderPool(
      poolConfig(emulator, { a: { retries: { max_attempts: 3, base_delay_ms: 10, max_delay_ms: 20 } } }),
    );
    const rec = recorder();
    const first = run(pool.variant(specOn('a', 'first'), REQUEST, rec.options));
    await delay(200);
    // A second variant of the same provider, sent while the provider asked us to pause.
    const second = run(pool.variant(specOn('a', 'second'), REQUEST));
    const [a, b] = await Promise.all([first, second]);
    expect(a.text).toBe(TEXT);
    expect(b.text).toBe(TEXT);
    const [refused, ...later] = emulator.stats().log;
    expect(refused!.status).toBe(429);
    expect(later).toHaveLength(2);
    for (const record of later) expect(record.startedAt - refused!.startedAt).toBeGreaterThanOrEqual(950);
    expect(rec.notices).toEqual([
      { type: 'rate_limited', provider: 'a', waitMs: 1000 },
      expect.objectContaining({ type: 'retry', variant: 'first', provider: 'a', attempt: 1, delayMs: 1000 }),
    ]);
    const retry = rec.notices[1]!;
    expect(retry.type === 'retry' && retry.error.type).toBe('rate_limited');
    // One usage record per request sent: the refused one billed nothing.
    expect(rec.usage.map((u) => [u.input, u.output])).toEqual([[0, 0], expect.any(Array)]);
    expect(rec.usage[1]!.estimated).toBe(false);
  });

  it('give up at once (and fall back) when retry-after exceeds the provider’s total time limit', async () => {
    emulator.setScenario({
      models: { 'a-model': { fault: { kind: 'status', status: 429, retryAfter: 5 } }, '*': { text: TEXT } },
    });
    const config = poolConfig(emulator, {
      a: {
        fallback: ['b'],
        retries: { max_attempts: 3, base_delay_ms: 10, max_delay_ms: 20 },
        timeouts: { first_token_ms: 1000, idle_ms: 1000, total_ms: 2000 },
      },
    });
    const pool = createProviderPool(config);
    const t0 = performance.now();
    const result = await run(pool.variant(specOn('a'), REQUEST));
    expect(result.text).toBe(TEXT);
    expect(result.events[0]).toMatchObject({ provider: 'b' });
    expect(performance.now() - t0).toBeLessThan(1500);
    // While that pause lasts, the next variant does not even try `a`: it moves on at once.
    const rec = recorder();
    const next = await run(pool.variant(specOn('a', 'next'), REQUEST, rec.options));
    expect(next.events[0]).toMatchObject({ provider: 'b' });
    expect(emulator.stats().models['a-model']?.requests).toBe(1);
    const moved = rec.notices[0];
    expect(moved?.type === 'fallback' && moved.error).toMatchObject({ type: 'rate_limited', provider: 'a' });
  });
});

describe('circuit breaker', () => {
  const breakerConfig = () =>
    poolConfig(emulator, {
      a: { circuit_breaker: { failure_rate: 0.5, min_requests: 2, window_ms: 60_000, cooldown_ms: 400 } },
    });

  it('opens after failures (no more requests reach the provider) and recovers after the cool-down', async () => {
    emulator.setScenario({
      models: {
        '*': { text: TEXT, fault: [{ kind: 'status', status: 500 }, { kind: 'reset_before_headers' }] },
      },
    });
    const pool = createProviderPool(breakerConfig());
    const rec = recorder();
    for (const id of ['v1', 'v2']) {
      const failed = await run(pool.variant(specOn('a', id), REQUEST, rec.options));
      expect(failed.end?.error?.type).toMatch(/server|connection/);
    }
    expect(pool.health().a!.state).toBe('open');

    const t0 = performance.now();
    const refused = await run(pool.variant(specOn('a', 'v3'), REQUEST, rec.options));
    expect(performance.now() - t0).toBeLessThan(100);
    expect(refused.end?.error).toMatchObject({ type: 'circuit_open', provider: 'a', variant: 'v3' });
    expect(emulator.stats().totals.requests).toBe(2);
    expect(rec.notices).toContainEqual({ type: 'circuit_open', provider: 'a' });
    expect(rec.usage).toHaveLength(2); // nothing billed for the refused one: nothing was sent

    await delay(450);
    expect(pool.health().a!.state).toBe('half_open');
    const probe = await run(pool.variant(specOn('a', 'v4'), REQUEST));
    expect(probe.text).toBe(TEXT);
    expect(pool.health().a!.state).toBe('closed');
    expect(emulator.stats().totals.requests).toBe(3);
  });

  it('an open circuit moves a variant down its fallback chain at once', async () => {
    emulator.setScenario({
      models: { 'a-model': { fault: { kind: 'status', status: 503 } }, '*': { text: TEXT } },
    });
    const config = poolConfig(emulator, {
      a: {
        fallback: ['b'],
        circuit_breaker: { failure_rate: 0.5, min_requests: 1, window_ms: 60_000, cooldown_ms: 60_000 },
      },
    });
    const pool = createProviderPool(config);
    await run(pool.variant(specOn('a', 'opener'), REQUEST));
    expect(pool.health().a!.state).toBe('open');
    emulator.resetStats();
    const rec = recorder();
    const result = await run(pool.variant(specOn('a', 'v'), REQUEST, rec.options));
    expect(result.text).toBe(TEXT);
    expect(emulator.stats().models['a-model']).toBeUndefined();
    expect(rec.notices).toEqual([
      { type: 'circuit_open', provider: 'a' },
      expect.objectContaining({
        type: 'fallback',
        from: 'a',
        to: 'b',
        error: expect.objectContaining({ type: 'circuit_open' }),
      }),
    ]);
  });

  it('does not count a 429 or a bad request as a provider failure', async () => {
    emulator.setScenario({
      models: {
        '*': {
          text: TEXT,
          fault: [
            { kind: 'status', status: 429 },
            { kind: 'status', status: 400 },
            { kind: 'status', status: 429 },
          ],
        },
      },
    });
    const pool = createProviderPool(breakerConfig());
    for (const id of ['v1', 'v2', 'v3']) await run(pool.variant(specOn('a', id), REQUEST));
    expect(pool.health().a!.state).toBe('closed');
  });
});
