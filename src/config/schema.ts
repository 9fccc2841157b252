/**
 * The structural schema of a config (types, ranges, allowed values, no unknown keys), in zod. Every
 * key is optional here: defaults, presets and the checks that span keys (provider references,
 * fallback cycles, the quorum against the plan) are applied by `validateConfig` afterwards.
 *
 * Each schema's error message is the *allowed* part of the `ConfigError` ("an integer from 1 to
 * 32"), so a zod issue converts to a ConfigError with no guessing.
 */
import * as z from 'zod';
import { isSecret, type Secret } from './secret.js';

const PROVIDER_KINDS = ['openai', 'anthropic', 'ollama', 'openai_compatible'] as const;
const STRATEGIES = ['parallel', 'cascade'] as const;
const MODES = ['grid', 'zip', 'sample'] as const;
const METHODS = ['majority', 'quality_weighted', 'hybrid_merge', 'tournament', 'confidence'] as const;
const TASKS = ['code', 'math', 'choice', 'text', 'auto'] as const;
const LOW_CONFIDENCE = ['flag', 'ask'] as const;

/** The allowed values of the enumerated keys, for messages and docs. */
export const ALLOWED_VALUES = Object.freeze({
  kind: PROVIDER_KINDS,
  strategy: STRATEGIES,
  mode: MODES,
  method: METHODS,
  task: TASKS,
  on_low_confidence: LOW_CONFIDENCE,
});

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `one of ${values.map((v) => JSON.stringify(v)).join(', ')}` });
}

/** An integer in [min, max]. */
function int(min: number, max: number = Number.MAX_SAFE_INTEGER) {
  const allowed =
    max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
  return z.number({ error: allowed }).int({ error: allowed }).min(min, { error: allowed }).max(max, {
    error: allowed,
  });
}

/** A finite number in a range; `open` excludes the lower bound. */
function num(min: number, max: number, open = false) {
  const allowed = Number.isFinite(max)
    ? `a number ${open ? '>' : '>='} ${min} and <= ${max}`
    : `a number ${open ? '>' : '>='} ${min}`;
  const base = z.number({ error: allowed });
  const low = open ? base.gt(min, { error: allowed }) : base.min(min, { error: allowed });
  return Number.isFinite(max) ? low.max(max, { error: allowed }) : low;
}

const nonEmpty = (what: string) => z.string({ error: what }).min(1, { error: what });
const modelName = nonEmpty('a model name (a non-empty string)');
const providerName = nonEmpty('a provider name (a non-empty string)');
const list = <T extends z.ZodType>(item: T, what: string) => z.array(item, { error: what });
const usdPerMillion = num(0, Number.POSITIVE_INFINITY);

const priceSchema = z.strictObject(
  { input: usdPerMillion.optional(), output: usdPerMillion.optional() },
  { error: 'a table with `input` and/or `output` in USD per million tokens' },
);

const secretSchema = z.custom<Secret>((value) => isSecret(value), { error: 'a non-empty string' });

const providerSchema = z.strictObject(
  {
    kind: oneOf(PROVIDER_KINDS).optional(),
    model: modelName.optional(),
    models: list(modelName, 'a non-empty list of model names')
      .min(1, { error: 'a non-empty list of model names' })
      .optional(),
    base_url: nonEmpty('an http(s) URL').optional(),
    api_key_env: nonEmpty('the name of an environment variable').optional(),
    api_key: z
      .union([nonEmpty('a non-empty string'), secretSchema], { error: 'a non-empty string' })
      .optional(),
    rpm: int(1).optional(),
    tpm: int(1).optional(),
    max_concurrency: int(1, 1024).optional(),
    max_tokens: int(1, 1_000_000).optional(),
    prices: priceSchema.optional(),
    fallback: list(providerName, 'a list of provider names').optional(),
    timeouts: z
      .strictObject(
        { first_token_ms: int(1).optional(), idle_ms: int(1).optional(), total_ms: int(1).optional() },
        { error: 'a table of `first_token_ms`, `idle_ms`, `total_ms`' },
      )
      .optional(),
    retries: z
      .strictObject(
        {
          max_attempts: int(1, 10).optional(),
          base_delay_ms: int(0, 600_000).optional(),
          max_delay_ms: int(0, 600_000).optional(),
        },
        { error: 'a table of `max_attempts`, `base_delay_ms`, `max_delay_ms`' },
      )
      .optional(),
    circuit_breaker: z
      .strictObject(
        {
          failure_rate: num(0, 1, true).optional(),
          min_requests: int(1).optional(),
          window_ms: int(1).optional(),
          cooldown_ms: int(1).optional(),
        },
        { error: 'a table of `failure_rate`, `min_requests`, `window_ms`, `cooldown_ms`' },
      )
      .optional(),
  },
  { error: 'a table of provider settings' },
);

