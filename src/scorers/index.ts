// Public exports of src/scorers, re-exported by src/index.ts.

export { type AnswerKind, type ExtractAnswerOptions, extractAnswer } from './answer.js';
export { type AnswerKeyOptions, answerKey, type KeyedText } from './answerKey.js';
export {
  type BestPracticesScorerOptions,
  type BestPracticesState,
  createBestPracticesScorer,
} from './bestPracticesScorer.js';
export {
  type CodeBlock,
  createFenceTracker,
  extractCodeBlocks,
  type FenceTracker,
  normalizeLanguage,
} from './codeBlocks.js';
export { type CodeNormalFormOptions, codeNormalForm } from './codeNormalForm.js';
export {
  type CompletenessScorerOptions,
  type CompletenessState,
  createCompletenessScorer,
} from './completenessScorer.js';
export {
  type ConsistencyScorerOptions,
  type ConsistencyState,
  createConsistencyScorer,
} from './consistencyScorer.js';
export * from './parsers/index.js';
export {
  createPerformanceScorer,
  type PerformanceScorerOptions,
  type PerformanceState,
} from './performanceScorer.js';
export {
  createQualityScorer,
  type QualityScorer,
  type QualityScorerOptions,
  type QualityState,
} from './qualityScorer.js';
export {
  createDefaultScorers,
  DEFAULT_WEIGHTS,
  type DefaultScorersOptions,
  defaultScorers,
} from './registry.js';
export {
  createSyntaxScorer,
  HUMANEVAL_STOP_SEQUENCES,
  type SyntaxScorer,
  type SyntaxScorerOptions,
  type SyntaxState,
  syntaxScorer,
} from './syntaxScorer.js';
