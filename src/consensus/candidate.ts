/**
 * What a consensus strategy chooses among: one finished (or cut-off) response with what is known
 * about it.
 */
import type { FinishReason, ScoredSnapshot } from '../events.js';

/** The results of running a candidate program against a list of tests (same order for all). */
export interface ExecutionResult {
  /** Per test, whether the candidate passed it. */
  readonly passed: readonly boolean[];
  /**
   * Per test, what the candidate produced (a printed value, an exception name), when the executor
   * records it. Two candidates with equal outputs behave alike even where both fail.
   */
  readonly outputs?: readonly string[];
}

/** One response to choose from. */
export interface Candidate {
  /** Unique among the candidates of one decision (a variant id). Ties are broken by it. */
  readonly id: string;
  /** The full response text. */
  readonly text: string;
  /**
   * The key under which its origin's reliability is learned: provider, model and the parameters
   * that change its behaviour (e.g. `openai:gpt-4o-mini#t0.2`). Candidates without one share the
   * reliability of source `''`.
   */
  readonly source?: string;
  /** The combined scorer score in [0, 1] (`ScoredSnapshot.score`). */
  readonly score?: number;
  /** Each scorer's score in [0, 1], by scorer name. */
  readonly scores?: Readonly<Record<string, number>>;
  /** Why the response ended; a `length` cut-off is preferred less in tie-breaks. */
  readonly finish?: FinishReason;
  /** Execution results, for code (see `executionAgreement`). */
  readonly execution?: ExecutionResult;
}

/** Options of {@link toCandidate}. */
export interface ToCandidateOptions {
  /**
   * The reliability key. @defaultValue the variant id (it names provider, model and parameters)
   */
  readonly source?: string;
}

/**
 * Turns a scored snapshot (what `scoreIncrementally` emits) into a candidate.
 *
 * @example
 * const candidates = finished.map((s) => toCandidate(s));
 */
export function toCandidate(snapshot: ScoredSnapshot, options: ToCandidateOptions = {}): Candidate {
  return {
    id: snapshot.variant,
    text: snapshot.text,
    source: options.source ?? snapshot.variant,
    score: snapshot.score,
    scores: snapshot.scores,
    ...(snapshot.finish !== undefined && { finish: snapshot.finish }),
  };
}
