/**
 * JavaScript / TypeScript checking with oxc-parser (a native parser shipped prebuilt in the npm
 * package): exact messages and spans, several errors per file, and the "early errors" a lenient
 * parser misses (`const x;`, a top-level `return`, a redeclared `let`). Measured faster than
 * tree-sitter's JS/TS grammars (bench/README.syntax.md), so it is the first choice for these
 * languages; tree-sitter is the fallback where oxc's binary is not available.
 */
import type { LazyChecker } from './dataCheckers.js';
import { createLineIndex } from './positions.js';
import type { SyntaxIssue } from './syntaxCheck.js';

type Oxc = typeof import('oxc-parser');
type OxcLang = 'jsx' | 'ts' | 'tsx';

let oxc: Oxc | undefined;
let pending: Promise<void> | undefined;

function issues(lang: OxcLang, code: string, max: number): SyntaxIssue[] {
  // `unambiguous`: a module when the code uses import/export, else a sloppy-mode script, so plain
  // snippets are not held to strict-mode rules they never opted into.
  const result = oxc!.parseSync(`answer.${lang}`, code, {
    lang,
    sourceType: 'unambiguous',
    showSemanticErrors: true,
  });
  const errors = result.errors.filter((e) => e.severity === 'Error');
  if (errors.length === 0) return [];
  const lines = createLineIndex(code);
  return errors.slice(0, max).map((e) => {
    // With several labels, the latest is where the code went wrong: oxc also points back at the
    // bracket left open ("Opened here") or at the first of two declarations.
    const offset = e.labels.reduce((latest, label) => Math.max(latest, label.start), 0);
    const help = e.helpMessage ? ` (${e.helpMessage})` : '';
    return { message: e.message + help, offset, ...lines.position(offset) };
  });
}

function checker(check: (code: string, max: number) => SyntaxIssue[]): LazyChecker {
  return {
    load() {
      pending ??= import('oxc-parser').then(
        (m) => {
          oxc = m;
        },
        (error: unknown) => {
          pending = undefined;
          throw error;
        },
      );
      return pending;
    },
    get loaded() {
      return oxc !== undefined;
    },
    check(code, max) {
      return oxc === undefined ? undefined : check(code, max);
    },
  };
}

/** JavaScript, with JSX allowed (React answers are often fenced as `js` or `jsx`). */
export const oxcJavaScriptChecker: LazyChecker = checker((code, max) => issues('jsx', code, max));

/**
 * TypeScript. Answers often fence TSX as `ts`; when the code fails as TS but parses as TSX, it is
 * accepted (the second parse runs only on failure).
 */
export const oxcTypeScriptChecker: LazyChecker = checker((code, max) => {
  const asTs = issues('ts', code, max);
  if (asTs.length === 0 || !/<[A-Za-z]/.test(code)) return asTs;
  return issues('tsx', code, max).length === 0 ? [] : asTs;
});

/** TSX. */
export const oxcTsxChecker: LazyChecker = checker((code, max) => issues('tsx', code, max));
