import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLatencyTracker } from '../../src/pool/latencyTracker.js';

describe('createLatencyTracker', () => {
  it('gives nearest-rank percentiles of the samples', () => {
    const t = createLatencyTracker();
    expect(t.percentile(0.95)).toBeUndefined();
    for (let i = 1; i <= 20; i++) t.record(i * 10);
    expect(t.count).toBe(20);
    expect(t.percentile(0.95)).toBe(190);
    expect(t.percentile(0.5)).toBe(100);
    expect(t.percentile(1)).toBe(200);
    expect(t.percentile(0.01)).toBe(10);
  });

  it('does not skip a rank on float noise (0.7 × 10)', () => {
    const t = createLatencyTracker();
    for (let i = 1; i <= 10; i++) t.record(i);
    expect(t.percentile(0.7)).toBe(7);
  });

  it('keeps only the most recent `capacity` samples and ignores nonsense', () => {
    const t = createLatencyTracker({ capacity: 3 });
    for (const ms of [1000, 1000, 1000, 5, 6, 7]) t.record(ms);
    t.record(Number.NaN);
    t.record(-1);
    t.record(Number.POSITIVE_INFINITY);
    expect(t.count).toBe(3);
    expect(t.percentile(1)).toBe(7);
  });

  it('rejects bad arguments naming them', () => {
    expect(() => createLatencyTracker({ capacity: 0 })).toThrow(/`capacity`/);
    expect(() => createLatencyTracker().percentile(0)).toThrow(/`p`/);
    expect(() => createLatencyTracker().percentile(1.5)).toThrow(/`p`/);
  });

  it('a percentile is always one of the kept samples, and grows with p (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 10_000 }), { minLength: 1, maxLength: 50 }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        (samples, p, q) => {
          const t = createLatencyTracker({ capacity: 64 });
          for (const s of samples) t.record(s);
          const a = t.percentile(Math.min(p, q))!;
          const b = t.percentile(Math.max(p, q))!;
          expect(samples).toContain(a);
          expect(a).toBeLessThanOrEqual(b);
          expect(t.percentile(1)).toBe(Math.max(...samples));
        },
      ),
      { numRuns: 200 },
    );
  });
});
