import { ChorusError } from '../errors.js';
import type { QuorumDecision } from './quorumEvents.js';

/**
 * `takeUntilQuorum` with `onNoQuorum: 'error'` found no quorum: the quorum became impossible, or
 * every variant ended without one. `decision` is the best available decision (the one
 * `onNoQuorum: 'best'` would have emitted), so a caller can still fall back on it.
 *
 * @example
 * ```ts
 * catchError((e) => (e instanceof QuorumError ? of(e.decision) : throwError(() => e)))
 * ```
 */
export class QuorumError extends ChorusError {
  readonly type = 'no_quorum' as const;
  /** Asking the same variants again rarely changes their minds; the caller decides. */
  readonly isRetryable = false;
  readonly reason: 'impossible' | 'completed';
  readonly decision: QuorumDecision;

  constructor(decision: QuorumDecision) {
    const why =
      decision.reason === 'impossible'
        ? 'and the variants still to finish cannot reach it'
        : 'and every variant has ended';
    super(
      `No quorum of ${decision.quorum}: the largest agreeing group has ${decision.agreeing} of ` +
        `${decision.finished} finished variant(s) (${decision.failed} failed), ${why}`,
    );
    this.reason = decision.reason === 'impossible' ? 'impossible' : 'completed';
    this.decision = decision;
  }

  /** Counts only: the answers' texts stay out of logs. */
  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      reason: this.reason,
      quorum: this.decision.quorum,
      agreeing: this.decision.agreeing,
      finished: this.decision.finished,
      failed: this.decision.failed,
    };
  }
}
