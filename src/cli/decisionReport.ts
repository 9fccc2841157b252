/**
 * What the CLI prints after a race: the decision, why it won, its latency against the slowest
 * variant, the cost table and (in the demo) whether the chosen answer was right. Plain data, made
 * from the engine's `Decision` by `decisionReport`, rendered by `renderDecision`.
 */

import type { VariantOutcomeKind } from '../decision.js';

/** One line of the cost table. */
export interface CostLine {
  readonly id: string;
  readonly provider: string;
  readonly model: string;
  readonly outcome: VariantOutcomeKind;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Counted locally (the stream was cancelled or failed), not reported by the provider. */
  readonly estimated: boolean;
  /** USD, `undefined` when the model has no price. */
  readonly usd: number | undefined;
  /** One line about a failure. */
  readonly error?: string | undefined;
}

/** The slowest variant, for the latency comparison. */
export interface SlowestVariant {
  readonly id: string;
  /** Milliseconds from the start of the race to its end. */
  readonly ms: number;
  /**
   * `finished`: it really finished; `planned`: it was cancelled, and `ms` is when the emulator had
   * planned to end it; `cut`: it was cancelled and its full time is unknown (`ms` is when it was cut).
   */
  readonly how: 'finished' | 'planned' | 'cut';
}

/** Everything `renderDecision` prints. */
export interface DecisionReport {
  /** The decided answer (empty when there is none). */
  readonly text: string;
  /** The winning variant, when there is one. */
  readonly winner: string | undefined;
  /** The consensus method that decided. */
  readonly method: string;
  /** 0..1. */
  readonly confidence: number;
  /** Why it won, in a sentence. */
  readonly reason: string;
  readonly noConsensus: boolean;
  /** The answer the winners agree on (e.g. the final number), when there is a key. */
  readonly answer?: string | undefined;
  /** Served from the cache. */
  readonly cached?: boolean | undefined;
  /** Milliseconds from the start to the decision. */
  readonly latencyMs: number;
  readonly slowest?: SlowestVariant | undefined;
  readonly costs: readonly CostLine[];
  /** The total USD, `undefined` when any part is unpriced. */
  readonly totalUsd: number | undefined;
  /** USD of the priced parts. */
  readonly pricedUsd: number;
  /** Models without a price. */
  readonly unpriced: readonly string[];
  /** Only in the demo: the recorded label of the chosen answer. */
  readonly label?: { readonly correct: boolean; readonly target: string } | undefined;
}
