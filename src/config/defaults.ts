/**
 * Every default of the configuration, and the built-in provider presets. `docs/config.md` documents
 * the same values; `test/config.test.ts` checks that they agree.
 */
import type {
  CircuitBreakerConfig,
  ConsensusConfig,
  HedgingConfig,
  ProviderKind,
  RetriesConfig,
  TimeoutsConfig,
  VariationsConfig,
} from './types.js';

/** The defaults of every key that has one (`undefined` keys have none: "no limit" / "not set"). */
export const CONFIG_DEFAULTS = Object.freeze({
  orchestration: Object.freeze({
    strategy: 'parallel' as const,
    timeout_seconds: 30,
    max_providers: 3,
    max_tokens: 1024,
    variations: Object.freeze({
      temperature: Object.freeze([]) as readonly number[],
      top_p: Object.freeze([]) as readonly number[],
      attempts: 1,
      mode: 'grid' as const,
      seed: 0,
    }) satisfies Partial<VariationsConfig>,
    consensus: Object.freeze({
      method: 'majority' as const,
      // Capped at the number of planned variants when fewer.
      min_responses: 2,
      confidence_threshold: 0,
      on_low_confidence: 'flag' as const,
      max_extra_variants: 2,
      cache_ttl: 0,
      cache_size: 500,
      task: 'auto' as const,
    }) satisfies Partial<ConsensusConfig>,
    hedging: Object.freeze({ max_extra: 0, percentile: 0.95, min_samples: 20 }) satisfies HedgingConfig,
  }),
  provider: Object.freeze({
    timeouts: Object.freeze({ first_token_ms: 15_000, idle_ms: 10_000 }) satisfies Partial<TimeoutsConfig>,
    retries: Object.freeze({
      max_attempts: 3,
      base_delay_ms: 500,
      max_delay_ms: 8_000,
    }) satisfies RetriesConfig,
    circuit_breaker: Object.freeze({
      failure_rate: 0.5,
      min_requests: 5,
      window_ms: 30_000,
      cooldown_ms: 30_000,
    }) satisfies CircuitBreakerConfig,
  }),
});

/** What a provider kind brings by default. */
export interface KindDefaults {
  /** The model used when a provider names none (`undefined`: a model is required). */
  readonly model: string | undefined;
  /** The environment variable the key is read from. */
  readonly api_key_env: string | undefined;
  /** Prices used when neither config nor the shipped table has one (local models cost nothing). */
  readonly prices: { readonly input: number; readonly output: number } | undefined;
}

/** Defaults by provider kind. */
export const KIND_DEFAULTS: Readonly<Record<ProviderKind, KindDefaults>> = Object.freeze({
  openai: { model: 'gpt-4o-mini', api_key_env: 'OPENAI_API_KEY', prices: undefined },
  anthropic: { model: 'claude-sonnet-4-5', api_key_env: 'ANTHROPIC_API_KEY', prices: undefined },
  ollama: { model: 'llama3.2', api_key_env: undefined, prices: { input: 0, output: 0 } },
  openai_compatible: { model: undefined, api_key_env: undefined, prices: undefined },
});

/** A built-in provider: usable by name without a `[providers.NAME]` section. */
export interface ProviderPreset {
  readonly kind: ProviderKind;
  readonly model: string;
}

/**
 * The built-in providers. A `[providers.NAME]` section with one of these names starts from the
 * preset (its `kind`, and its `model` when the section keeps that kind and names no model).
 */
export const PROVIDER_PRESETS: Readonly<Record<string, ProviderPreset>> = Object.freeze({
  openai: { kind: 'openai', model: 'gpt-4o-mini' },
  'gpt-4': { kind: 'openai', model: 'gpt-4' },
  claude: { kind: 'anthropic', model: 'claude-sonnet-4-5' },
  anthropic: { kind: 'anthropic', model: 'claude-sonnet-4-5' },
  ollama: { kind: 'ollama', model: 'llama3.2' },
});
