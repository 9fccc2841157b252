/**
 * The tree-sitter runtime: web-tree-sitter's wasm core plus one grammar per language, loaded
 * lazily from `@vscode/tree-sitter-wasm` in node_modules (never downloaded) and cached for the life
 * of the process.
 *
 * Why the care with `delete()`: trees, parsers and cursors live in wasm memory, which JavaScript's
 * garbage collector never frees. Every tree made here is deleted before the call that made it
 * returns, and the live counts are kept in {@link treeSitterStats} so tests can prove it.
 */
import { createRequire } from 'node:module';
import { Language, Parser, type Tree, type TreeCursor } from 'web-tree-sitter';

const require = createRequire(import.meta.url);

/**
 * The grammar file of each language tree-sitter checks, by canonical language name. The package
 * has no C grammar, so C is parsed with the C++ grammar (which accepts nearly all C; it rejects C
 * code that uses C++ keywords such as `class` or `new` as identifiers).
 */
export const TREE_SITTER_GRAMMARS: Readonly<Record<string, string>> = {
  python: 'python',
  javascript: 'javascript',
  typescript: 'typescript',
  tsx: 'tsx',
  rust: 'rust',
  go: 'go',
  java: 'java',
  c: 'cpp',
  cpp: 'cpp',
  bash: 'bash',
  css: 'css',
  ruby: 'ruby',
  php: 'php',
  csharp: 'c-sharp',
  powershell: 'powershell',
};

/** Live wasm objects made by this module; they return to their baseline after every call. */
export interface TreeSitterStats {
  /** Trees parsed and not yet deleted (0 between calls). */
  readonly liveTrees: number;
  /** Cursors made and not yet deleted (0 between calls). */
  readonly liveCursors: number;
  /** Parsers alive: one per loaded grammar, kept for reuse. */
  readonly parsers: number;
  /** Trees parsed since the process started. */
  readonly treesParsed: number;
}

const counts = { liveTrees: 0, liveCursors: 0, treesParsed: 0 };
let initialized: Promise<void> | undefined;
const loading = new Map<string, Promise<Parser>>();
const ready = new Map<string, Parser>();

/**
 * The live-object counts, for leak tests and diagnostics.
 *
 * @example
 * parseTree('python', 'x = 1', (tree) => tree.rootNode.hasError);
 * treeSitterStats().liveTrees; // → 0
 */
export function treeSitterStats(): TreeSitterStats {
  return { ...counts, parsers: ready.size };
}

/** The absolute path of a grammar's .wasm file in node_modules. */
export function treeSitterGrammarPath(grammar: string): string {
  return require.resolve(`@vscode/tree-sitter-wasm/wasm/tree-sitter-${grammar}.wasm`);
}

function init(): Promise<void> {
  initialized ??= Parser.init().catch((error: unknown) => {
    initialized = undefined; // let a later call retry
    throw error;
  });
  return initialized;
}

/**
 * Loads (once) the grammar of a language and makes its parser. Resolves when `parseTree` can be
 * used for it; rejects for a language without a tree-sitter grammar or when the wasm fails to load.
 *
 * @example
 * await loadTreeSitterLanguage('python');
 */
export function loadTreeSitterLanguage(language: string): Promise<void> {
  const grammar = TREE_SITTER_GRAMMARS[language];
  if (grammar === undefined)
    return Promise.reject(new TypeError(`no tree-sitter grammar for \`${language}\``));
  let pending = loading.get(grammar);
  if (pending === undefined) {
    pending = init()
      .then(() => Language.load(treeSitterGrammarPath(grammar)))
      .then((lang) => {
        const parser = new Parser();
        parser.setLanguage(lang);
        ready.set(grammar, parser);
        return parser;
      });
    pending.catch(() => loading.delete(grammar)); // a failed load may be retried
    loading.set(grammar, pending);
  }
  return pending.then(() => undefined);
}

/** True when `language`'s grammar is loaded, so `parseTree` will not return undefined. */
export function isTreeSitterLanguageLoaded(language: string): boolean {
  const grammar = TREE_SITTER_GRAMMARS[language];
  return grammar !== undefined && ready.has(grammar);
}

/**
 * Parses `code` and hands the tree to `use`, deleting the tree afterwards (so `use` must not keep
 * the tree or its nodes). Returns what `use` returns, or undefined when the grammar is not loaded.
 *
 * @example
 * parseTree('python', 'def f(:\n  pass', (tree) => tree.rootNode.hasError); // → true
 */
export function parseTree<T>(language: string, code: string, use: (tree: Tree) => T): T | undefined {
  const grammar = TREE_SITTER_GRAMMARS[language];
  const parser = grammar === undefined ? undefined : ready.get(grammar);
  if (parser === undefined) return undefined;
  parser.reset(); // never resume a previous, interrupted parse
  const tree = parser.parse(code);
  if (tree === null) return undefined;
  counts.liveTrees += 1;
  counts.treesParsed += 1;
  try {
    return use(tree);
  } finally {
    tree.delete();
    counts.liveTrees -= 1;
  }
}

/** Walks with a cursor over `tree`, deleting the cursor afterwards (see `parseTree`). */
export function withCursor<T>(tree: Tree, use: (cursor: TreeCursor) => T): T {
  const cursor = tree.walk();
  counts.liveCursors += 1;
  try {
    return use(cursor);
  } finally {
    cursor.delete();
    counts.liveCursors -= 1;
  }
}
