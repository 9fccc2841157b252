/**
 * llm-chorus: ask several LLMs at once as RxJS streams, decide by consensus as soon as enough
 * agree, and cancel the rest. This file is the whole public API; nothing else is public.
 */
export {
  createDecisionCache,
  type DecisionCache,
  type DecisionCacheOptions,
  type DecisionCacheStats,
  type DecisionKeyInput,
  decisionCacheKey,
  type GetOrRunOptions,
  type KeyMessage,
} from './cache.js';
export * from './config/index.js';
export * from './consensus/index.js';
export * from './cost/index.js';
export * from './emulator/index.js';
export * from './errors.js';
export * from './events.js';
export * from './operators/index.js';
export * from './orchestrator/index.js';
export * from './pool/index.js';
export * from './scorers/index.js';
export type { ScoreContext, ScoreReport, Scorer, TaskKind, WeightedScorer } from './scorers/scorer.js';
export * from './server/index.js';
export * from './streams/index.js';
export { countTokens, encodingFor, estimateTokens } from './tokens.js';
export {
  countVariants,
  expandVariants,
  ParameterVariator,
  planFromConfig,
  type VariantSpec,
  type VariationPlan,
  type VariationTarget,
  variantId,
} from './variation.js';
