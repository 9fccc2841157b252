// Public exports of src/scorers, re-exported by src/index.ts.
export {
  type CodeBlock,
  createFenceTracker,
  extractCodeBlocks,
  type FenceTracker,
  normalizeLanguage,
} from './codeBlocks.js';
export { type CodeNormalFormOptions, codeNormalForm } from './codeNormalForm.js';
export * from './parsers/index.js';
export {
  createSyntaxScorer,
  HUMANEVAL_STOP_SEQUENCES,
  type SyntaxScorer,
  type SyntaxScorerOptions,
  type SyntaxState,
  syntaxScorer,
} from './syntaxScorer.js';
