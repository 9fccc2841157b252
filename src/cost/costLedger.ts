/**
 * The cost ledger of a decision (or of a whole process): every usage record priced, with totals per
 * variant, per provider, per model and overall, and the budget check.
 */
import type { ProviderKind } from '../config/types.js';
import type { VariantId } from '../events.js';
import { countTokens as defaultCountTokens } from '../tokens.js';
import type { ModelPrice, PriceTable } from './priceTable.js';

/** One usage to record: what a stream adapter's `onUsage` gives, plus who served it. */
export interface UsageRecord {
  readonly variant: VariantId;
  /** The config's provider name. */
  readonly provider: string;
  readonly model: string;
  readonly kind?: ProviderKind;
  /** Input (prompt) tokens. */
  readonly input: number;
  /** Output (completion) tokens. */
  readonly output: number;
  /** Counted locally (cancelled or failed stream) rather than reported by the provider. */
  readonly estimated: boolean;
}

/** A recorded usage with its price. */
export interface CostEntry extends UsageRecord {
  /** USD, or `undefined` when the model is unpriced. */
  readonly usd: number | undefined;
  readonly price: ModelPrice | undefined;
  /** Set when the counts given were not non-negative numbers and were recorded as 0. */
  readonly invalid?: true;
}

/** A sum of entries. */
export interface CostTotal {
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** USD of everything, or `undefined` when any part is unpriced (see `pricedUsd`, `unpriced`). */
  readonly usd: number | undefined;
  /** USD of the priced parts only. */
  readonly pricedUsd: number;
  /** True when any part is estimated. */
  readonly estimated: boolean;
  /** Models with no price, so that an unknown cost is never shown as 0. */
  readonly unpriced: readonly string[];
  /** Number of usage records. */
  readonly records: number;
}

/** What a request about to be launched is expected to use. */
export interface CostEstimateRequest {
  readonly provider: string;
  readonly model: string;
  readonly kind?: ProviderKind;
  /** The prompt text, counted with `countTokens` unless `inputTokens` is given. */
  readonly prompt?: string;
  readonly inputTokens?: number;
  /** The output token limit (the worst case is what a budget must assume). */
  readonly maxOutputTokens: number;
}

/** Options of `createCostLedger`. */
export interface CostLedgerOptions {
  /** Token counter for `estimate`. @defaultValue `countTokens` of `src/tokens.ts` */
  readonly countTokens?: (text: string, model?: string) => number;
}

/** A cost ledger; see `createCostLedger`. */
export interface CostLedger {
  /** Prices and records a usage. */
  record(usage: UsageRecord): CostEntry;
  readonly entries: readonly CostEntry[];
  /** Everything recorded. */
  readonly total: CostTotal;
  byVariant(): Readonly<Record<VariantId, CostTotal>>;
  byProvider(): Readonly<Record<string, CostTotal>>;
  byModel(): Readonly<Record<string, CostTotal>>;
  /** The worst-case USD of a request (prompt tokens + `maxOutputTokens`), or `undefined` if unpriced. */
  estimate(request: CostEstimateRequest): number | undefined;
  /**
   * Whether spending `nextEstimateUsd` more (pass `0` to check the spent total alone) would take
   * the priced total past `budgetUsd`. An unknown next cost (`undefined`, what `estimate` returns
   * for an unpriced model) counts as exceeding, since a budget cannot be kept on prices nobody
   * knows: give such models a price override to launch them under a budget.
   */
  wouldExceed(budgetUsd: number, nextEstimateUsd: number | undefined): boolean;
  toJSON(): { total: CostTotal; entries: readonly CostEntry[] };
}

/**
 * Creates an empty cost ledger over a price table.
 *
 * @example
 * ```ts
 * const ledger = createCostLedger(createPriceTable(config));
 * ledger.record({ variant: 'claude:claude-haiku-4-5#1', provider: 'claude', model: 'claude-haiku-4-5',
 *                 input: 120, output: 380, estimated: false });
 * ledger.total.usd; // 0.00202
 * ledger.wouldExceed(0.01, ledger.estimate({ provider: 'claude', model: 'claude-haiku-4-5',
 *                                            prompt, maxOutputTokens: 1024 }));
 * ```
 */
export function createCostLedger(prices: PriceTable, options: CostLedgerOptions = {}): CostLedger {
  if (!prices || typeof prices.lookup !== 'function') throw new TypeError('`prices` must be a PriceTable');
  const count = options.countTokens ?? defaultCountTokens;
  const entries: CostEntry[] = [];

  const groupBy = (key: (e: CostEntry) => string) => {
    const groups = new Map<string, CostEntry[]>();
    for (const entry of entries) {
      const k = key(entry);
      const group = groups.get(k);
      if (group) group.push(entry);
      else groups.set(k, [entry]);
    }
    return Object.freeze(Object.fromEntries([...groups].map(([k, list]) => [k, sum(list)])));
  };

  const ledger: CostLedger = {
    record(usage) {
      const input = tokens(usage.input);
      const output = tokens(usage.output);
      const invalid = input === undefined || output === undefined;
      const hint = { provider: usage.provider, ...(usage.kind && { kind: usage.kind }) };
      const price = prices.lookup(usage.model, hint);
      const counts = { input: input ?? 0, output: output ?? 0 };
      const entry: CostEntry = Object.freeze({
        variant: usage.variant,
        provider: usage.provider,
        model: usage.model,
        ...(usage.kind && { kind: usage.kind }),
        ...counts,
        estimated: usage.estimated || invalid,
        usd: price ? (counts.input * price.input + counts.output * price.output) / 1e6 : undefined,
        price,
        ...(invalid && { invalid: true as const }),
      });
      entries.push(entry);
      return entry;
    },
    get entries() {
      return entries.slice();
    },
    get total() {
      return sum(entries);
    },
    byVariant: () => groupBy((e) => e.variant),
    byProvider: () => groupBy((e) => e.provider),
    byModel: () => groupBy((e) => e.model),
    estimate(request) {
      const input = request.inputTokens ?? (request.prompt ? count(request.prompt, request.model) : 0);
      const hint = { provider: request.provider, ...(request.kind && { kind: request.kind }) };
      return prices.cost({ input, output: request.maxOutputTokens }, request.model, hint);
    },
    wouldExceed(budgetUsd, nextEstimateUsd) {
      if (!(typeof budgetUsd === 'number' && budgetUsd >= 0))
        throw new TypeError('`budgetUsd` must be a number >= 0');
      if (nextEstimateUsd === undefined) return true;
      return sum(entries).pricedUsd + nextEstimateUsd > budgetUsd;
    },
    toJSON: () => ({ total: sum(entries), entries: entries.slice() }),
  };
  return ledger;
}

/** A valid token count, or `undefined` for negative, NaN or infinite nonsense. */
function tokens(value: number): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.round(value) : undefined;
}

function sum(list: readonly CostEntry[]): CostTotal {
  let inputTokens = 0;
  let outputTokens = 0;
  let pricedUsd = 0;
  let estimated = false;
  const unpriced = new Set<string>();
  for (const e of list) {
    inputTokens += e.input;
    outputTokens += e.output;
    if (e.usd === undefined) unpriced.add(e.model);
    else pricedUsd += e.usd;
    estimated ||= e.estimated;
  }
  return Object.freeze({
    inputTokens,
    outputTokens,
    usd: unpriced.size ? undefined : pricedUsd,
    pricedUsd,
    estimated,
    unpriced: Object.freeze([...unpriced]),
    records: list.length,
  });
}
