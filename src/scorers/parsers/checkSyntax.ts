/**
 * The parser registry: which parser checks which language, loading them (async, once, cached for
 * the process) and checking code with them (sync, so incremental scorers can use them).
 *
 * | languages | parser |
 * | --- | --- |
 * | javascript (JSX allowed), typescript, tsx | oxc-parser; tree-sitter if oxc's binary cannot load |
 * | python, rust, go, java, c, cpp, bash, css, ruby, php, csharp, powershell | tree-sitter (wasm grammars of `@vscode/tree-sitter-wasm`; C uses the C++ grammar) |
 * | json, jsonc | `JSON.parse`, then `jsonc-parser` for error positions |
 * | yaml | `yaml` |
 * | toml | `smol-toml` |
 *
 * No offline parser is installed for HTML or SQL (no npm package ships their tree-sitter grammars
 * as wasm compatible with web-tree-sitter 0.27), so they are not checked.
 */
import { normalizeLanguage } from '../codeBlocks.js';
import { jsonChecker, jsoncChecker, type LazyChecker, tomlChecker, yamlChecker } from './dataCheckers.js';
import { oxcJavaScriptChecker, oxcTsxChecker, oxcTypeScriptChecker } from './oxcChecker.js';
import type { SyntaxCheck, SyntaxIssue } from './syntaxCheck.js';
import { checkWithTreeSitter } from './treeSitterErrors.js';
import {
  isTreeSitterLanguageLoaded,
  loadTreeSitterLanguage,
  TREE_SITTER_GRAMMARS,
} from './treeSitterRuntime.js';

const DATA: Readonly<Record<string, LazyChecker>> = {
  json: jsonChecker,
  jsonc: jsoncChecker,
  yaml: yamlChecker,
  toml: tomlChecker,
};

const OXC: Readonly<Record<string, LazyChecker>> = {
  javascript: oxcJavaScriptChecker,
  typescript: oxcTypeScriptChecker,
  tsx: oxcTsxChecker,
};

/** Every language `checkSyntax` can check once loaded, by canonical name. */
export const SYNTAX_LANGUAGES: readonly string[] = [
  ...Object.keys(TREE_SITTER_GRAMMARS),
  ...Object.keys(DATA),
];

/**
 * Labels that look like a language but are not code to parse: terminal transcripts (prompts mixed
 * with output; `normalizeLanguage` folds `console` into `bash`), JSON5 (folded into `json`, whose
 * checker would reject its unquoted keys), and plain text or program output.
 */
export const NOT_CODE: ReadonlySet<string> = new Set([
  'console',
  'shell-session',
  'terminal',
  'json5',
  'text',
  'txt',
  'plaintext',
  'output',
]);

/** The default cap on errors reported per check. */
export const DEFAULT_MAX_ERRORS = 20;

/**
 * The canonical name under which `language` is checked (`py` → `python`, `ts` → `typescript`,
 * `jsonc` kept apart from `json`), or undefined when no parser supports it.
 *
 * @example
 * syntaxLanguage('C++'); // → 'cpp'
 * syntaxLanguage('sql'); // → undefined
 * syntaxLanguage('console'); // → undefined (see NOT_CODE)
 */
export function syntaxLanguage(language: string): string | undefined {
  const word = language.trim().toLowerCase();
  if (NOT_CODE.has(word)) return undefined;
  const canonical = word === 'jsonc' ? 'jsonc' : normalizeLanguage(word);
  return canonical !== undefined && SYNTAX_LANGUAGES.includes(canonical) ? canonical : undefined;
}

function canonicalOrThrow(language: string): string {
  const canonical = typeof language === 'string' ? syntaxLanguage(language) : undefined;
  if (canonical === undefined) {
    throw new TypeError(
      `no syntax checker for \`${String(language)}\`; supported: ${SYNTAX_LANGUAGES.join(', ')} (and their usual aliases)`,
    );
  }
  return canonical;
}

/**
 * Loads the parser for one language, once per process. Resolves when `checkSyntax` can check it.
 * Throws a `TypeError` for a language no parser supports.
 *
 * @example
 * await loadLanguage('py');
 * checkSyntax('python', 'print(1)'); // → { language: 'python', parser: 'tree-sitter', errors: [] }
 */
export async function loadLanguage(language: string): Promise<void> {
  const canonical = canonicalOrThrow(language);
  const data = DATA[canonical];
  if (data !== undefined) return data.load();
  const oxc = OXC[canonical];
  if (oxc !== undefined) {
    try {
      return await oxc.load();
    } catch {
      // No oxc binary for this platform: fall back to the (more lenient) tree-sitter grammar.
    }
  }
  return loadTreeSitterLanguage(canonical);
}

/**
 * Loads the parsers of several languages (all of {@link SYNTAX_LANGUAGES} by default), one after
 * the other: loading many wasm grammars at once spikes CPU on small machines. Every name is
 * validated before anything loads.
 *
 * @example
 * await prepareParsers(['python', 'typescript', 'json']);
 */
export async function prepareParsers(languages: readonly string[] = SYNTAX_LANGUAGES): Promise<void> {
  const canonical = [...new Set(languages.map(canonicalOrThrow))];
  for (const language of canonical) await loadLanguage(language);
}

/** True when `checkSyntax(language, …)` would check rather than return undefined. */
export function isLanguageLoaded(language: string): boolean {
  const canonical = syntaxLanguage(language);
  if (canonical === undefined) return false;
  const checker = DATA[canonical] ?? OXC[canonical];
  return checker?.loaded === true || isTreeSitterLanguageLoaded(canonical);
}

/**
 * Checks the syntax of `code` in `language` (a canonical name or an alias), synchronously. Returns
 * undefined when the language is unsupported or its parser is not loaded yet (see `loadLanguage`).
 * Reports at most `maxErrors` errors.
 *
 * @example
 * await loadLanguage('json');
 * checkSyntax('json', '{"a": 1,}')?.errors; // → [{ message: 'property name expected', line: 1, column: 9, offset: 8 }]
 */
export function checkSyntax(
  language: string,
  code: string,
  maxErrors = DEFAULT_MAX_ERRORS,
): SyntaxCheck | undefined {
  const canonical = syntaxLanguage(language);
  if (canonical === undefined) return undefined;
  const max = Math.max(1, maxErrors);
  const data = DATA[canonical];
  if (data !== undefined) {
    const errors = data.check(code, max);
    return (
      errors && {
        language: canonical,
        parser: canonical === 'jsonc' ? 'json' : canonical,
        errors: onePerPlace(errors),
      }
    );
  }
  const oxc = OXC[canonical]?.check(code, max);
  if (oxc !== undefined) return { language: canonical, parser: 'oxc', errors: onePerPlace(oxc) };
  const errors = checkWithTreeSitter(canonical, code, max);
  return errors && { language: canonical, parser: 'tree-sitter', errors: onePerPlace(errors) };
}

/**
 * Sorts errors by position and keeps the first of several at the same offset: parsers often report one mistake twice
 * there (`{"a": 1,}` is both "property name expected" and "value expected"), and each error
 * lowers the score.
 */
function onePerPlace(errors: readonly SyntaxIssue[]): readonly SyntaxIssue[] {
  const sorted = [...errors].sort((a, b) => a.offset - b.offset);
  return sorted.filter((e, i) => i === 0 || sorted[i - 1]!.offset !== e.offset);
}
