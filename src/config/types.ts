/**
 * The shape of a validated chorus configuration.
 *
 * The keys are the TOML keys (snake_case) everywhere: in `chorus.toml`, in a config object written in
 * code and in the validated `ChorusConfig`. One vocabulary means an error path such as
 * `providers.claude.fallback[1]` points at the same key wherever the config came from, and a
 * validated config is itself a valid input (so per-call overrides can be merged and validated again).
 */
import type { TaskKind } from '../scorers/scorer.js';
import type { Secret } from './secret.js';

/** The wire protocol (and SDK) a provider speaks. */
export type ProviderKind = 'openai' | 'anthropic' | 'ollama' | 'openai_compatible';

/**
 * How a decision launches its planned variants.
 * - `parallel`: all at once; the decision comes at the quorum.
 * - `cascade`: `min_responses` first; the next planned variant is launched only while those do
 *   not agree (or fail), up to `max_providers` — cheaper when answers usually agree.
 */
export type OrchestrationStrategy = 'parallel' | 'cascade';

/** How the variation lists combine into variants. */
export type VariationMode = 'grid' | 'zip' | 'sample';

/** How the consensus engine picks or builds the answer. */
export type ConsensusMethod = 'majority' | 'quality_weighted' | 'hybrid_merge' | 'tournament' | 'confidence';

/** The kind of task, or `auto` to detect it from the prompt. */
export type ConsensusTask = TaskKind | 'auto';

/** Prices in USD per million tokens; either may be left to the shipped price table. */
export interface PriceConfig {
  readonly input?: number;
  readonly output?: number;
}

/** Per-provider time limits, in milliseconds. */
export interface TimeoutsConfig {
  /** Time from sending the request to the first token. */
  readonly first_token_ms: number;
  /** Longest gap between two tokens. */
  readonly idle_ms: number;
  /** Whole request. Defaults to `orchestration.timeout_seconds`. */
  readonly total_ms: number;
}

/** Retries before the first token (never after: a started answer is not restarted). */
export interface RetriesConfig {
  /** Attempts in all, the first included (1 = no retry). */
  readonly max_attempts: number;
  /** Backoff before the first retry, doubled each time (with jitter), unless `retry-after` says more. */
  readonly base_delay_ms: number;
  /** Upper bound of one backoff. */
  readonly max_delay_ms: number;
}

/** The provider's circuit breaker. */
export interface CircuitBreakerConfig {
  /** Opens when the share of failed requests in the window reaches this. */
  readonly failure_rate: number;
  /** Requests needed in the window before the rate is trusted. */
  readonly min_requests: number;
  /** The sliding window the rate is measured over. */
  readonly window_ms: number;
  /** How long it stays open before a half-open probe. */
  readonly cooldown_ms: number;
}

/** One `[providers.NAME]` entry (or a built-in preset), fully defaulted. */
export interface ProviderConfig {
  readonly kind: ProviderKind;
  /** The models this provider runs, in order; never empty. (`model = "x"` is `models = ["x"]`.) */
  readonly models: readonly string[];
  /** Endpoint; absent means the SDK default (for `ollama`: `OLLAMA_HOST` or `http://127.0.0.1:11434`). */
  readonly base_url?: string;
  /** Name of the environment variable holding the API key. */
  readonly api_key_env?: string;
  /** A literal key, wrapped so that it never prints; prefer `api_key_env`. Wins over `api_key_env`. */
  readonly api_key?: Secret;
  /** Requests per minute; absent means no limit. */
  readonly rpm?: number;
  /** Tokens (input + output) per minute; absent means no limit. */
  readonly tpm?: number;
  /** Requests in flight at once; absent means no limit. */
  readonly max_concurrency?: number;
  /** Output token limit of a request. Defaults to `orchestration.max_tokens`. */
  readonly max_tokens: number;
  /** Price overrides for every model of this provider. */
  readonly prices?: PriceConfig;
  /** Providers to try, in order, when a variant fails before its first token. */
  readonly fallback: readonly string[];
  readonly timeouts: TimeoutsConfig;
  readonly retries: RetriesConfig;
  readonly circuit_breaker: CircuitBreakerConfig;
}

