/**
 * What `LLMOrchestrator` gives back: the `Decision` (the answer, who gave it, why, what every
 * variant did and what it all cost) and the `ConsensusEvent`s a streaming UI renders while the
 * decision forms. Plain data throughout (errors serialize through their `toJSON`), so a decision
 * can be cached, logged or sent over the wire.
 */
import type { ConsensusMethod } from './config/types.js';
import type { CostTotal } from './cost/costLedger.js';
import type { ChorusError } from './errors.js';
import type { Finding, FinishReason, Usage, VariantId } from './events.js';
import type { QuorumGroup } from './operators/quorumEvents.js';
import type { PoolNotice } from './pool/poolTypes.js';
import type { TaskKind } from './scorers/scorer.js';

/** How a variant came to run. */
export type VariantOrigin =
  /** One of the planned variants launched at the start. */
  | 'plan'
  /** A planned variant held back by `strategy = "cascade"` and launched because the first ones disagreed or failed. */
  | 'cascade'
  /** Launched because another variant failed and the quorum could no longer be met without it. */
  | 'fallback'
  /**
   * Launched after the first decision was less confident than `confidence_threshold`, with
   * `on_low_confidence = "ask"`, to decide again with more answers.
   */
  | 'extra'
  /** The LLM fuser of `hybrid_merge` (`fuser`): its answer fuses the best ones, after the decision. */
  | 'fuser';

/** Where a variant stands while a decision forms. */
export type VariantState =
  /** Launched; no response yet (waiting for the rate limiter, a retry or the first byte). */
  | 'waiting'
  /** The response is streaming. */
  | 'streaming'
  /** Ended normally (`stop` or `length`). */
  | 'done'
  /** Ended with an error. */
  | 'failed'
  /** Cancelled: the decision (or the caller) did not need it any more. */
  | 'cancelled';

/** One variant's row in a progress event: what a UI shows per variant. */
export interface VariantProgress {
  readonly id: VariantId;
  /** The provider actually serving it (after any fallback inside the pool). */
  readonly provider: string;
  readonly model: string;
  readonly temperature?: number;
  readonly topP?: number;
  readonly attempt: number;
  readonly origin: VariantOrigin;
  /** For `origin: 'fallback'`: the variant it replaces. */
  readonly fallbackOf?: VariantId;
  readonly state: VariantState;
  /** Output tokens so far: the provider's count once reported, else an estimate from the text. */
  readonly tokens: number;
  readonly chars: number;
  /** Output tokens per second since the first token (0 before it). */
  readonly tokensPerSecond: number;
  /** The latest combined scorer score in [0, 1], once scored. */
  readonly score: number | undefined;
  /** Time to first token, ms from launch. */
  readonly ttftMs: number | undefined;
  /** Ms since launch (until its end, once ended). */
  readonly elapsedMs: number;
}

/** The vote so far, as a UI shows it ("2 of 3 agree"). */
export interface ConsensusProgress {
  readonly type: 'progress';
  /** Ms since the decision started. */
  readonly elapsedMs: number;
  /** Every launched variant, in launch order. */
  readonly variants: readonly VariantProgress[];
  /**
   * The best variant so far: the top member of the leading agreeing group once one exists, else
   * the best finished variant, else the highest-scoring one still streaming.
   */
  readonly leader: VariantId | undefined;
  /** Size of the leading group of agreeing finished answers. */
  readonly agreeing: number;
  /** Answers that must agree (`min_responses`). */
  readonly quorum: number;
  /** Agreeing groups, best first. */
  readonly groups: readonly QuorumGroup[];
  readonly finished: number;
  readonly failed: number;
  readonly streaming: number;
  /** USD recorded so far (settled variants only); `undefined` when something is unpriced. */
  readonly spentUsd: number | undefined;
}

/** A variant changed state. Emitted at once (progress events are throttled). */
export interface ConsensusVariantEvent {
  readonly type: 'variant';
  readonly change: 'launched' | 'started' | 'finished' | 'failed';
  readonly variant: VariantProgress;
  /** For `failed`: the typed error. */
  readonly error?: ChorusError;
}

/** Something worth knowing happened (a retry, a fallback, a hedge, a budget stop). */
export interface ConsensusNoticeEvent {
  readonly type: 'notice';
  readonly notice: DecisionNotice;
}

