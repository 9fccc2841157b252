import type { Decision, VariantOutcome } from '../decision.js';
import type { DecisionReport, SlowestVariant } from './decisionReport.js';

/** What the CLI knows beyond the decision. */
export interface DecisionReportExtras {
  /**
   * When each cancelled variant would have ended, in ms after its launch, if known (the demo knows
   * it from the emulator's plan). Without it, a cancelled variant's full time is unknown.
   */
  readonly plannedMs?: (variant: VariantOutcome) => number | undefined;
  /** The recorded label of the chosen answer (demo only). */
  readonly label?: (decision: Decision) => { readonly correct: boolean; readonly target: string } | undefined;
}

/**
 * The report printed after a race, from the orchestrator's `Decision`: the decision and why, its
 * latency against the slowest variant (finished, planned, or cut by the cancellation), the cost
 * table (cancelled and failed variants included, their counts marked estimated).
 *
 * @example
 * process.stdout.write(renderDecision(toDecisionReport(decision), 80));
 */
export function toDecisionReport(decision: Decision, extras: DecisionReportExtras = {}): DecisionReport {
  let slowest: SlowestVariant | undefined;
  for (const v of decision.variants) {
    if (v.outcome === 'skipped') continue;
    const launch = v.timings.launchMs;
    const end =
      v.timings.endMs ?? (v.timings.durationMs !== undefined ? launch + v.timings.durationMs : undefined);
    let candidate: SlowestVariant | undefined;
    if (v.outcome === 'cancelled') {
      const planned = extras.plannedMs?.(v);
      // It had not finished when it was cut, so it would have ended no earlier than that.
      if (planned !== undefined)
        candidate = { id: v.id, ms: Math.max(launch + planned, end ?? 0), how: 'planned' };
      else if (end !== undefined) candidate = { id: v.id, ms: end, how: 'cut' };
    } else if (end !== undefined) {
      candidate = { id: v.id, ms: end, how: 'finished' };
    }
    if (candidate !== undefined && (slowest === undefined || candidate.ms > slowest.ms)) slowest = candidate;
  }
  return {
    text: decision.text,
    winner: decision.winner,
    method: decision.method,
    confidence: decision.confidence,
    reason: decision.reason,
    noConsensus: decision.noConsensus,
    answer: decision.quorum.key,
    cached: decision.cached,
    latencyMs: decision.timings.decidedMs,
    slowest,
    costs: decision.variants.map((v) => ({
      id: v.id,
      provider: v.provider,
      model: v.model,
      outcome: v.outcome,
      inputTokens: v.cost.inputTokens,
      outputTokens: v.cost.outputTokens,
      estimated: v.cost.estimated,
      usd: v.cost.usd,
      error: v.outcome === 'failed' || v.outcome === 'skipped' ? v.error?.message : undefined,
    })),
    totalUsd: decision.cost.usd,
    pricedUsd: decision.cost.total.pricedUsd,
    unpriced: decision.cost.total.unpriced,
    label: extras.label?.(decision),
  };
}