/** `[orchestration.variations]`, fully defaulted. */
export interface VariationsConfig {
  /** Provider names, in order: `[providers.*]` keys or presets. */
  readonly providers: readonly string[];
  /** Per-provider model lists that replace the provider's own `models` for variation. */
  readonly models: Readonly<Record<string, readonly string[]>>;
  /** Temperatures; empty means the provider's default. */
  readonly temperature: readonly number[];
  /** top_p values; empty means the provider's default. */
  readonly top_p: readonly number[];
  /** Repeats of each combination (self-consistency samples). */
  readonly attempts: number;
  readonly mode: VariationMode;
  /** Seed of the `sample` mode. */
  readonly seed: number;
}

/** What a decision less confident than `confidence_threshold` does. */
export type LowConfidenceAction = 'flag' | 'ask';

/** `[orchestration.consensus]`, fully defaulted. */
export interface ConsensusConfig {
  readonly method: ConsensusMethod;
  /** The quorum: answers that must agree before deciding. */
  readonly min_responses: number;
  /** Decisions less confident than this are reported as undecided (and not cached). */
  readonly confidence_threshold: number;
  /**
   * Below `confidence_threshold`: `flag` reports the best guess as undecided; `ask` first launches
   * up to `max_extra_variants` more variants and decides again with them.
   */
  readonly on_low_confidence: LowConfidenceAction;
  /** Most variants one decision adds when `on_low_confidence = "ask"`. */
  readonly max_extra_variants: number;
  /**
   * `tournament`: the provider whose model judges each match (an LLM judge, both orders asked);
   * absent: matches are decided by the scorers' scores.
   */
  readonly judge?: string;
  /**
   * `hybrid_merge`: the provider whose model fuses the top answers into one after the decision
   * (mixture-of-agents style); absent: the section-level merge.
   */
  readonly fuser?: string;
  /** When set, a finished answer scoring at least this decides at once. */
  readonly quality_threshold?: number;
  /** Seconds a decision stays cached; 0 disables the cache. */
  readonly cache_ttl: number;
  /** Decisions kept in the cache (LRU beyond that). */
  readonly cache_size: number;
  readonly task: ConsensusTask;
}

/** `[orchestration.hedging]`: backup requests for variants slow to start. */
export interface HedgingConfig {
  /**
   * Hedge requests in flight at once across the whole provider pool (every decision sharing it);
   * 0 disables hedging. Each hedge also needs the decision's `budget_usd` to allow it.
   */
  readonly max_extra: number;
  /** A hedge fires when a variant has no first token by this percentile of its provider's TTFT. */
  readonly percentile: number;
  /** Observed TTFTs a provider needs before its percentile is trusted. */
  readonly min_samples: number;
}

/** `[orchestration]`, fully defaulted. */
export interface OrchestrationConfig {
  readonly strategy: OrchestrationStrategy;
  /** Upper bound of one decision, in seconds. */
  readonly timeout_seconds: number;
  /** Most variants one decision plans (fallback replacements and hedges not counted). */
  readonly max_providers: number;
  /** Default output token limit of a request. */
  readonly max_tokens: number;
  /** Most USD one decision may spend; no further variant is launched past it. Absent: no budget. */
  readonly budget_usd?: number;
  readonly variations: VariationsConfig;
  readonly consensus: ConsensusConfig;
  readonly hedging: HedgingConfig;
}

/** A validated, fully defaulted, deeply frozen chorus configuration. */
export interface ChorusConfig {
  readonly orchestration: OrchestrationConfig;
  /** Every provider the plan or a fallback chain uses (presets included), and every declared one. */
  readonly providers: Readonly<Record<string, ProviderConfig>>;
  /** Price overrides by model name (USD per million tokens). */
  readonly prices: Readonly<Record<string, PriceConfig>>;
}
