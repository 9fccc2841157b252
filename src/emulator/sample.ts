import type { Random } from './random.js';
import type { Distribution } from './scenario.js';

/**
 * One draw, in milliseconds, from a delay {@link Distribution}. Constants consume no randomness;
 * `lognormal` uses Box–Muller (two uniforms) plus one uniform for the slow path when it is set, and
 * a second one for the slow-path factor when it is taken. Never negative.
 *
 * @example
 * const random = createRandom(1);
 * sample({ kind: 'lognormal', median: 200, sigma: 0.6 }, random); // ≈ 200 on average in log space
 */
export function sample(distribution: Distribution, random: Random): number {
  if (typeof distribution === 'number') return Math.max(0, distribution);
  switch (distribution.kind) {
    case 'constant':
      return Math.max(0, distribution.ms);
    case 'uniform':
      return Math.max(0, distribution.min + (distribution.max - distribution.min) * random.next());
    case 'lognormal': {
      let ms = distribution.median * Math.exp(distribution.sigma * standardNormal(random));
      const slow = distribution.slowPath;
      if (slow !== undefined && random.next() < slow.p) {
        const [low, high] = slow.factor;
        ms *= low + (high - low) * random.next();
      }
      return Math.max(0, ms);
    }
    default:
      return assertNeverDistribution(distribution);
  }
}

/** A standard normal draw by Box–Muller; `1 - u` keeps the logarithm away from 0. */
function standardNormal(random: Random): number {
  const u1 = 1 - random.next();
  const u2 = random.next();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

function assertNeverDistribution(value: never): never {
  throw new TypeError(`Unknown distribution: ${JSON.stringify(value)}`);
}
