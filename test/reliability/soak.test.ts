/**
 * Issue 9, part 3: a soak through one `LLMOrchestrator`, the real SDKs and the emulator (in a child
 * process, so the figures are chorus's own): 200 decisions at concurrency 20 in CI, 1,000 with
 * `CHORUS_SOAK=1` (and any size with `npx tsx bench/soak.ts`). Memory after a full GC may not grow
 * by 10 % after the warm-up; nothing may stay open; the event-loop delay is reported.
 */
import { describe, expect, it } from 'vitest';
import { formatSoak, runSoak } from '../../bench/soak.js';
import { watchUnhandled } from './harness.js';

const LONG = process.env['CHORUS_SOAK'] === '1';
const DECISIONS = LONG ? 1000 : 350;
const WARMUP = LONG ? 200 : 150;

describe('soak', () => {
  it(`${DECISIONS} decisions at concurrency 20: no growth, nothing left open`, {
    timeout: LONG ? 300_000 : 60_000,
  }, async () => {
    const unhandled = watchUnhandled();
    const report = await runSoak({ decisions: DECISIONS, concurrency: 20, warmup: WARMUP });
    unhandled.stop();
    console.log(`soak (${LONG ? 'long' : 'CI'} version)\n${formatSoak(report)}`);

    expect(unhandled.seen).toEqual([]);
    // Every call settled; with 5 % of requests faulted, almost all still reach the quorum.
    const rejected = Object.values(report.outcomes.rejected).reduce((a, b) => a + b, 0);
    expect(report.outcomes.consensus + report.outcomes.noConsensus + rejected).toBe(DECISIONS);
    expect(report.outcomes.consensus).toBeGreaterThanOrEqual(DECISIONS * 0.95);
    // Every request was closed, nothing was written to a client that had gone, no handle left.
    expect(report.requests.openAtEnd).toBe(0);
    expect(report.requests.tokensAfterGone).toBe(0);
    expect(report.requests.cancelled).toBeGreaterThan(0);
    expect(report.leftOpen).toEqual([]);
    // Memory after a full GC: RSS under +10 % after the warm-up (the bar); the heap too,
    // with more room (it starts small, and the breakers keep their time window of outcomes).
    expect(report.rss.growthPct).toBeLessThan(10);
    expect(report.heapUsed.growthPct).toBeLessThan(25);
  });
});
