/** Hedging through the real SDKs: when it fires, when it does not, who wins, and the budget. */
import { Subscription } from 'rxjs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { UsageRecord } from '../../src/cost/costLedger.js';
import { type Emulator, type ModelScript, startEmulator } from '../../src/emulator/index.js';
import type { VariantEvent } from '../../src/events.js';
import type { PoolNotice, ProviderPool } from '../../src/pool/poolTypes.js';
import { createProviderPool } from '../../src/pool/providerPool.js';
import { delay, poolConfig, REQUEST, recorder, run, specOn, until } from './poolHarness.js';

const TEXT = 'alpha beta gamma delta';
const WARM_UP = 3;
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

const hedged = (maxExtra = 1) =>
  createProviderPool(
    poolConfig(emulator, {
      hedging: { max_extra: maxExtra, percentile: 0.95, min_samples: WARM_UP },
      a: { timeouts: { first_token_ms: 5000, idle_ms: 5000, total_ms: 10_000 } },
    }),
  );

/** Gives provider `a` its TTFT samples (scripted `ttft` each), then installs `next`. */
async function warmUp(pool: ProviderPool, ttft: number, next: ModelScript): Promise<void> {
  emulator.setScenario({ models: { '*': { text: TEXT, ttft } } });
  for (let i = 0; i < WARM_UP; i++) await run(pool.variant(specOn('a', `warm${i}`), REQUEST));
  emulator.setScenario({ models: { '*': next } });
  emulator.resetStats();
}

describe('hedging', () => {
  it('fires for a primary with no first token by the p95 TTFT: the backup wins, the primary is aborted and billed', async () => {
    const pool = hedged();
    await warmUp(pool, 5, { text: TEXT, ttft: 5, fault: [{ kind: 'stall', afterTokens: 0 }, null] });
    const p95 = pool.health().a!.ttftP95Ms!;
    expect(p95).toBeGreaterThan(0);
    const rec = recorder();
    const result = await run(pool.variant(specOn('a', 'v'), REQUEST, rec.options));
    // Exactly one answer, one start: the hedge never duplicates text.
    expect(result.text).toBe(TEXT);
    expect(result.events.filter((e) => e.type === 'start')).toHaveLength(1);
    expect(result.end).toMatchObject({ variant: 'v', finish: 'stop' });
    expect(rec.notices).toEqual([{ type: 'hedge', variant: 'v', provider: 'a', afterMs: p95 }]);
    await emulator.idle();
    const [primary, backup] = emulator.stats().log;
    expect(primary).toMatchObject({ index: 0, outcome: 'gone', tokensAfterGone: 0 });
    expect(backup).toMatchObject({ index: 1, outcome: 'completed' });
    // Arrival times at the emulator, not send times: loose (the exact delay is the marble tests' job).
    expect(backup!.startedAt - primary!.startedAt).toBeGreaterThanOrEqual(p95 * 0.5);
    await until(() => rec.usage.length === 2, 2000, 'both usage records');
    expect(rec.usage.map((u) => u.estimated).sort()).toEqual([false, true]);
  });

  it('does not fire for a primary faster than the p95 TTFT', async () => {
    const pool = hedged();
    await warmUp(pool, 300, { text: TEXT, ttft: 0 });
    const rec = recorder();
    const result = await run(pool.variant(specOn('a', 'fast'), REQUEST, rec.options));
    expect(result.text).toBe(TEXT);
    expect(rec.notices).toEqual([]);
    expect(emulator.stats().totals.requests).toBe(1);
  });

  it('does not fire before the provider has min_samples TTFTs', async () => {
    const pool = hedged(1);
    emulator.setScenario({ models: { '*': { text: TEXT, fault: { kind: 'stall', afterTokens: 0 } } } });
    const sub = pool.variant(specOn('a', 'cold'), REQUEST).subscribe();
    await delay(300);
    expect(emulator.stats().totals.requests).toBe(1);
    sub.unsubscribe();
  });

  it('does not fire with max_extra = 0, whatever the samples', async () => {
    const pool = hedged(0);
    await warmUp(pool, 0, { text: TEXT, fault: { kind: 'stall', afterTokens: 0 } });
    expect(pool.health().a!.ttftP95Ms).toBeDefined();
    const sub = pool.variant(specOn('a', 'stalled'), REQUEST).subscribe();
    await delay(300);
    expect(emulator.stats().totals.requests).toBe(1);
    sub.unsubscribe();
  });

  it('keeps to the budget: with max_extra = 1, two slow variants get one hedge between them', async () => {
    const pool = hedged(1);
    const stall = { kind: 'stall', afterTokens: 0 } as const;
    await warmUp(pool, 5, { text: TEXT, fault: [stall, stall, null, null] });
    const notices: PoolNotice[] = [];
    const events: VariantEvent[] = [];
    const subs = new Subscription();
    for (const id of ['v1', 'v2']) {
      subs.add(
        pool
          .variant(specOn('a', id), REQUEST, { onNotice: (n) => notices.push(n) })
          .subscribe((e) => events.push(e)),
      );
    }
    await until(() => events.some((e) => e.type === 'end'), 3000, 'the hedged variant to end');
    await delay(300); // time enough for a second hedge, which must not come
    expect(notices.filter((n) => n.type === 'hedge')).toHaveLength(1);
    expect(emulator.stats().totals.requests).toBe(3);
    subs.unsubscribe();
    await emulator.idle();
    expect(emulator.stats().totals.clientsGone).toBe(2); // the hedged primary and the unhedged one
  });

  it('bills every request of a hedged variant to the variant and provider', async () => {
    const pool = hedged();
    await warmUp(pool, 5, { text: TEXT, fault: [{ kind: 'stall', afterTokens: 0 }, null] });
    const usage: UsageRecord[] = [];
    await run(pool.variant(specOn('a', 'billed'), REQUEST, { onUsage: (u) => usage.push(u) }));
    await until(() => usage.length === 2, 2000, 'two usage records');
    expect(usage.every((u) => u.variant === 'billed' && u.provider === 'a' && u.model === 'a-model')).toBe(
      true,
    );
  });
});
