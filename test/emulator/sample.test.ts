import { describe, expect, it } from 'vitest';
import { createRandom, type Distribution, sample } from '../../src/emulator/index.js';

function draws(distribution: Distribution, n: number, seed = 1): number[] {
  const random = createRandom(seed);
  return Array.from({ length: n }, () => sample(distribution, random));
}

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(q * (sorted.length - 1))]!;
};

describe('sample', () => {
  it('constants consume no randomness', () => {
    const random = createRandom(3);
    expect(sample(25, random)).toBe(25);
    expect(sample({ kind: 'constant', ms: 7 }, random)).toBe(7);
    expect(random.next()).toBe(createRandom(3).next());
  });

  it('uniform stays within its bounds', () => {
    const values = draws({ kind: 'uniform', min: 10, max: 20 }, 2000);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...values)).toBeLessThan(20);
    expect(quantile(values, 0.5)).toBeGreaterThan(14);
    expect(quantile(values, 0.5)).toBeLessThan(16);
  });

  it('lognormal has the requested median and p95/p50 ≈ e^(1.645σ)', () => {
    const values = draws({ kind: 'lognormal', median: 200, sigma: 0.6 }, 10_000);
    const p50 = quantile(values, 0.5);
    const p95 = quantile(values, 0.95);
    expect(p50).toBeGreaterThan(190);
    expect(p50).toBeLessThan(210);
    expect(p95 / p50).toBeGreaterThan(Math.exp(1.645 * 0.6) * 0.9);
    expect(p95 / p50).toBeLessThan(Math.exp(1.645 * 0.6) * 1.1);
    expect(Math.min(...values)).toBeGreaterThan(0);
  });

  it('the slow path multiplies about p of the draws', () => {
    const distribution: Distribution = {
      kind: 'lognormal',
      median: 100,
      sigma: 0,
      slowPath: { p: 0.05, factor: [5, 20] },
    };
    const values = draws(distribution, 10_000);
    const slow = values.filter((v) => v > 100.001);
    expect(slow.length / values.length).toBeGreaterThan(0.04);
    expect(slow.length / values.length).toBeLessThan(0.06);
    expect(Math.min(...slow)).toBeGreaterThanOrEqual(500);
    expect(Math.max(...slow)).toBeLessThanOrEqual(2000);
  });

  it('is repeatable for a seed', () => {
    const d: Distribution = { kind: 'lognormal', median: 50, sigma: 1, slowPath: { p: 0.1, factor: [2, 3] } };
    expect(draws(d, 100, 9)).toEqual(draws(d, 100, 9));
    expect(draws(d, 100, 9)).not.toEqual(draws(d, 100, 10));
  });
});
