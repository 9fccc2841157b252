import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/emulator/index.js';

describe('createRandom', () => {
  it('repeats for a seed and differs between seeds', () => {
    const draws = (seed: number | string) => {
      const random = createRandom(seed);
      return Array.from({ length: 5 }, () => random.next());
    };
    expect(draws(42)).toEqual(draws(42));
    expect(draws('1/m/0/ttft')).toEqual(draws('1/m/0/ttft'));
    expect(draws(42)).not.toEqual(draws(43));
    expect(draws('1/m/0/ttft')).not.toEqual(draws('1/m/1/ttft'));
  });

  it('is uniform in [0, 1) (mean and spread of 20,000 draws)', () => {
    const random = createRandom(7);
    const buckets = new Array<number>(10).fill(0);
    let sum = 0;
    let min = 1;
    let max = 0;
    for (let i = 0; i < 20_000; i++) {
      const x = random.next();
      min = Math.min(min, x);
      max = Math.max(max, x);
      sum += x;
      buckets[Math.floor(x * 10)]!++;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(sum / 20_000).toBeCloseTo(0.5, 1);
    for (const count of buckets) expect(Math.abs(count - 2000)).toBeLessThan(200);
  });
});
