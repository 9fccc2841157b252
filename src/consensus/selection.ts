/**
 * The one result shape every consensus strategy returns, so that callers, the engine and the
 * benchmark treat them alike.
 */

/** How one candidate fared in a decision. */
export interface CandidateVerdict {
  readonly id: string;
  /** Its answer key (extracted answer, code fingerprint, behaviour signature), if it had one. */
  readonly key: string | undefined;
  /** Index into `Selection.groups` (0 is the winning group), or -1 when it had no key. */
  readonly group: number;
  /** How many candidates gave the same key (itself included); 0 without a key. */
  readonly votes: number;
  /** The weight of its own vote (1 in a plain majority). */
  readonly weight: number;
  /** Its scorer score, when it had one. */
  readonly score: number | undefined;
}

/** Candidates that gave the same answer. */
export interface AnswerGroup {
  readonly key: string;
  /** Candidate ids, in id order. */
  readonly members: readonly string[];
  /** The summed weight of its members' votes (the strategy's measure of support). */
  readonly weight: number;
}

/** What a strategy decided. */
export interface Selection {
  /** The chosen (or merged) text; `''` when there was nothing to choose. */
  readonly text: string;
  /** The id of the chosen candidate (for a merge: the one the merge started from). */
  readonly winner: string | undefined;
  /** The strategy that decided, e.g. `majority`. */
  readonly method: string;
  /** In [0, 1]: how sure the strategy is (vote share, posterior probability, win rate). */
  readonly confidence: number;
  /** True when agreement was below what was required: `text` is a low-confidence best guess. */
  readonly noConsensus?: boolean;
  /** True when the strategy asks the caller for more variants before deciding. */
  readonly moreVariants?: boolean;
  /** A short human-readable explanation, e.g. `7 of 12 answers say 18`. */
  readonly reason: string;
  /** One verdict per candidate, in id order. */
  readonly candidates: readonly CandidateVerdict[];
  /** Answer groups, best first. Empty for strategies that do not group (tournament, merge). */
  readonly groups: readonly AnswerGroup[];
}
