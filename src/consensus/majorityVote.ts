/**
 * Majority vote: the answer given most often wins.
 */
import type { Candidate } from './candidate.js';
import { mbrMedoid } from './mbrMedoid.js';
import type { Selection } from './selection.js';
import {
  checkKeyOptions,
  decideByVotes,
  type KeyOptions,
  resolveKey,
  sortCandidates,
} from './voteInternals.js';

/** Options of {@link majorityVote}. */
export interface MajorityVoteOptions extends KeyOptions {}

/**
 * Counts one vote per candidate for its answer and returns the most common answer, carried by its
 * best member (higher score, clean finish, then smaller id).
 *
 * What counts as "the same answer" depends on `kind` (default `text`):
 * - `math` / `choice`: the extracted final number or letter (`extractAnswer`);
 * - `code`: the execution behaviour (`execution` pass bits) when every candidate was executed and
 *   `execution` is not false, else the code's normal form (comments and layout ignored);
 * - `text`: free text rarely repeats exactly, so the vote is over similarity instead: the medoid
 *   (`mbrMedoid`, minimum Bayes risk under trigram-cosine similarity).
 * A `key` function overrides all of these. Candidates without an answer do not vote but count in
 * the total. Ties between answers go to more votes, then the better representative, then the
 * smaller key, so the result never depends on the order of `candidates`.
 *
 * `confidence` is the winning answer's share of all candidates.
 *
 * @example
 * majorityVote(candidates, { kind: 'math', prompt: question });
 * // → { text, winner: 'gpt-4o-mini#1', confidence: 0.58, reason: '7 of 12 answers say 18; next: 24 with 3', … }
 */
export function majorityVote(candidates: readonly Candidate[], options: MajorityVoteOptions = {}): Selection {
  checkKeyOptions(options, 'majorityVote');
  const sorted = sortCandidates(candidates, 'majorityVote');
  if ((options.kind ?? 'text') === 'text' && options.key === undefined) {
    return mbrMedoid(sorted, { method: 'majority' });
  }
  const key = resolveKey(options, sorted);
  return decideByVotes(
    sorted.map((candidate) => ({ candidate, key: key(candidate), weight: 1 })),
    'majority',
    'share',
  );
}
