import type { DecisionPartials } from '../decision.js';
import { DecisionError } from './decisionError.js';

/**
 * The caller cancelled a run (its `AbortSignal` fired): every request was aborted and `run()`
 * rejects with this. `partials` carries what the run had: each variant's text so far, its usage
 * (estimated for the aborted streams) and cost, so an aborted run is still accounted for.
 * `cause` is the signal's `reason`.
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * setTimeout(() => controller.abort(), 1000);
 * await chorus.run(prompt, { signal: controller.signal }).catch((e) => {
 *   if (e instanceof ChorusAbortError) bill(e.partials.cost);
 * });
 * ```
 */
export class ChorusAbortError extends DecisionError {
  override readonly type = 'aborted' as const;

  constructor(partials: DecisionPartials, reason?: unknown) {
    super('aborted', 'The decision was aborted by the caller; every request was cancelled', partials, {
      cause: reason,
    });
  }
}
