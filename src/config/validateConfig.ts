/**
 * `validateConfig`: a config object (parsed TOML or written in code) → a fully defaulted, deeply
 * frozen `ChorusConfig`, or a `ConfigError` (one problem) / `ConfigErrors` (several) naming each
 * key path, the value found and what is allowed.
 */
import type * as z from 'zod';
import { ConfigError } from '../errors.js';
import { countVariants, planFromConfig } from '../variation.js';
import { ConfigErrors, formatPath } from './configErrors.js';
import { CONFIG_DEFAULTS, KIND_DEFAULTS, PROVIDER_PRESETS, type ProviderPreset } from './defaults.js';
import { didYouMean } from './didYouMean.js';
import {
  ALLOWED_VALUES,
  configSchema,
  knownKeysAt,
  type ParsedConfig,
  type ParsedProvider,
} from './schema.js';
import { isSecret, type Secret, secret } from './secret.js';
import type {
  ChorusConfig,
  ConsensusConfig,
  PriceConfig,
  ProviderConfig,
  VariationsConfig,
} from './types.js';

type Path = readonly PropertyKey[];

/** Shown instead of any value found under `api_key` or `api_key_env`: it may be a key. */
export const REDACTED = '<redacted>';
const SECRET_KEYS = new Set<PropertyKey>(['api_key', 'api_key_env']);
const PROVIDER_NAME = /^[A-Za-z][A-Za-z0-9_.-]*$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Anthropic's Messages API rejects temperatures above 1. */
const ANTHROPIC_MAX_TEMPERATURE = 1;

// The input each validated config came from, so overrides re-derive defaults (e.g. `total_ms`
// from a new `timeout_seconds`) instead of inheriting values derived from the old input.
const origins = new WeakMap<ChorusConfig, unknown>();

/** The input a config was validated from (a private copy), if it came from `validateConfig`. */
export function configOrigin(config: ChorusConfig): unknown {
  return origins.get(config);
}

/**
 * Validates a config object the same way a `chorus.toml` is validated, and fills every default.
 *
 * Throws a `ConfigError` whose `path` is the dotted key path (`providers.claude.fallback[1]`), with
 * the value found and what is allowed; unknown keys are errors with a "did you mean" suggestion.
 * When there are several problems it throws a `ConfigErrors` listing all of them (itself a
 * `ConfigError` about the first). Values under `api_key` / `api_key_env` are never echoed.
 *
 * @param input - a config as parsed from TOML, written in code, or a `ChorusConfig` (validating a
 *   valid config returns an equal one).
 * @param source - where it came from (a file name), quoted in messages.
 * @example
 * ```ts
 * const config = validateConfig({
 *   orchestration: { variations: { providers: ['claude', 'ollama'], temperature: [0.2, 0.8] } },
 * });
 * config.orchestration.consensus.min_responses; // 2
 * config.providers.claude.models; // ['claude-sonnet-4-5'] (preset)
 * ```
 */
export function validateConfig(input: unknown, source?: string): ChorusConfig {
  const errors = new ErrorList(input, source);
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) errors.fromIssue(issue);
    errors.throwIfAny();
  }
  const config = resolve((parsed as { data: ParsedConfig }).data, errors);
  errors.throwIfAny();
  const frozen = deepFreeze(config!);
  origins.set(frozen, clonePlain(input));
  return frozen;
}

/** Collects errors as ConfigErrors, looking values up in the raw input and redacting secrets. */
class ErrorList {
  readonly errors: ConfigError[] = [];

  constructor(
    private readonly input: unknown,
    private readonly source: string | undefined,
  ) {}

  add(path: Path, value: unknown, allowed: string, detail?: string): void {
    const shown = path.some((p) => SECRET_KEYS.has(p)) && value !== undefined ? REDACTED : value;
    const where = this.source ? `in ${this.source}` : undefined;
    const full = [detail, where].filter(Boolean).join('; ') || undefined;
    const error = new ConfigError(formatPath(path), shown, allowed, full);
    if (path.length === 0) error.message = error.message.replace('Invalid config ``', 'Invalid config');
    this.errors.push(error);
  }

