/**
 * Confidence threshold: a decision only when enough candidates agree; otherwise the best guess,
 * flagged, or a request for more variants.
 */
import type { Selection } from './selection.js';

/** Options of {@link confidenceThreshold}. */
export interface ConfidenceThresholdOptions {
  /**
   * The least `confidence` (in [0, 1]) the base selection must have: vote share for a majority,
   * posterior probability for a reliability-weighted vote, mean similarity for free text.
   * @defaultValue 0.5
   */
  readonly minAgreement?: number;
  /** The least number of candidates in the winning group (1 = no minimum). @defaultValue 1 */
  readonly minVotes?: number;
  /**
   * Below the threshold: `'flag'` returns the best candidate with `noConsensus: true`; `'ask'`
   * also sets `moreVariants: true`, telling the orchestrator to request more variants.
   * @defaultValue 'flag'
   */
  readonly onLow?: 'flag' | 'ask';
}

/**
 * Applies a minimum agreement to a strategy's selection. The text and winner stay the base's best
 * candidate either way, so a caller can still show it, marked as low-confidence. Monotone: raising
 * `minAgreement` or `minVotes` can only turn a decision into "no consensus", never the reverse.
 *
 * @example
 * const s = confidenceThreshold(majorityVote(candidates, { kind: 'math' }), { minAgreement: 0.6, onLow: 'ask' });
 * if (s.moreVariants) requestMore();
 */
export function confidenceThreshold(
  selection: Selection,
  options: ConfidenceThresholdOptions = {},
): Selection {
  const { minAgreement = 0.5, minVotes = 1, onLow = 'flag' } = options;
  if (!(typeof minAgreement === 'number' && minAgreement >= 0 && minAgreement <= 1)) {
    throw new TypeError(
      `confidenceThreshold: \`minAgreement\` must be a number in [0, 1], got ${String(minAgreement)}`,
    );
  }
  if (!(Number.isInteger(minVotes) && minVotes >= 1)) {
    throw new TypeError(
      `confidenceThreshold: \`minVotes\` must be a positive integer, got ${String(minVotes)}`,
    );
  }
  if (onLow !== 'flag' && onLow !== 'ask') {
    throw new TypeError(`confidenceThreshold: \`onLow\` must be 'flag' or 'ask', got ${String(onLow)}`);
  }
  // Strategies without groups (tournament, merge) stand for one candidate: their winner.
  const votes = selection.groups[0]?.members.length ?? (selection.winner === undefined ? 0 : 1);
  const short: string[] = [];
  if (selection.confidence < minAgreement) {
    short.push(`agreement ${selection.confidence.toFixed(2)} < ${minAgreement}`);
  }
  if (votes < minVotes) short.push(`${votes} agreeing < ${minVotes} required`);
  if (selection.noConsensus === true && short.length === 0)
    short.push('the base strategy found no consensus');
  if (short.length === 0) {
    return {
      ...selection,
      method: 'confidence',
      noConsensus: false,
      reason: `${selection.reason} (agreement ${selection.confidence.toFixed(2)} ≥ ${minAgreement})`,
    };
  }
  return {
    ...selection,
    method: 'confidence',
    noConsensus: true,
    ...(onLow === 'ask' && { moreVariants: true }),
    reason: `no consensus: ${short.join(', ')}; best guess: ${selection.reason}`,
  };
}