const variationsSchema = z.strictObject(
  {
    providers: list(providerName, 'a list of provider names').optional(),
    models: z
      .union(
        [
          list(modelName, 'a list of model names').min(1),
          z.record(z.string(), list(modelName, 'a list of model names').min(1)),
        ],
        {
          error: 'a non-empty list of model names, or a table of provider name = [model names]',
        },
      )
      .optional(),
    temperature: list(num(0, 2), 'a list of numbers from 0 to 2').optional(),
    top_p: list(num(0, 1, true), 'a list of numbers > 0 and <= 1').optional(),
    attempts: int(1, 100).optional(),
    mode: oneOf(MODES).optional(),
    seed: int(0).optional(),
  },
  { error: 'a table of variation settings' },
);

const consensusSchema = z.strictObject(
  {
    method: oneOf(METHODS).optional(),
    min_responses: int(1, 64).optional(),
    confidence_threshold: num(0, 1).optional(),
    on_low_confidence: oneOf(LOW_CONFIDENCE).optional(),
    max_extra_variants: int(0, 64).optional(),
    judge: providerName.optional(),
    fuser: providerName.optional(),
    quality_threshold: num(0, 1, true).optional(),
    cache_ttl: num(0, Number.POSITIVE_INFINITY).optional(),
    cache_size: int(1, 1_000_000).optional(),
    task: oneOf(TASKS).optional(),
  },
  { error: 'a table of consensus settings' },
);

const hedgingSchema = z.strictObject(
  {
    max_extra: int(0, 64).optional(),
    percentile: num(0, 1, true).optional(),
    min_samples: int(1).optional(),
  },
  { error: 'a table of hedging settings' },
);

const orchestrationSchema = z.strictObject(
  {
    strategy: oneOf(STRATEGIES).optional(),
    timeout_seconds: num(0, 3600, true).optional(),
    max_providers: int(1, 64).optional(),
    max_tokens: int(1, 1_000_000).optional(),
    budget_usd: num(0, Number.POSITIVE_INFINITY, true).optional(),
    variations: variationsSchema.optional(),
    consensus: consensusSchema.optional(),
    hedging: hedgingSchema.optional(),
  },
  { error: 'a table of orchestration settings' },
);

/** The schema of a whole config (before defaults and cross-key checks). */
export const configSchema = z.strictObject(
  {
    orchestration: orchestrationSchema.optional(),
    providers: z
      .record(z.string(), providerSchema, { error: 'a table of [providers.NAME] sections' })
      .optional(),
    prices: z.record(z.string(), priceSchema, { error: 'a table of [prices."MODEL"] sections' }).optional(),
  },
  { error: 'a table (the whole config)' },
);

/**
 * A config as written: in TOML, or as an object in code. Every key is optional.
 *
 * @example
 * ```ts
 * const input: ChorusConfigInput = {
 *   orchestration: { max_providers: 2, consensus: { method: 'majority' } },
 *   providers: { local: { kind: 'ollama', model: 'llama3.2' } },
 * };
 * const config = validateConfig(input);
 * ```
 */
export type ChorusConfigInput = z.input<typeof configSchema>;

/** The structurally valid config zod returns. */
export type ParsedConfig = z.output<typeof configSchema>;
export type ParsedProvider = z.output<typeof providerSchema>;

/** Walks the schema down `path` and returns the keys allowed there (for "did you mean"). */
export function knownKeysAt(path: readonly PropertyKey[]): readonly string[] {
  let schema: z.ZodType = configSchema;
  for (const segment of path) {
    const next = step(unwrap(schema), segment);
    if (!next) return [];
    schema = next;
  }
  const inner = unwrap(schema);
  return inner instanceof z.ZodObject ? Object.keys(inner.shape) : [];
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  while (current instanceof z.ZodOptional) current = current.unwrap() as z.ZodType;
  return current;
}

function step(schema: z.ZodType, segment: PropertyKey): z.ZodType | undefined {
  if (schema instanceof z.ZodObject) return (schema.shape as Record<string, z.ZodType>)[String(segment)];
  if (schema instanceof z.ZodRecord) return schema.valueType as z.ZodType;
  if (schema instanceof z.ZodArray) return schema.element as z.ZodType;
  return undefined;
}
