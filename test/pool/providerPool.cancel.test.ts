/** Unsubscribing (or a caller's AbortSignal) cancels a variant at every stage and leaves nothing behind. */
import { fromEvent, merge, takeUntil, VirtualAction, VirtualTimeScheduler } from 'rxjs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { UsageRecord } from '../../src/cost/costLedger.js';
import { type Emulator, fillerText, startEmulator } from '../../src/emulator/index.js';
import type { VariantEvent } from '../../src/events.js';
import { createProviderPool } from '../../src/pool/providerPool.js';
import { delay, poolConfig, REQUEST, recorder, run, specOn, until } from './poolHarness.js';

let emulator: Emulator;
const LONG = fillerText(2000);

beforeAll(async () => {
  emulator = await startEmulator({ models: { '*': { text: LONG, interToken: 20 } } });
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => {
  emulator.setScenario({ models: { '*': { text: LONG, interToken: 20 } } });
  emulator.resetStats();
});

describe('cancellation', () => {
  it('an AbortSignal (through takeUntil) cancels every request mid-stream: the emulator sees all clients go away', async () => {
    const pool = createProviderPool(poolConfig(emulator));
    const controller = new AbortController();
    const usage: UsageRecord[] = [];
    const events: VariantEvent[] = [];
    const abort$ = fromEvent(controller.signal, 'abort');
    let completed = false;
    merge(
      ...(['a', 'b', 'c'] as const).map((p) =>
        pool.variant(specOn(p), REQUEST, { onUsage: (u) => usage.push(u) }),
      ),
    )
      .pipe(takeUntil(abort$))
      .subscribe({ next: (e) => events.push(e), complete: () => (completed = true) });
    await until(
      () => new Set(events.filter((e) => e.type === 'delta').map((e) => e.variant)).size === 3,
      5000,
      'three streams',
    );
    controller.abort();
    expect(completed).toBe(true);
    await emulator.idle();
    const totals = emulator.stats().totals;
    expect(totals).toMatchObject({ requests: 3, clientsGone: 3, tokensAfterGone: 0, open: 0 });
    // Each cancelled request is still billed, estimated from what was received.
    await until(() => usage.length === 3, 2000, 'three usage records');
    expect(usage.every((u) => u.estimated && u.output > 0)).toBe(true);
    expect(pool.health().a).toMatchObject({ inFlight: 0, waiting: 0 });
  });

  it('cancels while waiting for the rate limiter: nothing is sent, no timer is left', async () => {
    // The pool's own timers on a virtual clock, so that exactly they can be counted.
    const scheduler = virtualClock();
    const pool = createProviderPool(poolConfig(emulator, { a: { rpm: 1 } }), { scheduler });
    const first = pool.variant(specOn('a', 'first'), REQUEST).subscribe();
    await until(() => emulator.stats().totals.requests === 1, 2000, 'the first request');
    first.unsubscribe();
    expect(pending(scheduler)).toBe(0);
    const waiting = pool.variant(specOn('a', 'second'), REQUEST).subscribe();
    expect(pool.health().a!.waiting).toBe(1);
    expect(pending(scheduler)).toBe(2); // the limiter's refill timer and the total timeout
    waiting.unsubscribe();
    expect(pool.health().a!.waiting).toBe(0);
    expect(pending(scheduler)).toBe(0);
    await delay(50);
    expect(emulator.stats().totals.requests).toBe(1);
  });

  it('cancels while waiting for a concurrency slot', async () => {
    const pool = createProviderPool(poolConfig(emulator, { a: { max_concurrency: 1 } }));
    const running = pool.variant(specOn('a', 'running'), REQUEST).subscribe();
    const queued = pool.variant(specOn('a', 'queued'), REQUEST).subscribe();
    expect(pool.health().a).toMatchObject({ inFlight: 1, waiting: 1 });
    await until(() => emulator.stats().totals.requests === 1, 2000, 'the running request');
    queued.unsubscribe();
    expect(pool.health().a!.waiting).toBe(0);
    running.unsubscribe();
    await emulator.idle();
    expect(emulator.stats().totals).toMatchObject({ requests: 1, clientsGone: 1 });
  });

  it('cancels during a retry backoff: no further request, no timer left', async () => {
    emulator.setScenario({ models: { '*': { text: LONG, fault: { kind: 'status', status: 503 } } } });
    const scheduler = virtualClock();
    const pool = createProviderPool(
      poolConfig(emulator, { a: { retries: { max_attempts: 3, base_delay_ms: 5000, max_delay_ms: 5000 } } }),
      { scheduler },
    );
    const rec = recorder();
    const sub = pool.variant(specOn('a'), REQUEST, rec.options).subscribe();
    await until(() => rec.notices.some((n) => n.type === 'retry'), 2000, 'a retry notice');
    expect(pending(scheduler)).toBe(2); // the backoff and the total timeout
    sub.unsubscribe();
    expect(pending(scheduler)).toBe(0);
    await delay(50);
    expect(emulator.stats().totals.requests).toBe(1);
  });

  it('cancels while waiting for the first token (and a pending hedge timer)', async () => {
    const scheduler = virtualClock();
    const pool = createProviderPool(poolConfig(emulator, { hedging: { max_extra: 2, min_samples: 1 } }), {
      scheduler,
    });
    // One TTFT sample (0 ms on the virtual clock), so the next request arms a hedge timer.
    emulator.setScenario({ models: { '*': { text: 'warm' } } });
    await run(pool.variant(specOn('b', 'warm'), REQUEST));
    emulator.setScenario({ models: { '*': { text: LONG, ttft: 5000 } } });
    emulator.resetStats();
    const sub = pool.variant(specOn('b'), REQUEST).subscribe();
    await until(() => emulator.stats().totals.requests === 1, 2000, 'the request');
    // The hedge timer, the first-token and total timeouts (idle starts at the first token).
    expect(pending(scheduler)).toBe(3);
    sub.unsubscribe();
    expect(pending(scheduler)).toBe(0);
    await emulator.idle();
    expect(emulator.stats().totals).toMatchObject({ clientsGone: 1, open: 0 });
  });

  it('a variant that completes leaves no timer behind', async () => {
    emulator.setScenario({ models: { '*': { text: 'short answer' } } });
    const scheduler = virtualClock();
    const pool = createProviderPool(poolConfig(emulator, { a: { rpm: 600 } }), { scheduler });
    const result = await run(pool.variant(specOn('a'), REQUEST));
    expect(result.text).toBe('short answer');
    expect(pending(scheduler)).toBe(0);
  });
});

/** A virtual clock that never advances by itself: the pool's timers wait in its queue. */
function virtualClock(): VirtualTimeScheduler {
  return new VirtualTimeScheduler(VirtualAction, Number.POSITIVE_INFINITY);
}

/** Timers the pool scheduled and has not cancelled. */
function pending(scheduler: VirtualTimeScheduler): number {
  return scheduler.actions.filter((action) => !action.closed).length;
}
