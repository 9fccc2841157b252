/** Small order statistics for benchmark samples. */

/** The `q`-quantile (0..1) of `values` by linear interpolation; NaN for no values. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] ?? Number.NaN;
  const b = sorted[hi] ?? Number.NaN;
  return a + (b - a) * (pos - lo);
}

/** The median of `values`. */
export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Median, p90, p99 and max. */
export function summary(values: readonly number[]): {
  readonly n: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
} {
  return {
    n: values.length,
    p50: quantile(values, 0.5),
    p90: quantile(values, 0.9),
    p99: quantile(values, 0.99),
    max: values.length === 0 ? Number.NaN : Math.max(...values),
  };
}

/** `value` with `digits` decimals, or `–` when it is not a finite number. */
export function fmt(value: number, digits = 1): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '–';
}

/** A ratio as `1.23x`. */
export function ratio(a: number, b: number, digits = 2): string {
  return b > 0 && Number.isFinite(a) ? `${(a / b).toFixed(digits)}x` : '–';
}

/** Whether a target holds, as a table cell. */
export function verdict(ok: boolean): string {
  return ok ? 'met' : 'MISSED';
}
