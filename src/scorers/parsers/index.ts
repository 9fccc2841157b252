// Public exports of src/scorers/parsers: the syntax-checking layer under the syntax scorer.
export { blockLanguage } from './blockLanguage.js';
export {
  checkSyntax,
  DEFAULT_MAX_ERRORS,
  isLanguageLoaded,
  loadLanguage,
  NOT_CODE,
  prepareParsers,
  SYNTAX_LANGUAGES,
  syntaxLanguage,
} from './checkSyntax.js';
export { detectLanguage } from './detectLanguage.js';
export type { SyntaxCheck, SyntaxIssue } from './syntaxCheck.js';
export { type TreeSitterStats, treeSitterStats } from './treeSitterRuntime.js';
