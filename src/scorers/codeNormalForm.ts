/**
 * A normal form of source code for voting: two programs that differ only in comments, docstrings,
 * blank lines, spacing or indentation width get the same normal form, so they vote together.
 */
import { extractCodeBlocks } from './codeBlocks.js';

/** Options of {@link codeNormalForm}. */
export interface CodeNormalFormOptions {
  /**
   * The language, e.g. `python`, `javascript`. Decides the comment syntax and whether indentation
   * is structure. When absent: the language of the first fenced block, else detected (Python when
   * the code has `def`/`import` lines or lines ending in `:`, a C-like language otherwise).
   * @defaultValue detected
   */
  readonly language?: string;
  /**
   * The text continues a prompt inside a function (as HumanEval completions do): only the
   * indented body counts, up to the first non-blank line that returns to column 0. Code models
   * often run on past the function (calls, tests, another function); HumanEval's harness cuts
   * those at its stop sequences before running, and they are not part of the answer.
   * @defaultValue false
   */
  readonly continuation?: boolean;
}

// Languages whose comments start with `#` and where indentation is syntax (Python) or not.
const HASH_COMMENT = new Set(['python', 'ruby', 'bash', 'shell', 'sh', 'yaml', 'toml', 'r', 'perl']);
const INDENT_SYNTAX = new Set(['python']);

// Multi-character operators, longest first, so `**=` is one token rather than `*`, `*`, `=`.
const OPERATORS = [
  '>>>=',
  '<<=',
  '>>=',
  '**=',
  '//=',
  '...',
  '===',
  '!==',
  '>>>',
  '->',
  '=>',
  '::',
  '**',
  '//',
  '==',
  '!=',
  '<=',
  '>=',
  '&&',
  '||',
  '??',
  '?.',
  '++',
  '--',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '&=',
  '|=',
  '^=',
  '<<',
  '>>',
  ':=',
  '@=',
];

/**
 * Returns the normal form of code: its tokens separated by single spaces, without comments,
 * docstrings (Python string statements), blank lines or layout. Identifiers and literals are kept
 * as written (renaming a variable makes a different program here; behaviour-level agreement is
 * what execution voting is for). For Python, indentation is structure: it becomes `⇥`/`⇤` tokens
 * (indent/dedent, whatever the width) and line ends `⏎`, so `if a: b` nested differently stays
 * different. Markdown answers contribute the code of their fenced blocks.
 *
 * @example
 * codeNormalForm('def f(x):\n    """Doc."""\n    return x+1  # inc\n', { language: 'python' });
 * // → 'def f ( x ) : ⏎ ⇥ return x + 1 ⏎ ⇤'
 */
