import type { DecisionPartials } from '../decision.js';
import { ChorusError } from '../errors.js';

/** Why a run ended without a decision. */
export type DecisionErrorType =
  /** The caller's `AbortSignal` fired (or the subscriber left): see `ChorusAbortError`. */
  | 'aborted'
  /** `timeout_seconds` ran out before any variant produced text. */
  | 'timeout'
  /** Every variant failed (or none could be launched, e.g. under the budget) before producing text. */
  | 'no_answer';

/**
 * A run ended without a decision. Nothing is lost: `partials` holds every variant's outcome (text
 * so far, typed error, usage, cost), the cost ledger's totals and the notices, exactly as a
 * `Decision` would.
 *
 * @example
 * ```ts
 * try {
 *   await chorus.run(prompt);
 * } catch (error) {
 *   if (error instanceof DecisionError) {
 *     console.log(error.type, error.partials.cost.usd, error.partials.variants.map((v) => v.error?.type));
 *   }
 * }
 * ```
 */
export class DecisionError extends ChorusError {
  readonly type: DecisionErrorType;
  /** Timeouts are worth another try; an abort or a run where everything failed is the caller's call. */
  readonly isRetryable: boolean;
  readonly partials: DecisionPartials;

  constructor(
    type: DecisionErrorType,
    message: string,
    partials: DecisionPartials,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.type = type;
    this.isRetryable = type === 'timeout';
    this.partials = partials;
  }

  /** Counts and typed errors only: the variants' texts stay out of logs. */
  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      usd: this.partials.cost.usd,
      estimated: this.partials.cost.estimated,
      variants: this.partials.variants.map((v) => ({
        id: v.id,
        outcome: v.outcome,
        chars: v.text.length,
        ...(v.error !== undefined && { error: v.error.toJSON() }),
      })),
    };
  }
}
