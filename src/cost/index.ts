/** Cost accounting: the shipped price table with overrides, and the per-decision cost ledger. */

export type {
  CostEntry,
  CostEstimateRequest,
  CostLedger,
  CostLedgerOptions,
  CostTotal,
  UsageRecord,
} from './costLedger.js';
export { createCostLedger } from './costLedger.js';
export type {
  ModelPrice,
  PriceHint,
  PriceOverrides,
  PriceTable,
  PriceTableOptions,
  RawPriceEntry,
  TokenCounts,
} from './priceTable.js';
export { createPriceTable, overridesFromConfig } from './priceTable.js';