export function codeNormalForm(text: string, options: CodeNormalFormOptions = {}): string {
  if (typeof text !== 'string') throw new TypeError('`text` must be a string');
  if (options.language !== undefined && typeof options.language !== 'string') {
    throw new TypeError('`language` must be a string such as "python" or "javascript"');
  }
  if (options.continuation !== undefined && typeof options.continuation !== 'boolean') {
    throw new TypeError('`continuation` must be a boolean');
  }
  const blocks = /^ {0,3}(```|~~~)/m.test(text) ? extractCodeBlocks(text) : [];
  let code = blocks.length > 0 ? blocks.map((b) => b.code).join('\n') : text;
  if (options.continuation === true) {
    const end = /\n(?=[^\s])/.exec(code);
    if (end !== null) code = code.slice(0, end.index);
  }
  const language = (options.language ?? blocks[0]?.language ?? detect(code)).toLowerCase();
  return tokenize(code, HASH_COMMENT.has(language), INDENT_SYNTAX.has(language)).join(' ');
}

function detect(code: string): string {
  if (
    /^\s*(?:def|import|from|class|elif|async def)\b[^\n]*$/m.test(code) ||
    /:\s*(?:#[^\n]*)?$/m.test(code)
  ) {
    if (!/[{};]\s*$/m.test(code) || /^\s*def\s/m.test(code)) return 'python';
  }
  // `#` starting a line, not a C preprocessor directive, is a comment of a hash language.
  if (/^\s*#(?!\s*(?:include|define|if|ifdef|ifndef|endif|else|elif|undef|pragma)\b)/m.test(code)) {
    return /[{};]\s*$/m.test(code) ? 'bash' : 'python';
  }
  return 'c';
}

function tokenize(code: string, hashComments: boolean, indentSyntax: boolean): string[] {
  const tokens: string[] = [];
  const indents: number[] = [];
  let depth = 0; // bracket depth: inside brackets, Python line ends and indentation do not count
  let lineStart = true; // at the first token of a logical line
  let lineTokens = 0; // tokens emitted on the current logical line
  let lineFirst = -1; // index in `tokens` of the logical line's first token
  let i = 0;
  const n = code.length;

  const endLine = (): void => {
    if (!indentSyntax || lineTokens === 0) return;
    // A Python line that is a single string literal is a docstring or a no-op: drop it.
    if (lineTokens === 1 && isStringToken(tokens[lineFirst]!)) {
      tokens.length = lineFirst;
      // Its indent token (if it opened a block) was pushed before it, keep that.
    } else {
      tokens.push('⏎');
    }
    lineTokens = 0;
  };

  while (i < n) {
    const ch = code[i]!;
    if (ch === '\n') {
      if (depth === 0) {
        endLine();
        lineStart = true;
      }
      i++;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\f' || ch === '\v') {
      i++;
      continue;
    }
    if (ch === '\\' && code[i + 1] === '\n') {
      i += 2; // explicit line continuation
      continue;
    }
    // Comments.
    if (hashComments && ch === '#') {
      while (i < n && code[i] !== '\n') i++;
      continue;
    }
    if (!hashComments && ch === '/' && code[i + 1] === '/') {
      while (i < n && code[i] !== '\n') i++;
      continue;
    }
    if (!hashComments && ch === '/' && code[i + 1] === '*') {
      const end = code.indexOf('*/', i + 2);
      i = end === -1 ? n : end + 2;
      continue;
    }
    // First token of a logical line: emit indentation changes (Python).
    if (lineStart && indentSyntax && depth === 0) {
      const width = indentWidth(code, i);
      if (indents.length === 0) indents.push(width);
      else if (width > indents[indents.length - 1]!) {
        indents.push(width);
        tokens.push('⇥');
      } else {
        while (indents.length > 1 && width < indents[indents.length - 1]!) {
          indents.pop();
          tokens.push('⇤');
        }
        // Dedenting below the first line's level (code that continues a prompt) resets the base.
        if (width < indents[0]!) indents[0] = width;
      }
    }
    if (lineStart) {
      lineFirst = tokens.length;
      lineStart = false;
    }
    const start = i;
    const str = stringEnd(code, i, hashComments);
    if (str > i) {
      i = str;
    } else if (/[A-Za-z_$\u00C0-\uFFFF]/.test(ch)) {
      while (i < n && /[\w$\u00C0-\uFFFF]/.test(code[i]!)) i++;
    } else if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(code[i + 1] ?? ''))) {
      while (i < n && /[\w.]/.test(code[i]!)) i++;
    } else {
      const op = OPERATORS.find((o) => code.startsWith(o, i));
      i += op === undefined ? 1 : op.length;
      if ('([{'.includes(ch)) depth++;
      else if (')]}'.includes(ch)) depth = Math.max(0, depth - 1);
    }
    tokens.push(code.slice(start, i));
    lineTokens++;
  }
  endLine();
  if (indentSyntax) for (let k = 1; k < indents.length; k++) tokens.push('⇤');
  return tokens;
}

function indentWidth(code: string, i: number): number {
  let j = i;
  while (j > 0 && code[j - 1] !== '\n') j--;
  let width = 0;
  for (; j < i; j++) width += code[j] === '\t' ? 8 - (width % 8) : 1;
  return width;
}

function isStringToken(token: string): boolean {
  return /^[rRbBuUfF]{0,2}["'`]/.test(token) && token.length >= 2;
}

/**
 * The end offset of a string literal starting at `i` (with an optional Python prefix such as `r`,
 * `b`, `f`), or `i` when none starts there. Unterminated strings run to the end of the line.
 */
function stringEnd(code: string, i: number, python: boolean): number {
  let j = i;
  if (python) {
    while (j < i + 2 && /[rRbBuUfF]/.test(code[j] ?? '')) j++;
    if (j > i && !/["']/.test(code[j] ?? '')) return i; // an identifier like `rb`, not a prefix
  }
  const q = code[j];
  if (q !== '"' && q !== "'" && q !== '`') return i;
  if (q === '`' && python) return i;
  const triple = python && code.startsWith(q.repeat(3), j);
  const close = triple ? q.repeat(3) : q;
  j += close.length;
  while (j < code.length) {
    // Even in raw strings a backslash keeps the next quote inside the literal.
    if (code[j] === '\\') {
      j += 2;
      continue;
    }
    if (code.startsWith(close, j)) return j + close.length;
    if (!triple && q !== '`' && code[j] === '\n') return j;
    j++;
  }
  return code.length;
}