  /** Adds an error about the value at `path` in the raw input. */
  at(path: Path, allowed: string, detail?: string): void {
    this.add(path, valueAt(this.input, path), allowed, detail);
  }

  fromIssue(issue: z.core.$ZodIssue): void {
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(issue.path);
      const where = issue.path.length ? `[${formatPath(issue.path)}]` : 'the top level';
      for (const key of issue.keys) {
        const guess = didYouMean(key, known);
        const detail = guess ? `unknown key; did you mean \`${guess}\`?` : 'unknown key';
        this.add([...issue.path, key], key, `one of the keys of ${where}: ${known.join(', ')}`, detail);
      }
      return;
    }
    let detail: string | undefined;
    const value = valueAt(this.input, issue.path);
    if (issue.code === 'invalid_value' && typeof value === 'string') {
      const guess = didYouMean(value, issue.values.map(String));
      if (guess) detail = `did you mean "${guess}"?`;
    }
    this.at(issue.path, issue.message, detail);
  }

  throwIfAny(): void {
    if (this.errors.length === 1) throw this.errors[0];
    if (this.errors.length > 1) throw new ConfigErrors(this.errors);
  }
}

function valueAt(root: unknown, path: Path): unknown {
  let current = root;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

function resolve(parsed: ParsedConfig, errors: ErrorList): ChorusConfig | undefined {
  const o = parsed.orchestration ?? {};
  const v = o.variations ?? {};
  const c = o.consensus ?? {};
  const h = o.hedging ?? {};
  const D = CONFIG_DEFAULTS.orchestration;
  const declared: Record<string, ParsedProvider> = parsed.providers ?? {};
  const presetNames = Object.keys(PROVIDER_PRESETS);

  for (const name of Object.keys(declared)) {
    if (!PROVIDER_NAME.test(name)) {
      errors.add(
        ['providers', name],
        name,
        'a provider name: a letter, then letters, digits, `_`, `-` or `.`',
      );
    }
  }
  const known = new Set([...Object.keys(declared), ...presetNames]);
  const checkReference = (path: Path, name: string): boolean => {
    if (known.has(name)) return true;
    const guess = didYouMean(name, known);
    errors.add(
      path,
      name,
      `a provider declared as [providers.NAME] or a preset (${presetNames.join(', ')})`,
      guess ? `did you mean "${guess}"?` : undefined,
    );
    return false;
  };

  // The plan's providers.
  const planPath = ['orchestration', 'variations', 'providers'];
  const planProviders = v.providers ?? Object.keys(declared);
  if (planProviders.length === 0) {
    errors.add(
      planPath,
      v.providers,
      'a non-empty list of provider names',
      v.providers ? undefined : 'no [providers.NAME] section and no `orchestration.variations.providers`',
    );
  }
  planProviders.forEach((name, i) => {
    if (planProviders.indexOf(name) !== i) {
      errors.add([...planPath, i], name, 'a provider not already listed');
    } else if (v.providers) checkReference([...planPath, i], name);
  });

  // Fallback chains: known names, no self-reference, no duplicates, no cycles.
  for (const [name, section] of Object.entries(declared)) {
    (section.fallback ?? []).forEach((target, i) => {
      const path = ['providers', name, 'fallback', i];
      if (target === name)
        errors.add(path, target, 'another provider', 'a provider cannot fall back to itself');
      else if (section.fallback!.indexOf(target) !== i)
        errors.add(path, target, 'a provider not already listed');
      else checkReference(path, target);
    });
  }
  findFallbackCycles(declared, errors);

  // The LLM judge and fuser are providers too (called through the pool like any variant).
  const helpers: string[] = [];
  for (const key of ['judge', 'fuser'] as const) {
    const name = c[key];
    if (name !== undefined && checkReference(['orchestration', 'consensus', key], name)) helpers.push(name);
  }

  // Every provider the config uses: declared, planned, or a fallback target.
  const needed = new Set<string>(Object.keys(declared));
  for (const name of planProviders) if (known.has(name)) needed.add(name);
  for (const section of Object.values(declared)) {
    for (const target of section.fallback ?? []) if (known.has(target)) needed.add(target);
  }
  for (const name of helpers) needed.add(name);
  const timeoutSeconds = o.timeout_seconds ?? D.timeout_seconds;
  const maxTokens = o.max_tokens ?? D.max_tokens;
  const providers: Record<string, ProviderConfig> = {};
  for (const name of needed) {
    const resolved = resolveProvider(name, declared[name], PROVIDER_PRESETS[name], {
      timeoutSeconds,
      maxTokens,
      errors,
    });
    if (resolved) providers[name] = resolved;
  }

  // Per-provider model lists for variation.
  const models: Record<string, readonly string[]> = {};
  const modelsPath = ['orchestration', 'variations', 'models'];
  if (Array.isArray(v.models)) {
    for (const name of planProviders) models[name] = v.models;
  } else if (v.models) {
    for (const [name, list] of Object.entries(v.models)) {
      if (!planProviders.includes(name)) {
        const guess = didYouMean(name, planProviders);
        errors.add(
          [...modelsPath, name],
          name,
          `a provider of \`orchestration.variations.providers\` (${planProviders.join(', ')})`,
          guess ? `did you mean "${guess}"?` : undefined,
        );
      }
      models[name] = list;
    }
  }
  for (const [name, list] of Object.entries(models)) {
    list.forEach((m, i) => {
      if (list.indexOf(m) !== i) {
        errors.add(
          Array.isArray(v.models) ? [...modelsPath, i] : [...modelsPath, name, i],
          m,
          'a model not already listed',
        );
      }
    });
  }

  const temperature = v.temperature ?? D.variations.temperature;
  const topP = v.top_p ?? D.variations.top_p;
  noDuplicates(temperature, ['orchestration', 'variations', 'temperature'], errors);
  noDuplicates(topP, ['orchestration', 'variations', 'top_p'], errors);
  const anthropic = planProviders.filter((n) => providers[n]?.kind === 'anthropic');
  if (anthropic.length > 0) {
    temperature.forEach((t, i) => {
      if (t > ANTHROPIC_MAX_TEMPERATURE) {
        errors.add(
          ['orchestration', 'variations', 'temperature', i],
          t,
          `a number from 0 to ${ANTHROPIC_MAX_TEMPERATURE}`,
          `\`${anthropic[0]}\` is an anthropic provider, whose API accepts temperatures up to 1`,
        );
      }
    });
  }

  const variations: VariationsConfig = {
    providers: planProviders,
    models,
    temperature,
    top_p: topP,
    attempts: v.attempts ?? D.variations.attempts,
    mode: v.mode ?? D.variations.mode,
    seed: v.seed ?? D.variations.seed,
  };
  const prices = resolvePrices(parsed.prices ?? {}, errors);
  if (errors.errors.length > 0) return undefined;

  const draft: ChorusConfig = {
    orchestration: {
      strategy: o.strategy ?? D.strategy,
      timeout_seconds: timeoutSeconds,
      max_providers: o.max_providers ?? D.max_providers,
      max_tokens: maxTokens,
      ...(o.budget_usd !== undefined && { budget_usd: o.budget_usd }),
      variations,
      consensus: { ...D.consensus, min_responses: 1 },
      hedging: {
        max_extra: h.max_extra ?? D.hedging.max_extra,
        percentile: h.percentile ?? D.hedging.percentile,
        min_samples: h.min_samples ?? D.hedging.min_samples,
      },
    },
    providers,
    prices,
  };
  const planned = countVariants(planFromConfig(draft));
  if (c.min_responses !== undefined && c.min_responses > planned) {
    errors.add(
      ['orchestration', 'consensus', 'min_responses'],
      c.min_responses,
      `at most ${planned}, the number of variants the plan launches`,
      `${planned} = the variation plan capped at max_providers = ${draft.orchestration.max_providers}`,
    );
    return undefined;
  }
  const consensus: ConsensusConfig = {
    method: c.method ?? D.consensus.method,
    min_responses: c.min_responses ?? Math.min(D.consensus.min_responses, planned),
    confidence_threshold: c.confidence_threshold ?? D.consensus.confidence_threshold,
    on_low_confidence: c.on_low_confidence ?? D.consensus.on_low_confidence,
    max_extra_variants: c.max_extra_variants ?? D.consensus.max_extra_variants,
    ...(c.judge !== undefined && { judge: c.judge }),
    ...(c.fuser !== undefined && { fuser: c.fuser }),
    ...(c.quality_threshold !== undefined && { quality_threshold: c.quality_threshold }),
    cache_ttl: c.cache_ttl ?? D.consensus.cache_ttl,
    cache_size: c.cache_size ?? D.consensus.cache_size,
    task: c.task ?? D.consensus.task,
  };
  return { ...draft, orchestration: { ...draft.orchestration, consensus } };
}

function resolveProvider(
  name: string,
  section: ParsedProvider | undefined,
  preset: ProviderPreset | undefined,
  context: { timeoutSeconds: number; maxTokens: number; errors: ErrorList },
): ProviderConfig | undefined {
  const { errors } = context;
  const path = ['providers', name];
  const kind = section?.kind ?? preset?.kind;
  if (!kind) {
    errors.add(
      [...path, 'kind'],
      undefined,
      `one of ${ALLOWED_VALUES.kind.map((k) => JSON.stringify(k)).join(', ')}`,
      `required: \`${name}\` is not a preset (${Object.keys(PROVIDER_PRESETS).join(', ')})`,
    );
    return undefined;
  }
  const defaults = KIND_DEFAULTS[kind];
  if (section?.model !== undefined && section.models !== undefined) {
    errors.add([...path, 'models'], section.models, 'either `model` or `models`, not both');
  }
  const models =
    section?.models ??
    (section?.model !== undefined ? [section.model] : undefined) ??
    (preset && preset.kind === kind ? [preset.model] : undefined) ??
    (defaults.model !== undefined ? [defaults.model] : undefined);
  if (!models) {
    errors.add([...path, 'model'], undefined, 'a model name', `required for kind "${kind}"`);
    return undefined;
  }
  if (section?.models) noDuplicates(section.models, [...path, 'models'], errors);

  if (section?.base_url !== undefined) checkUrl(section.base_url, [...path, 'base_url'], errors);
  else if (kind === 'openai_compatible') {
    errors.add([...path, 'base_url'], undefined, 'an http(s) URL', 'required for kind "openai_compatible"');
  }
  if (section?.api_key_env !== undefined && !ENV_NAME.test(section.api_key_env)) {
    errors.add(
      [...path, 'api_key_env'],
      section.api_key_env,
      'the name of an environment variable (letters, digits and `_`)',
      'the name of the variable that holds the key, never the key itself',
    );
  }
  const apiKeyEnv = section?.api_key_env ?? defaults.api_key_env;
  const apiKey: Secret | undefined =
    section?.api_key === undefined
      ? undefined
      : isSecret(section.api_key)
        ? section.api_key
        : secret(section.api_key);

  if (section?.prices && section.prices.input === undefined && section.prices.output === undefined) {
    errors.add(
      [...path, 'prices'],
      section.prices,
      'a table with `input` and/or `output` in USD per million tokens',
    );
  }
  const prices: PriceConfig | undefined = section?.prices ?? defaults.prices;

  const P = CONFIG_DEFAULTS.provider;
  const retries = { ...P.retries, ...section?.retries };
  if (retries.base_delay_ms > retries.max_delay_ms) {
    errors.add(
      [...path, 'retries', section?.retries?.base_delay_ms !== undefined ? 'base_delay_ms' : 'max_delay_ms'],
      section?.retries?.base_delay_ms ?? retries.max_delay_ms,
      section?.retries?.base_delay_ms !== undefined
        ? `at most max_delay_ms (${retries.max_delay_ms})`
        : `at least base_delay_ms (${retries.base_delay_ms})`,
    );
  }
  const timeouts = {
    first_token_ms: section?.timeouts?.first_token_ms ?? P.timeouts.first_token_ms,
    idle_ms: section?.timeouts?.idle_ms ?? P.timeouts.idle_ms,
    total_ms: section?.timeouts?.total_ms ?? Math.round(context.timeoutSeconds * 1000),
  };
  return {
    kind,
    models,
    ...(section?.base_url !== undefined && { base_url: section.base_url }),
    ...(apiKeyEnv !== undefined && { api_key_env: apiKeyEnv }),
    ...(apiKey !== undefined && { api_key: apiKey }),
    ...(section?.rpm !== undefined && { rpm: section.rpm }),
    ...(section?.tpm !== undefined && { tpm: section.tpm }),
    ...(section?.max_concurrency !== undefined && { max_concurrency: section.max_concurrency }),
    max_tokens: section?.max_tokens ?? context.maxTokens,
    ...(prices !== undefined && { prices }),
    fallback: section?.fallback ?? [],
    timeouts,
    retries,
    circuit_breaker: { ...P.circuit_breaker, ...section?.circuit_breaker },
  };
}

function checkUrl(value: string, path: Path, errors: ErrorList): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    errors.add(path, value, 'an http(s) URL, e.g. "http://127.0.0.1:8080/v1"');
    return;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    errors.add(path, value, 'an http(s) URL, e.g. "http://127.0.0.1:8080/v1"');
  } else if (url.username || url.password) {
    // The URL holds credentials: never echo it.
    errors.add(
      path,
      REDACTED,
      'a URL without credentials',
      'put the key in the variable `api_key_env` names',
    );
  }
}

