/**
 * `mayLaunch`: every extra request the pool would send on its own (retry, hedge, fallback) asks the
 * call first, through the real SDKs against the emulator; a refusal sends nothing.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Emulator, type ModelScript, startEmulator } from '../../src/emulator/index.js';
import type { PoolLaunch, ProviderPool } from '../../src/pool/poolTypes.js';
import { createProviderPool } from '../../src/pool/providerPool.js';
import { poolConfig, REQUEST, recorder, run, specOn } from './poolHarness.js';

const TEXT = 'one two three four';
const RETRIES = { max_attempts: 3, base_delay_ms: 0, max_delay_ms: 0 };
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

type Asked = [PoolLaunch, string, string];

/** A `mayLaunch` that answers `allow` and records what it was asked. */
function permission(allow: (launch: PoolLaunch) => boolean) {
  const asked: Asked[] = [];
  return {
    asked,
    mayLaunch: (launch: PoolLaunch, provider: string, model: string) => {
      asked.push([launch, provider, model]);
      return allow(launch);
    },
  };
}

const requestsTo = (model: string): number => emulator.stats().models[model]?.requests ?? 0;

describe('mayLaunch', () => {
  it('is asked before a retry; a refused retry is not sent and ends the variant with a budget error', async () => {
    emulator.setScenario({ models: { 'a-model': { text: TEXT, fault: { kind: 'status', status: 500 } } } });
    const pool = createProviderPool(poolConfig(emulator, { a: { retries: RETRIES } }));
    const rec = recorder();
    const permit = permission(() => false);
    const result = await run(pool.variant(specOn('a', 'v'), REQUEST, { ...rec.options, ...permit }));
    expect(permit.asked).toEqual([['retry', 'a', 'a-model']]);
    expect(result.end).toMatchObject({
      finish: 'error',
      error: { type: 'budget', provider: 'a', variant: 'v' },
    });
    expect(result.text).toBe('');
    await emulator.idle();
    expect(requestsTo('a-model')).toBe(1);
    expect(rec.notices.map((n) => n.type)).toEqual(['retry', 'refused']);
    expect(rec.notices[1]).toEqual({
      type: 'refused',
      variant: 'v',
      launch: 'retry',
      provider: 'a',
      model: 'a-model',
    });
  });

  it('lets an allowed retry go out, asked once per retry', async () => {
    const fault = [
      { kind: 'status', status: 500 },
      { kind: 'status', status: 500 },
      null,
    ] as ModelScript['fault'];
    emulator.setScenario({ models: { 'a-model': { text: TEXT, fault } } });
    const pool = createProviderPool(poolConfig(emulator, { a: { retries: RETRIES } }));
    const permit = permission(() => true);
    const result = await run(pool.variant(specOn('a', 'v'), REQUEST, permit));
    expect(result.text).toBe(TEXT);
    expect(permit.asked).toEqual([
      ['retry', 'a', 'a-model'],
      ['retry', 'a', 'a-model'],
    ]);
    await emulator.idle();
    expect(requestsTo('a-model')).toBe(3);
  });

  it('never asks for the first request of a variant', async () => {
    emulator.setScenario({ models: { '*': { text: TEXT } } });
    const pool = createProviderPool(poolConfig(emulator, { a: { retries: RETRIES, fallback: ['b'] } }));
    const permit = permission(() => false);
    const result = await run(pool.variant(specOn('a', 'v'), REQUEST, permit));
    expect(result.text).toBe(TEXT);
    expect(permit.asked).toEqual([]);
  });

  it('is asked before a fallback; a refused fallback is not sent and carries the failure that caused it', async () => {
    emulator.setScenario({ models: { 'a-model': { text: TEXT, fault: { kind: 'status', status: 500 } } } });
    const pool = createProviderPool(poolConfig(emulator, { a: { fallback: ['b'] } }));
    const rec = recorder();
    const permit = permission((launch) => launch !== 'fallback');
    const result = await run(pool.variant(specOn('a', 'v'), REQUEST, { ...rec.options, ...permit }));
    expect(permit.asked).toEqual([['fallback', 'b', 'b-model']]);
    expect(result.end).toMatchObject({ finish: 'error', error: { type: 'budget', provider: 'b' } });
    const error = result.end?.error as { cause?: unknown } | undefined;
    expect(error?.cause).toMatchObject({ type: 'server', provider: 'a' });
    await emulator.idle();
    expect(requestsTo('a-model')).toBe(1);
    expect(requestsTo('b-model')).toBe(0);
    // No `fallback` notice: the variant never moved.
    expect(rec.notices.map((n) => n.type)).toEqual(['refused']);
  });

  it('treats a throwing mayLaunch as a refusal', async () => {
    emulator.setScenario({ models: { 'a-model': { text: TEXT, fault: { kind: 'status', status: 500 } } } });
    const pool = createProviderPool(poolConfig(emulator, { a: { fallback: ['b'] } }));
    const errors: unknown[] = [];
    const { config } = await import('rxjs');
    const previous = config.onUnhandledError;
    config.onUnhandledError = (e) => errors.push(e);
    try {
      const result = await run(
        pool.variant(specOn('a', 'v'), REQUEST, {
          mayLaunch: () => {
            throw new Error('broken permission');
          },
        }),
      );
      expect(result.end).toMatchObject({ finish: 'error', error: { type: 'budget' } });
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(errors).toEqual([expect.objectContaining({ message: 'broken permission' })]);
    } finally {
      config.onUnhandledError = previous;
    }
    expect(requestsTo('b-model')).toBe(0);
  });

  describe('hedges', () => {
    const WARM_UP = 3;
    const hedged = () =>
      createProviderPool(
        poolConfig(emulator, {
          // The median: the slow first run below does not move it.
          hedging: { max_extra: 1, percentile: 0.5, min_samples: WARM_UP },
          a: { timeouts: { first_token_ms: 5000, idle_ms: 5000, total_ms: 10_000 } },
        }),
      );
    async function warmUp(pool: ProviderPool): Promise<void> {
      emulator.setScenario({ models: { '*': { text: TEXT, ttft: 5 } } });
      for (let i = 0; i < WARM_UP; i++) await run(pool.variant(specOn('a', `warm${i}`), REQUEST));
      // Slow to start, then fine: a hedge would fire after the median of ~5 ms.
      emulator.setScenario({ models: { '*': { text: TEXT, ttft: 250 } } });
      emulator.resetStats();
    }

    it('a refused hedge sends no backup; the primary runs alone and the pool-wide place is given back', async () => {
      const pool = hedged();
      await warmUp(pool);
      const rec = recorder();
      const permit = permission((launch) => launch !== 'hedge');
      const result = await run(pool.variant(specOn('a', 'v'), REQUEST, { ...rec.options, ...permit }));
      expect(result.text).toBe(TEXT);
      expect(permit.asked).toEqual([['hedge', 'a', 'a-model']]);
      expect(rec.notices).toEqual([
        { type: 'refused', variant: 'v', launch: 'hedge', provider: 'a', model: 'a-model' },
      ]);
      await emulator.idle();
      expect(requestsTo('a-model')).toBe(1);

      // The refusal did not keep the only place of `max_extra = 1`: an allowed hedge fires next.
      emulator.resetStats();
      const next = recorder();
      const allowed = await run(
        pool.variant(specOn('a', 'w'), REQUEST, { ...next.options, mayLaunch: () => true }),
      );
      expect(allowed.text).toBe(TEXT);
      expect(next.notices).toEqual([expect.objectContaining({ type: 'hedge', variant: 'w' })]);
      await emulator.idle();
      expect(requestsTo('a-model')).toBe(2);
    });
  });
});
