/**
 * The events `takeUntilQuorum` emits: `progress` while the quorum forms, then exactly one
 * `quorum` decision. Streaming UIs render them; consensus strategies start from the decision.
 * Every array in an event is a fresh copy that is never mutated afterwards, so events can be kept.
 */
import type { ScoredSnapshot, VariantId } from '../events.js';

/** Finished variants whose answers agree. */
export interface QuorumGroup {
  /**
   * What the members agree on: the `agree` key function's value, or, with a similarity rule, the
   * variant id of the group's first member (its representative).
   */
  readonly key: string;
  /** Member variants in the order they finished; the first is the representative. */
  readonly members: readonly VariantId[];
  /** The mean `score` of the members' final snapshots. */
  readonly meanScore: number;
}

/** The state of the vote, common to both events. */
export interface QuorumState {
  /** The rule's `quorum`: how many agreeing variants decide. */
  readonly quorum: number;
  /** The rule's `expected` number of variants, when given. */
  readonly expected: number | undefined;
  /**
   * The best variant so far: the top member (highest score, then earliest finish) of the leading
   * group; when no group exists yet, the best finished non-failed variant; else `undefined`.
   */
  readonly leader: VariantId | undefined;
  /** Size of the leading group (0 when none): "agreeing / quorum" in a UI. */
  readonly agreeing: number;
  /**
   * Groups, best first: largest, then highest mean score, then the one whose first member
   * finished earliest.
   */
  readonly groups: readonly QuorumGroup[];
  /** Variants that ended normally (`stop` or `length`), voting or not. */
  readonly finished: number;
  /** Variants that ended with `error` or `cancelled`. */
  readonly failed: number;
  /** Variants seen that have not ended. */
  readonly streaming: number;
}

/**
 * Something changed while the quorum forms. `cause` says what: a variant's first snapshot
 * (`started`), its end (`finished` / `failed`), or new text (`snapshot`, only with the rule's
 * `progress: 'snapshots'` or a throttle).
 */
export interface QuorumProgress extends QuorumState {
  readonly type: 'progress';
  readonly cause: 'started' | 'snapshot' | 'finished' | 'failed';
  /** The variant whose snapshot caused this event (for a throttled event, the latest one). */
  readonly variant: VariantId;
  /** The latest snapshot of every variant seen, in the order they were first seen. */
  readonly snapshots: readonly ScoredSnapshot[];
}

/**
 * The decision: emitted once, and then the operator completes (cancelling every variant still
 * streaming).
 * - `reason: 'reached'`: a group reached the quorum (and the confidence); `reached` is true.
 * - `reason: 'impossible'`: with `expected`, no group can reach it any more; `reached` is false.
 * - `reason: 'completed'`: the source completed (every variant ended) without a quorum.
 * When not reached, the fields describe the best available group (see `QuorumState.groups`).
 */
export interface QuorumDecision extends QuorumState {
  readonly type: 'quorum';
  readonly reached: boolean;
  readonly reason: 'reached' | 'impossible' | 'completed';
  /** The winning group's key; `undefined` when no variant voted. */
  readonly key: string | undefined;
  /** The winning group's final snapshots, best first (highest score, then earliest finish). */
  readonly winners: readonly ScoredSnapshot[];
  /** The latest snapshot of every variant seen, in the order they were first seen. */
  readonly all: readonly ScoredSnapshot[];
  /** `winners.length / finished` (0 when nothing finished). */
  readonly confidence: number;
  /** Variants still streaming at decision time: the decision cancels them. */
  readonly unfinished: readonly VariantId[];
}

/** Everything `takeUntilQuorum` emits. Switch on `type`; end the switch with `assertNever`. */
export type QuorumEvent = QuorumProgress | QuorumDecision;
