import type { OrchestrationStrategy } from '../config/types.js';
import type { VariantSpec } from '../variation.js';
import type { PromptComplexity } from './promptComplexity.js';

/** Which planned variants start at once, and which are held back. */
export interface LaunchOrder {
  readonly initial: readonly VariantSpec[];
  /** Launched one by one, in this order, while the quorum needs them (cascade only). */
  readonly reserve: readonly VariantSpec[];
}

/**
 * Splits the plan by `orchestration.strategy`:
 * - `parallel`: every planned variant at once.
 * - `cascade`: for a `complex` prompt (see `promptComplexity`), every planned variant at once,
 *   since hard prompts usually need the whole chorus and escalating one by one would only add
 *   latency. Otherwise the plan is ordered cheapest first (by the worst-case cost of one request:
 *   prompt tokens + the output limit, at the model's price; unpriced models last; ties keep the
 *   plan order), the first `quorum` start, and each of the rest is launched only when the ones
 *   running can no longer reach the quorum (they disagreed or failed).
 *
 * @param cost - the worst-case USD of one request of a variant, `undefined` when unpriced.
 * @example
 * ```ts
 * launchOrder(variants, 'cascade', 2, promptComplexity(prompt), (v) => ledger.estimate({ ... }));
 * ```
 */
export function launchOrder(
  plan: readonly VariantSpec[],
  strategy: OrchestrationStrategy,
  quorum: number,
  complexity: PromptComplexity,
  cost: (spec: VariantSpec) => number | undefined,
): LaunchOrder {
  if (strategy === 'parallel' || complexity.level === 'complex' || plan.length <= quorum) {
    return { initial: plan, reserve: [] };
  }
  const priced = plan.map((spec, index) => ({ spec, index, usd: cost(spec) }));
  priced.sort((a, b) => {
    if (a.usd === undefined || b.usd === undefined) {
      return (a.usd === undefined ? 1 : 0) - (b.usd === undefined ? 1 : 0) || a.index - b.index;
    }
    return a.usd - b.usd || a.index - b.index;
  });
  const ordered = priced.map((p) => p.spec);
  return { initial: ordered.slice(0, quorum), reserve: ordered.slice(quorum) };
}
