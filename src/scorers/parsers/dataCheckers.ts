/**
 * Syntax checkers for data languages, each backed by its own library, imported lazily (the `yaml`
 * package alone costs ~40 ms to import) and then usable synchronously:
 *
 * - JSON: `JSON.parse` first (fast, exact, strict); only when it fails, `jsonc-parser` to find
 *   every error with its offset (`JSON.parse` stops at the first). `jsonc` allows comments and
 *   trailing commas.
 * - YAML: `yaml`'s `parseAllDocuments` (multi-document streams), errors with codes and offsets.
 * - TOML: `smol-toml`, which stops at the first error.
 */

import { createLineIndex } from './positions.js';
import type { SyntaxIssue } from './syntaxCheck.js';

type Jsonc = typeof import('jsonc-parser');
type Yaml = typeof import('yaml');
type Toml = typeof import('smol-toml');

/** A checker whose library loads asynchronously once, then checks synchronously. */
export interface LazyChecker {
  /** Loads the library (once); later calls resolve at once. */
  load(): Promise<void>;
  readonly loaded: boolean;
  /** The errors in `code`, at most `max`; undefined until `load` has resolved. */
  check(code: string, max: number): SyntaxIssue[] | undefined;
}

/** `PropertyNameExpected` → `property name expected`. */
function words(code: string): string {
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

function lazy<M>(
  importer: () => Promise<M>,
  check: (lib: M, code: string, max: number) => SyntaxIssue[],
): LazyChecker {
  let lib: M | undefined;
  let pending: Promise<void> | undefined;
  return {
    load() {
      pending ??= importer().then(
        (m) => {
          lib = m;
        },
        (error: unknown) => {
          pending = undefined;
          throw error;
        },
      );
      return pending;
    },
    get loaded() {
      return lib !== undefined;
    },
    check(code, max) {
      return lib === undefined ? undefined : check(lib, code, max);
    },
  };
}

function jsonIssues(jsonc: Jsonc, code: string, max: number, comments: boolean): SyntaxIssue[] {
  let firstMessage: string;
  try {
    JSON.parse(code);
    return [];
  } catch (error) {
    firstMessage = error instanceof Error ? error.message : String(error);
  }
  const errors: import('jsonc-parser').ParseError[] = [];
  jsonc.parse(code, errors, {
    disallowComments: !comments,
    allowTrailingComma: comments,
    allowEmptyContent: false,
  });
  const lines = createLineIndex(code);
  if (errors.length === 0) {
    if (comments) return []; // valid JSONC that plain JSON.parse rejects
    // jsonc-parser accepted what JSON.parse did not: report JSON.parse's own message.
    const offset = Number(/position (\d+)/.exec(firstMessage)?.[1] ?? 0);
    return [{ message: firstMessage.split('\n', 1)[0]!, offset, ...lines.position(offset) }];
  }
  return errors.slice(0, max).map((e) => ({
    message: words(jsonc.printParseErrorCode(e.error)),
    offset: e.offset,
    ...lines.position(e.offset),
  }));
}

const importJsonc = (): Promise<Jsonc> => import('jsonc-parser');

/** Strict JSON (RFC 8259). */
export const jsonChecker: LazyChecker = lazy(importJsonc, (lib, code, max) =>
  jsonIssues(lib, code, max, false),
);

/** JSON with comments and trailing commas (as in `tsconfig.json`). */
export const jsoncChecker: LazyChecker = lazy(importJsonc, (lib, code, max) =>
  jsonIssues(lib, code, max, true),
);

/** YAML 1.2, every document of a `---`-separated stream. */
export const yamlChecker: LazyChecker = lazy(
  (): Promise<Yaml> => import('yaml'),
  (yaml, code, max) => {
    const issues: SyntaxIssue[] = [];
    const lines = createLineIndex(code);
    // prettyErrors off: we compute positions ourselves and want the message without a code frame.
    const documents = yaml.parseAllDocuments(code, { prettyErrors: false });
    for (const document of documents) {
      for (const error of document.errors) {
        if (issues.length >= max) return issues;
        const offset = error.pos[0];
        issues.push({ message: error.message.split('\n', 1)[0]!, offset, ...lines.position(offset) });
      }
    }
    return issues;
  },
);

/** TOML 1.0; reports the first error only (the parser stops there). */
export const tomlChecker: LazyChecker = lazy(
  (): Promise<Toml> => import('smol-toml'),
  (toml, code) => {
    try {
      toml.parse(code);
      return [];
    } catch (error) {
      const lines = createLineIndex(code);
      if (error instanceof toml.TomlError) {
        const offset = lines.offsetOf(error.line, error.column);
        const message = error.message.split('\n', 1)[0]!.replace(/^Invalid TOML document: /, '');
        return [{ message, offset, ...lines.position(offset) }];
      }
      const message = error instanceof Error ? error.message : String(error);
      return [{ message, offset: 0, line: 1, column: 1 }];
    }
  },
);
