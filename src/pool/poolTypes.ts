/**
 * The types of the provider pool's public contract: what a caller passes to `variant()` and what
 * the pool tells it back. Kept apart from the implementation so the lanes, the hedge and the
 * fallback chain can share them without importing each other.
 */
import type Anthropic from '@anthropic-ai/sdk';
import type OpenAI from 'openai';
import type { Observable, SchedulerLike } from 'rxjs';
import type { UsageRecord } from '../cost/costLedger.js';
import type { ProviderError } from '../errors.js';
import type { VariantEvent, VariantId } from '../events.js';
import type { OllamaClientConfig } from '../streams/ollamaStream.js';
import type { VariantSpec } from '../variation.js';
import type { CircuitState } from './circuitBreaker.js';

/** One chat message, the same for every provider (the pool maps it to each native format). */
export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

/** What a variant asks, independent of the provider that serves it. */
export interface VariantRequest {
  readonly messages: readonly ChatMessage[];
  /**
   * Output token limit of this request.
   * @defaultValue the serving provider's `max_tokens`
   */
  readonly maxTokens?: number;
}

/**
 * Why the pool did something on its own, for explaining decisions and for logs and metrics. Plain
 * data (errors are `ProviderError`s, whose `toJSON` carries no secrets).
 * - `retry`: an attempt failed before its first token and another follows after `delayMs`.
 * - `fallback`: the variant failed before its first token on `from` and moves to `to`.
 * - `hedge`: a backup request was launched because no first token came within `afterMs`.
 * - `circuit_open`: a request was refused (not sent) because `provider`'s circuit is open.
 * - `rate_limited`: `provider` answered 429 with `retry-after`; its requests pause for `waitMs`.
 * - `refused`: `mayLaunch` refused an extra request (`launch`: a retry, a hedge or a fallback to
 *   `provider`), so it was not sent. A refused retry or fallback ends the variant with a `budget`
 *   ProviderError; a refused hedge leaves the primary request running alone.
 */
export type PoolNotice =
  | {
      readonly type: 'retry';
      readonly variant: VariantId;
      readonly provider: string;
      readonly attempt: number;
      readonly delayMs: number;
      readonly error: ProviderError;
    }
  | {
      readonly type: 'fallback';
      readonly variant: VariantId;
      readonly from: string;
      readonly to: string;
      readonly error: ProviderError;
    }
  | {
      readonly type: 'hedge';
      readonly variant: VariantId;
      readonly provider: string;
      readonly afterMs: number;
    }
  | { readonly type: 'circuit_open'; readonly provider: string }
  | { readonly type: 'rate_limited'; readonly provider: string; readonly waitMs: number }
  | {
      readonly type: 'refused';
      readonly variant: VariantId;
      readonly launch: PoolLaunch;
      readonly provider: string;
      readonly model: string;
    };

/**
 * An extra request the pool would send on its own for a variant: another attempt before the first
 * token (`retry`), a backup of a request slow to start (`hedge`), or the move to the next provider
 * of the fallback chain (`fallback`).
 */
export type PoolLaunch = 'retry' | 'hedge' | 'fallback';

/** Callbacks of one `variant()` call. */
export interface PoolCallOptions {
  /**
   * Called once per HTTP request actually sent (every attempt, fallback and hedge), with provider,
   * model and variant: the cost ledger's input. A cancelled request is reported after its abort,
   * with estimated counts; a request the provider refused with an HTTP status is reported with 0/0.
   * @defaultValue none
   */
  readonly onUsage?: (record: UsageRecord) => void;
  /** @defaultValue none */
  readonly onNotice?: (notice: PoolNotice) => void;
  /**
   * Asked right before each extra request the pool would send for this variant (every retry,
   * hedge and fallback; never the first request), with the provider and model it would go to.
   * `false` refuses it: nothing is sent, a `refused` notice is given, and a refused retry or
   * fallback ends the variant with a `budget` ProviderError (a refused hedge only means no backup).
   * The orchestrator uses it to keep `budget_usd` inside the pool. A throwing callback refuses.
   * @defaultValue every extra request may go out
   */
  readonly mayLaunch?: (launch: PoolLaunch, provider: string, model: string) => boolean;
}

/** The health of one provider, as `ProviderPool.health()` reports it. */
export interface ProviderHealth {
  readonly state: CircuitState;
  /** Requests sent and not yet settled. */
  readonly inFlight: number;
  /** Requests waiting for a concurrency slot or for the rate limiter. */
  readonly waiting: number;
  /** The 95th percentile of the recent times to first token, in ms; undefined before any was seen. */
  readonly ttftP95Ms: number | undefined;
}

/** An SDK client (or Ollama host config) to use for a provider instead of one built from config. */
export type PoolClient = OpenAI | Anthropic | OllamaClientConfig;

/** Options of `createProviderPool`. */
export interface ProviderPoolOptions {
  /**
   * Where API keys (`api_key_env`) and `OLLAMA_HOST` are read, when the clients are first needed.
   * @defaultValue `process.env`
   */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Clock and timers of the limiter, breaker, retries, timeouts and hedges.
   * @defaultValue `asyncScheduler`
   */
  readonly scheduler?: SchedulerLike;
  /**
   * Ready-made clients by provider name (an `OpenAI` for `openai` / `openai_compatible`, an
   * `Anthropic` for `anthropic`, an Ollama config for `ollama`); used as given, no key check.
   * @defaultValue none: each provider's client is built from its config on first use
   */
  readonly clients?: Readonly<Record<string, PoolClient>>;
}

/** The provider pool: every configured provider behind its limits, breaker, retries and fallbacks. */
export interface ProviderPool {
  /**
   * A cold stream of one variant. Cold: each subscription sends the request(s); unsubscribing
   * aborts them. Never errors: a failure ends the stream with
   * `end { finish: 'error', error: ProviderError }`. The `start` event's provider and model name
   * the provider that actually serves the variant (after a fallback); the variant id stays
   * `spec.id`. Throws a `TypeError` at once for an unknown provider or a malformed request.
   */
  variant(spec: VariantSpec, request: VariantRequest, options?: PoolCallOptions): Observable<VariantEvent>;
  /**
   * The next provider in `spec.provider`'s fallback chain not in `tried`, as a `VariantSpec`
   * (same parameters, that provider's first model, id `` `${spec.id}>${provider}:${model}` ``), for
   * the orchestrator's "quorum can no longer be met" rescue; undefined if none.
   */
  fallbackSpec(spec: VariantSpec, tried: readonly string[]): VariantSpec | undefined;
  /** Per configured provider: circuit state, requests in flight and waiting, observed TTFT p95. */
  health(): Readonly<Record<string, ProviderHealth>>;
}
