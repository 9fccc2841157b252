/**
 * The price table: USD per million tokens by model name, from the shipped snapshot
 * (`data/model_prices.json`, see `data/README.md`) with overrides from the config or code.
 */
import { readFileSync } from 'node:fs';
import type { ChorusConfig, PriceConfig, ProviderKind } from '../config/types.js';

/** The price of one model, USD per million tokens. */
export interface ModelPrice {
  readonly input: number;
  readonly output: number;
  /** Cached input read, when the table knows it. */
  readonly cacheRead?: number;
  /** Cached input write, when the table knows it. */
  readonly cacheWrite?: number;
  /** The most specific source that contributed: a provider override, a model override, or the table. */
  readonly source: 'provider' | 'model' | 'table';
  /** The key that matched (the provider name, or the model name in the overrides or the table). */
  readonly matched: string;
}

/** Price overrides, USD per million tokens. A partial override takes the rest from the table. */
export interface PriceOverrides {
  /** By model name (matched exactly, then case-insensitively). */
  readonly models?: Readonly<Record<string, PriceConfig>>;
  /** By provider name (the config's `[providers.NAME]`): every model of that provider. Wins over `models`. */
  readonly providers?: Readonly<Record<string, PriceConfig>>;
}

/** Who serves the model, to pick the right override and table entry. */
export interface PriceHint {
  /** The config's provider name. */
  readonly provider?: string;
  readonly kind?: ProviderKind;
}

/** Token counts to price. */
export interface TokenCounts {
  readonly input: number;
  readonly output: number;
}

/** A price table; see `createPriceTable`. */
export interface PriceTable {
  /** The price of `model`, or `undefined` when neither overrides nor the table know it. */
  lookup(model: string, hint?: PriceHint): ModelPrice | undefined;
  /** USD for `tokens` of `model`, or `undefined` when the model is unpriced (never a silent 0). */
  cost(tokens: TokenCounts, model: string, hint?: PriceHint): number | undefined;
  /** Models in the table (overrides not counted). */
  readonly size: number;
}

/** One entry of `data/model_prices.json` (USD per token). */
export interface RawPriceEntry {
  readonly litellm_provider?: string;
  readonly mode?: string;
  readonly input_cost_per_token?: number;
  readonly output_cost_per_token?: number;
  readonly cache_read_input_token_cost?: number;
  readonly cache_creation_input_token_cost?: number;
  readonly max_input_tokens?: number;
  readonly max_output_tokens?: number;
}

/** Options of `createPriceTable`. */
export interface PriceTableOptions {
  /** Replaces the shipped table (same format as `data/model_prices.json`). @defaultValue the shipped table */
  readonly table?: Readonly<Record<string, RawPriceEntry>>;
}

/** The table's provider names (LiteLLM's) for each provider kind. */
const TABLE_PROVIDER: Readonly<Partial<Record<ProviderKind, string>>> = {
  openai: 'openai',
  anthropic: 'anthropic',
};

let shipped: Readonly<Record<string, RawPriceEntry>> | undefined;

/** The shipped table, read once on first use (`data/` sits two levels above both `src/cost` and `dist/cost`). */
function shippedTable(): Readonly<Record<string, RawPriceEntry>> {
  shipped ??= JSON.parse(
    readFileSync(new URL('../../data/model_prices.json', import.meta.url), 'utf8'),
  ) as Record<string, RawPriceEntry>;
  return shipped;
}

/**
 * Creates a price table from the shipped snapshot plus overrides.
 *
 * Lookup order for a model: the provider's override (`hint.provider`), the model's override, then
 * the table, where the name is tried as given, lower-cased, prefixed by the provider
 * (`anthropic/…`), without a `vendor/` prefix (`openai/gpt-4o` → `gpt-4o`), and without a date or
 * version suffix (`-2024-08-06`, `-20240806`, `@20240620`, `-v1:0`, `:latest`). Fields missing from
 * an override come from the next source. A model with no input or output price anywhere is
 * *unpriced*: `lookup` returns `undefined` and the ledger reports its cost as unknown.
 *
 * @param overrides - `{ models, providers }`, or a `ChorusConfig` (its `prices` and each provider's
 *   `prices`).
 * @example
 * ```ts
 * const prices = createPriceTable({ models: { 'my-finetune': { input: 1, output: 4 } } });
 * prices.lookup('gpt-4o-mini-2024-07-18'); // { input: 0.15, output: 0.6, source: 'table', … }
 * prices.cost({ input: 1000, output: 500 }, 'claude-haiku-4-5'); // USD
 * prices.lookup('llama-local'); // undefined (unpriced)
 * ```
 */