/** The decision; always the last event. */
export interface ConsensusDecisionEvent {
  readonly type: 'decision';
  readonly decision: Decision;
}

/**
 * What `LLMOrchestrator.stream()` emits: `progress`, `variant` and `notice` events while the
 * decision forms, then one `decision`, then completion. Switch on `type`; end the switch with
 * `assertNever`.
 */
export type ConsensusEvent =
  | ConsensusProgress
  | ConsensusVariantEvent
  | ConsensusNoticeEvent
  | ConsensusDecisionEvent;

/** A notice recorded in a decision: the pool's, or the orchestrator's own. */
export type DecisionNotice =
  /** From the provider pool (retry, fallback inside a chain, hedge, circuit breaker…). */
  | { readonly type: 'pool'; readonly variant: VariantId; readonly atMs: number; readonly notice: PoolNotice }
  /** A variant was launched to rescue the quorum or to continue a cascade. */
  | {
      readonly type: 'launch';
      readonly variant: VariantId;
      readonly atMs: number;
      readonly origin: Exclude<VariantOrigin, 'plan'>;
      /** For a fallback: the variant it replaces. */
      readonly fallbackOf?: VariantId;
      readonly provider: string;
    }
  /** The budget kept a variant from launching. */
  | {
      readonly type: 'budget';
      readonly variant: VariantId;
      readonly atMs: number;
      /** Worst-case USD of the variant, `undefined` when its model is unpriced. */
      readonly estimateUsd: number | undefined;
      readonly budgetUsd: number;
    }
  /** `timeout_seconds` ran out before a decision. */
  | { readonly type: 'timeout'; readonly atMs: number; readonly timeoutMs: number };

/** How a variant fared in the decision. */
export type VariantOutcomeKind =
  /**
   * Its answer was chosen (for a section-level merge: the one the merge started from; with an LLM
   * `fuser`: the fuser, whose answer is the decision's text).
   */
  | 'won'
  /** Finished with the winner's answer. */
  | 'agreed'
  /** Finished with another answer. */
  | 'lost'
  /** Still streaming when the decision came (or the caller cancelled): its request was aborted. */
  | 'cancelled'
  /** Ended with an error (see `error`). */
  | 'failed'
  /** Never launched: the budget did not allow it (see `error`, of type `budget`). */
  | 'skipped'
  /** Finished, in a run that ended without a decision (only in a `DecisionError`'s partials). */
  | 'finished';

/** Cost of one variant (or of anything), as the ledger priced it. */
export interface VariantCost {
  /** USD, or `undefined` when the model is unpriced. */
  readonly usd: number | undefined;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Some of the tokens were counted locally (cancelled or failed stream). */
  readonly estimated: boolean;
}

/** One variant in the decision. */
export interface VariantOutcome {
  readonly id: VariantId;
  /** The provider that served it (after any fallback inside the pool). */
  readonly provider: string;
  readonly model: string;
  readonly params: { readonly temperature?: number; readonly topP?: number; readonly attempt: number };
  /** The reliability key: provider, model and parameters (no attempt number). */
  readonly source: string;
  readonly origin: VariantOrigin;
  readonly fallbackOf?: VariantId;
  readonly outcome: VariantOutcomeKind;
  /** For `failed` and `skipped`: what went wrong (a `ProviderError` as a rule). */
  readonly error?: ChorusError;
  /** Everything it streamed (for a cancelled variant: up to the cancellation). */
  readonly text: string;
  readonly finish?: FinishReason;
  /** The final combined score in [0, 1], if it was scored. */
  readonly score?: number;
  readonly scores: Readonly<Record<string, number>>;
  readonly findings: Readonly<Record<string, readonly Finding[]>>;
  /** Its answer key in the vote (extracted number, letter, code fingerprint), when it had one. */
  readonly key?: string;
  /** Token usage as the stream reported it (estimated when cancelled or failed). */
  readonly usage?: Usage;
  readonly cost: VariantCost;
  readonly timings: {
    /** Launch time, ms after the decision started. */
    readonly launchMs: number;
    /** Time to first token, ms from launch. */
    readonly ttftMs?: number;
    /** Ms from launch to its end (or to its cancellation). */
    readonly durationMs?: number;
    /** Its end, ms after the decision started. */
    readonly endMs?: number;
  };
}

