/** Options of {@link createLatencyTracker}. */
export interface LatencyTrackerOptions {
  /**
   * How many recent samples are kept; older ones are forgotten, so the percentiles follow a
   * provider whose latency changes.
   * @defaultValue 256
   */
  readonly capacity?: number;
}

/** Recent latencies of one provider (times to first token) and their percentiles. */
export interface LatencyTracker {
  /** Adds a sample in milliseconds; negative, NaN and infinite values are ignored. */
  record(ms: number): void;
  /**
   * The `p`-quantile (`p` in (0, 1], e.g. 0.95) of the kept samples by the nearest-rank method
   * (always one of the samples, never interpolated), or `undefined` with no sample.
   */
  percentile(p: number): number | undefined;
  /** Samples kept now (at most `capacity`). */
  readonly count: number;
}

/**
 * Creates a latency tracker: a ring buffer of the most recent samples.
 *
 * Only requests that produced a first token are samples; requests cancelled before it (a hedge's
 * loser, a decision made without them) are not, so the tail is somewhat underestimated: hedges fire
 * a little early rather than late.
 *
 * @example
 * ```ts
 * const ttft = createLatencyTracker({ capacity: 100 });
 * ttft.record(180);
 * ttft.percentile(0.95); // 180
 * ```
 */
export function createLatencyTracker(options: LatencyTrackerOptions = {}): LatencyTracker {
  const capacity = options.capacity ?? 256;
  if (!(Number.isInteger(capacity) && capacity >= 1)) {
    throw new TypeError(`\`capacity\` must be an integer >= 1, got ${String(capacity)}`);
  }
  const samples: number[] = [];
  let nextSlot = 0;
  return {
    record(ms) {
      if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) return;
      if (samples.length < capacity) samples.push(ms);
      else samples[nextSlot] = ms;
      nextSlot = (nextSlot + 1) % capacity;
    },
    percentile(p) {
      if (typeof p !== 'number' || !(p > 0 && p <= 1)) {
        throw new TypeError(`\`p\` must be a number in (0, 1], got ${String(p)}`);
      }
      if (samples.length === 0) return undefined;
      const sorted = samples.slice().sort((a, b) => a - b);
      // The epsilon keeps float noise (0.7 × 10 = 7.000000000000001) from skipping a rank.
      const rank = Math.max(1, Math.ceil(p * sorted.length - 1e-9));
      return sorted[rank - 1];
    },
    get count() {
      return samples.length;
    },
  };
}