function resolvePrices(input: Record<string, PriceConfig>, errors: ErrorList): Record<string, PriceConfig> {
  for (const [model, price] of Object.entries(input)) {
    if (model.length === 0) errors.add(['prices', model], model, 'a model name (a non-empty string)');
    if (price.input === undefined && price.output === undefined) {
      errors.add(['prices', model], price, 'a table with `input` and/or `output` in USD per million tokens');
    }
  }
  return input;
}

function noDuplicates(list: readonly unknown[], path: Path, errors: ErrorList): void {
  list.forEach((item, i) => {
    if (list.indexOf(item) !== i) errors.add([...path, i], item, 'a value not already listed');
  });
}

/** Reports each fallback cycle once, at the edge that closes it. */
function findFallbackCycles(declared: Record<string, ParsedProvider>, errors: ErrorList): void {
  const done = new Set<string>();
  const stack: string[] = [];
  const visit = (name: string): void => {
    if (done.has(name)) return;
    stack.push(name);
    (declared[name]?.fallback ?? []).forEach((target, i) => {
      if (target === name) return; // reported as a self-reference
      const at = stack.indexOf(target);
      if (at >= 0) {
        const cycle = [...stack.slice(at), target].join(' → ');
        errors.add(
          ['providers', name, 'fallback', i],
          target,
          `a provider whose fallback chain does not lead back to \`${name}\``,
          `cycle: ${cycle}`,
        );
      } else visit(target);
    });
    stack.pop();
    done.add(name);
  };
  for (const name of Object.keys(declared)) visit(name);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** A copy of plain data (objects, arrays, primitives); secrets and other objects are shared. */
function clonePlain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(clonePlain);
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clonePlain(v)]));
  }
  return value;
}
