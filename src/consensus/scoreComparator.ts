/**
 * A tournament comparator from scorer scores: no model call, deterministic.
 */
import type { Candidate } from './candidate.js';

/** Options of {@link scoreComparator}. */
export interface ScoreComparatorOptions {
  /**
   * Compare by one scorer's score (`candidate.scores[name]`) instead of the combined `score`.
   * @defaultValue the combined `score`
   */
  readonly scorer?: string;
}

/**
 * Returns `compare(a, b)` = (score of a) − (score of b): > 0 when `a` scores higher, 0 on a tie.
 * A missing score counts as 0. Fits `tournamentReduce` and `tournament`.
 *
 * @example
 * await tournament(candidates, scoreComparator({ scorer: 'syntax' }));
 */
export function scoreComparator(
  options: ScoreComparatorOptions = {},
): (a: Candidate, b: Candidate) => number {
  const { scorer } = options;
  if (scorer !== undefined && (typeof scorer !== 'string' || scorer === '')) {
    throw new TypeError('scoreComparator: `scorer` must be a scorer name');
  }
  const value = (c: Candidate): number => (scorer === undefined ? c.score : c.scores?.[scorer]) ?? 0;
  return (a, b) => value(a) - value(b);
}
