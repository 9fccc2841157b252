/**
 * The variants a decision may add when its confidence is low (`on_low_confidence = "ask"`). Not
 * public: the orchestrator computes them with the plan.
 */
import type { ChorusConfig } from '../config/types.js';
import { expandVariants, planFromConfig, type VariantSpec } from '../variation.js';
import type { OrchestratorPool } from './poolContract.js';

/**
 * Up to `count` variants beyond `plan`, in the order they would be tried, followed by the
 * fallback providers of the planned variants:
 * 1. the plan's own continuation: the variants `max_providers` cut off, in the variation mode's
 *    order (combinations of provider, model, temperature and top_p not planned yet), then further
 *    attempts of the planned combinations (new samples of the same settings);
 * 2. then, for each planned variant, the next provider of its fallback chain that the plan does
 *    not use (so that a budget refusing the planned models may still allow a cheaper one).
 * Ids never repeat a planned id.
 *
 * @example
 * ```ts
 * extraVariants(config, plan, 2, pool); // e.g. ['a:m@t0.8#1', 'b:n@t0.2#1', 'c:o@t0.2#1>…']
 * ```
 */
export function extraVariants(
  config: ChorusConfig,
  plan: readonly VariantSpec[],
  count: number,
  pool?: Pick<OrchestratorPool, 'fallbackSpec'>,
): VariantSpec[] {
  if (count <= 0 || plan.length === 0) return [];
  const base = planFromConfig(config);
  const planned = new Set(plan.map((v) => v.id));
  // More attempts make sure the continuation is never empty; `count` more than the plan suffices.
  const wider = expandVariants({
    ...base,
    attempts: (base.attempts ?? 1) + count,
    maxVariants: plan.length + count,
  });
  const out = wider.filter((v) => !planned.has(v.id)).slice(0, count);
  if (pool !== undefined) {
    const used = [...new Set(plan.map((v) => v.provider))];
    for (const spec of plan) {
      const next = pool.fallbackSpec(spec, used);
      if (next !== undefined && !planned.has(next.id) && !out.some((v) => v.id === next.id)) out.push(next);
    }
  }
  return out;
}
