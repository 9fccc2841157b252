/**
 * The result type of every syntax checker in this folder, whatever parser produced it.
 */

/** One syntax error in a piece of code. Positions are relative to the code that was checked. */
export interface SyntaxIssue {
  /** What is wrong, e.g. `unexpected "+"`, `missing ")"`, `expected an indented block`. */
  readonly message: string;
  /** 1-based line in the code. */
  readonly line: number;
  /** 1-based column in the line, in UTF-16 code units (JavaScript string indices). */
  readonly column: number;
  /** 0-based offset in the code, in UTF-16 code units. */
  readonly offset: number;
}

/**
 * What a syntax check found in one piece of code.
 *
 * @example
 * checkSyntax('python', 'def f(:\n  pass\n');
 * // → { language: 'python', parser: 'tree-sitter', errors: [{ message: 'missing ")"', line: 1, column: 7, offset: 6 }] }
 */
export interface SyntaxCheck {
  /** The canonical language name the code was parsed as (e.g. `python`, `typescript`). */
  readonly language: string;
  /** Which parser decided: `tree-sitter`, `oxc`, `json`, `yaml` or `toml`. */
  readonly parser: string;
  /** The errors found, in order of position; empty when the code parses. At most the checker's cap. */
  readonly errors: readonly SyntaxIssue[];
}
