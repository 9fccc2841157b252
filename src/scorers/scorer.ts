/**
 * The incremental scorer contract. A scorer sees a variant's text as it streams, one delta at a
 * time, and can say at any moment how good the text is so far.
 *
 * Cost per `feed` must be proportional to the delta (never a rescan of the whole text): keep what
 * you need in the state. `score` may do more work (e.g. parse a code block that just closed), but
 * should cache what it can in the state.
 */
import type { Finding, VariantId } from '../events.js';

/** What kind of task the prompt is; picks default scorers and answer extraction. */
export type TaskKind = 'code' | 'math' | 'choice' | 'text';

/** What a scorer knows about the request before any text arrives. */
export interface ScoreContext {
  /** The user's prompt (the last user message). */
  readonly prompt: string;
  readonly variant: VariantId;
  readonly task?: TaskKind;
  /**
   * For code tasks where the answer continues the prompt (e.g. a function body after a signature and
   * docstring): the text that precedes the answer, so that `prefix + answer` is the program.
   */
  readonly codePrefix?: string;
  /** The language of the expected code, when known (e.g. `python`). */
  readonly language?: string;
  /** The function the answer must define, when known (e.g. HumanEval's entry point). */
  readonly entryPoint?: string;
}

/** A score with what was found. */
export interface ScoreReport {
  /** In [0, 1]; higher is better. */
  readonly value: number;
  readonly findings?: readonly Finding[];
}

/**
 * An incremental scorer. `S` is its private state; states are never shared between variants.
 * `feed` may mutate and return the same state object (it is owned by one variant).
 */
export interface Scorer<S = unknown> {
  /** Unique within a scorer set; the key of the score in `ScoredSnapshot.scores`. */
  readonly name: string;
  /** Bumped when scoring changes; part of cache keys. */
  readonly version: string;
  init(context: ScoreContext): S;
  feed(state: S, delta: string): S;
  /** The score of the text so far; `done` is true once the variant has ended. */
  score(state: S, done: boolean): number | ScoreReport;
}

/** A scorer with its weight in the combined score. */
export interface WeightedScorer {
  readonly scorer: Scorer;
  /** Non-negative; the combined score is the weighted mean. @defaultValue 1 */
  readonly weight?: number;
}