export function createPriceTable(
  overrides: PriceOverrides | ChorusConfig = {},
  options: PriceTableOptions = {},
): PriceTable {
  const { models = {}, providers = {} } =
    'orchestration' in overrides ? overridesFromConfig(overrides) : overrides;
  for (const [scope, entries] of [
    ['models', models],
    ['providers', providers],
  ] as const) {
    for (const [name, price] of Object.entries(entries)) checkPrice(price, `${scope}.${name}`);
  }
  const raw = options.table ?? shippedTable();
  const table = new Map<string, { entry: RawPriceEntry; key: string }>();
  for (const [key, entry] of Object.entries(raw)) {
    table.set(key, { entry, key });
    if (!table.has(key.toLowerCase())) table.set(key.toLowerCase(), { entry, key });
  }
  const modelsLower = new Map(Object.entries(models).map(([k, v]) => [k.toLowerCase(), v] as const));

  const fromTable = (model: string, hint: PriceHint | undefined) => {
    for (const name of candidates(model, hint)) {
      const found = table.get(name);
      if (found) return found;
    }
    return undefined;
  };

  const lookup = (model: string, hint?: PriceHint): ModelPrice | undefined => {
    const byProvider = hint?.provider !== undefined ? providers[hint.provider] : undefined;
    const byModel = models[model] ?? modelsLower.get(model.toLowerCase());
    const row = fromTable(model, hint);
    const perMillion = (x: number | undefined) => (x === undefined ? undefined : Math.round(x * 1e12) / 1e6);
    const input = byProvider?.input ?? byModel?.input ?? perMillion(row?.entry.input_cost_per_token);
    const output = byProvider?.output ?? byModel?.output ?? perMillion(row?.entry.output_cost_per_token);
    if (input === undefined || output === undefined) return undefined;
    const cacheRead = perMillion(row?.entry.cache_read_input_token_cost);
    const cacheWrite = perMillion(row?.entry.cache_creation_input_token_cost);
    const [source, matched]: [ModelPrice['source'], string] = byProvider
      ? ['provider', hint!.provider!]
      : byModel
        ? ['model', model]
        : ['table', row!.key];
    return {
      input,
      output,
      ...(cacheRead !== undefined && { cacheRead }),
      ...(cacheWrite !== undefined && { cacheWrite }),
      source,
      matched,
    };
  };

  return {
    lookup,
    cost(tokens, model, hint) {
      const price = lookup(model, hint);
      return price ? (tokens.input * price.input + tokens.output * price.output) / 1e6 : undefined;
    },
    size: Object.keys(raw).length,
  };
}

/** The overrides a validated config carries: `[prices."MODEL"]` and each provider's `prices`. */
export function overridesFromConfig(config: ChorusConfig): PriceOverrides {
  const providers: Record<string, PriceConfig> = {};
  for (const [name, p] of Object.entries(config.providers)) if (p.prices) providers[name] = p.prices;
  return { models: config.prices, providers };
}

function checkPrice(price: PriceConfig, name: string): void {
  for (const field of ['input', 'output'] as const) {
    const value = price[field];
    if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value >= 0)) {
      throw new TypeError(`\`${name}.${field}\` must be a number >= 0 (USD per million tokens)`);
    }
  }
}

/** Names to try in the table, most specific first. */
function candidates(model: string, hint: PriceHint | undefined): string[] {
  const out: string[] = [];
  const add = (name: string) => {
    if (name && !out.includes(name)) out.push(name);
  };
  const prefix = hint?.kind ? TABLE_PROVIDER[hint.kind] : undefined;
  for (const name of [model, model.toLowerCase()]) {
    add(name);
    if (prefix) add(`${prefix}/${name}`);
    const bare = name.slice(name.lastIndexOf('/') + 1);
    add(bare);
    const unversioned = bare.replace(/:latest$/, '').replace(/-v\d+:\d+$/, '');
    add(unversioned);
    add(unversioned.replace(/(@|-)(\d{4}-\d{2}-\d{2}|\d{8})$/, ''));
  }
  return out;
}