/** What a decision cost, from the cost ledger (cancelled and failed variants included). */
export interface DecisionCost {
  /** Total USD, or `undefined` when any part is unpriced (never a silent 0; see `total.unpriced`). */
  readonly usd: number | undefined;
  /** True when some counts are local estimates (cancelled or failed streams). */
  readonly estimated: boolean;
  readonly total: CostTotal;
  readonly byProvider: Readonly<Record<string, CostTotal>>;
  readonly byModel: Readonly<Record<string, CostTotal>>;
}

/** Why the orchestrator stopped waiting. */
export type DecisionStop =
  /** `min_responses` answers agreed. */
  | 'quorum'
  /** A finished answer reached `quality_threshold`. */
  | 'quality'
  /** Every variant ended (and nothing more could be launched) without a quorum. */
  | 'exhausted'
  /** `timeout_seconds` ran out. */
  | 'timeout';

/** The result of one `LLMOrchestrator.run()` (or the last event of `stream()`). */
export interface Decision {
  /** The chosen (or merged) answer. */
  readonly text: string;
  /**
   * The variant whose answer was chosen (with an LLM `fuser`: the fuser's variant; see `sources`);
   * `undefined` only when no variant had any text.
   */
  readonly winner: VariantId | undefined;
  /** The consensus method that chose. */
  readonly method: ConsensusMethod;
  /** The task kind used for scorers and answer extraction (`auto` resolved). */
  readonly task: TaskKind;
  /** In [0, 1]: how sure the method is (vote share, posterior probability, win rate). */
  readonly confidence: number;
  /** A short human-readable explanation. */
  readonly reason: string;
  /**
   * True when the answer is a best guess: no quorum was reached (and no answer reached
   * `quality_threshold`), or the method's confidence is below `confidence_threshold`. Such
   * decisions are not cached.
   */
  readonly noConsensus: boolean;
  readonly stoppedBy: DecisionStop;
  /** True when `text` comes from a variant that had not finished (a timeout with no finished answer). */
  readonly partial: boolean;
  /**
   * True when this call sent no request: the decision came from the cache, or from an identical
   * call in flight that this one joined. `cost` is then what the original run spent.
   */
  readonly cached: boolean;
  /** The vote as `takeUntilQuorum` saw it. */
  readonly quorum: {
    readonly required: number;
    readonly reached: boolean;
    readonly agreeing: number;
    /** The winning group's answer key, when one was voted. */
    readonly key: string | undefined;
    readonly groups: readonly QuorumGroup[];
  };
  /** Every variant: launched (in launch order), then those the budget skipped. */
  readonly variants: readonly VariantOutcome[];
  readonly timings: {
    /** Wall-clock start (`Date.now()`). */
    readonly startedAt: number;
    /** Ms from the start to the decision. */
    readonly decidedMs: number;
    /** Ms from the start to the first finished answer. */
    readonly firstFinishMs?: number;
  };
  readonly cost: DecisionCost;
  readonly notices: readonly DecisionNotice[];
  /** The prompt-complexity estimate (used by `strategy = "cascade"`). */
  readonly complexity: { readonly score: number; readonly level: 'simple' | 'moderate' | 'complex' };
  /**
   * For `hybrid_merge`: the variants the text was built from. With a `fuser`, the answers it was
   * given, best-ranked first (`winner` is then the fuser's variant); with the section-level merge,
   * the variants whose sections were taken. Absent for the other methods.
   */
  readonly sources?: readonly VariantId[];
  /**
   * Present when `on_low_confidence = "ask"` acted: the first decision was less confident than
   * `confidence_threshold`, so up to `max_extra_variants` more variants were launched and the
   * method decided again with every finished answer. `confidence` and `winner` are the first
   * decision's; `launched` the variants added (empty when none could be: nothing left to launch,
   * no time, or the budget).
   */
  readonly asked?: {
    readonly confidence: number;
    readonly winner: VariantId | undefined;
    readonly launched: readonly VariantId[];
  };
}

/** What a run that ended without a decision leaves behind (carried by `DecisionError`). */
export interface DecisionPartials {
  readonly variants: readonly VariantOutcome[];
  readonly cost: DecisionCost;
  readonly notices: readonly DecisionNotice[];
  /** Wall-clock start and ms until the run ended. */
  readonly timings: { readonly startedAt: number; readonly endedMs: number };
}
