/**
 * A line-at-a-time lexical mask for code: string contents and comments are blanked (same length,
 * so columns stay right) and comments are returned separately. The regex checks of the scorers run
 * on the masked code, so `"a == b"` inside a string or `# eval(x)` in a comment do not count.
 * Multi-line strings and block comments carry over from line to line. Not public.
 *
 * An approximation, not a tokenizer: JavaScript regex literals are recognised by the previous
 * character, Python f-string and JS template `{…}` fields are kept as code (braces are counted,
 * but strings inside a field are not lexed), a Python field's format spec and conversion
 * (`{n:b}`, `{x!r}`) are blanked, Rust lifetimes (`'a`) are not taken for char literals.
 */

/** Families of languages that share comment and string syntax. */
export type LexFamily = 'python' | 'js' | 'c' | 'hash' | 'plain';

const FAMILIES: Readonly<Record<string, LexFamily>> = {
  python: 'python',
  javascript: 'js',
  typescript: 'js',
  tsx: 'js',
  jsx: 'js',
  java: 'c',
  c: 'c',
  cpp: 'c',
  csharp: 'c',
  go: 'c',
  rust: 'c',
  kotlin: 'c',
  swift: 'c',
  scala: 'c',
  dart: 'c',
  php: 'c',
  css: 'c',
  bash: 'hash',
  ruby: 'hash',
  yaml: 'hash',
  toml: 'hash',
  r: 'hash',
  perl: 'hash',
  powershell: 'hash',
  makefile: 'hash',
  dockerfile: 'hash',
};

/** The lexical family of a normalized language name (`plain` when unknown). */
export function lexFamily(language: string | undefined): LexFamily {
  return language === undefined ? 'plain' : (FAMILIES[language] ?? 'plain');
}

/** A masked line. */
export interface LexedLine {
  /** The line with string contents and comments replaced by spaces. */
  readonly code: string;
  /** The comment text on this line (without `#`/`//`), or '' when none. */
  readonly comment: string;
}

/** The lexer of one code block. */
export interface LineLexer {
  lex(line: string): LexedLine;
  /** True when the last line ended inside a multi-line string or block comment. */
  readonly open: boolean;
}

interface OpenString {
  readonly quote: string;
  /** f-string or template literal: `{…}` / `${…}` are code. */
  readonly interpolates: boolean;
  readonly raw: boolean;
  /** Brace depth inside an interpolation; 0 when in the literal part. */
  exprDepth: number;
  /** Python: inside the format spec or conversion of an f-string field. */
  spec: boolean;
  /** Open `(`/`[` in an f-string field (a `:` inside them is a slice, not a format spec). */
  brackets: number;
}

const REGEX_BEFORE = new Set([
  '',
  '(',
  ',',
  '=',
  ':',
  '[',
  '!',
  '&',
  '|',
  '?',
  '{',
  '}',
  ';',
  '+',
  '-',
  '*',
  '%',
  '<',
  '>',
  '~',
  '^',
]);

/**
 * Creates a lexer for a family.
 *
 * @example
 * const lx = createLineLexer('python');
 * lx.lex('x = "a # b"  # note'); // { code: 'x = "     "        ', comment: ' note' }
 */
export function createLineLexer(family: LexFamily): LineLexer {
  let str: OpenString | undefined;
  let blockComment = false;

  const lex = (line: string): LexedLine => {
    const out: string[] = [];
    let comment = '';
    const n = line.length;
    let i = 0;
    const mask = (count: number): void => {
      for (let k = 0; k < count && i < n; k++, i++) out.push(line[i] === '\t' ? '\t' : ' ');
    };
    while (i < n) {
      if (blockComment) {
        const end = line.indexOf('*/', i);
        const stop = end === -1 ? n : end + 2;
        comment += line.slice(i, end === -1 ? n : end);
        mask(stop - i);
        if (end !== -1) blockComment = false;
        continue;
      }
      const ch = line[i]!;
      if (str !== undefined) {
        if (str.exprDepth > 0) {
          if (ch === '{') str.exprDepth += 1;
          else if (ch === '}') {
            str.exprDepth -= 1;
            if (str.exprDepth === 0) {
              str.spec = false;
              str.brackets = 0;
            }
          } else if (
            family === 'python' &&
            str.exprDepth === 1 &&
            (str.spec ||
              (str.brackets === 0 &&
                ((ch === ':' && line[i + 1] !== '=') || (ch === '!' && /[rsa]/.test(line[i + 1] ?? '')))))
          ) {
            // a format spec (`{x:>10}`, `{n:b}`) or a conversion (`{x!r}`) is not code
            str.spec = true;
            mask(1);
            continue;
          } else if (ch === '(' || ch === '[') str.brackets += 1;
          else if (ch === ')' || ch === ']') str.brackets = Math.max(0, str.brackets - 1);
          out.push(ch);
          i += 1;
          continue;
        }
        if (ch === '\\' && !str.raw) {
          mask(2);
          continue;
        }
        if (line.startsWith(str.quote, i)) {
          for (const q of str.quote) out.push(q);
          i += str.quote.length;
          str = undefined;
          continue;
        }
        if (str.interpolates) {
          if (family === 'js' && line.startsWith('${', i)) {
            out.push('$', '{');
            i += 2;
            str.exprDepth = 1;
            continue;
          }
          if (family === 'python' && ch === '{') {
            if (line[i + 1] === '{') {
              mask(2);
              continue;
            }
            out.push('{');
            i += 1;
            str.exprDepth = 1;
            continue;
          }
        }
        mask(1);
        continue;
      }
      // code
      if ((family === 'python' || family === 'hash') && ch === '#') {
        comment = line.slice(i + 1);
        mask(n - i);
        break;
      }
      if (family === 'js' || family === 'c') {
        if (ch === '/' && line[i + 1] === '/') {
          comment = line.slice(i + 2);
          mask(n - i);
          break;
        }
        if (ch === '/' && line[i + 1] === '*') {
          blockComment = true;
          mask(2);
          continue;
        }
      }
      if (family === 'js' && ch === '/' && regexAllowed(out)) {
        const end = regexEnd(line, i + 1);
        if (end !== -1) {
          out.push('/');
          i += 1;
          mask(end - i);
          out.push('/');
          i += 1;
          continue;
        }
      }
      if (ch === '"' || ch === "'" || (ch === '`' && (family === 'js' || family === 'c'))) {
        if (family === 'c' && ch === "'" && /[A-Za-z_]/.test(line[i + 1] ?? '') && line[i + 2] !== "'") {
          out.push(ch); // a Rust lifetime or label, not a char literal
          i += 1;
          continue;
        }
        const triple = family === 'python' && line.startsWith(ch.repeat(3), i);
        const quote = triple ? ch.repeat(3) : ch;
        const prefix = family === 'python' ? stringPrefix(line, i) : '';
        str = {
          quote,
          interpolates: (family === 'python' && prefix.includes('f')) || (family === 'js' && ch === '`'),
          raw: prefix.includes('r'),
          exprDepth: 0,
          spec: false,
          brackets: 0,
        };
        for (const q of quote) out.push(q);
        i += quote.length;
        continue;
      }
      out.push(ch);
      i += 1;
    }
    // single-quoted strings end with their line (an unterminated one is the parser's business)
    if (str !== undefined && str.quote.length === 1 && str.quote !== '`') str = undefined;
    return { code: out.join(''), comment };
  };

  return {
    lex,
    get open() {
      return str !== undefined || blockComment;
    },
  };
}

/** The lowercase string prefix letters (`f`, `rb`…) right before a Python quote. */
function stringPrefix(line: string, quoteAt: number): string {
  let j = quoteAt;
  while (j > 0 && /[rRbBfFuU]/.test(line[j - 1]!) && quoteAt - j < 2) j -= 1;
  if (j > 0 && /[\w]/.test(line[j - 1]!)) return ''; // part of an identifier: `xf"…"` is not a prefix
  return line.slice(j, quoteAt).toLowerCase();
}

/** A `/` starts a regex literal when the previous significant character cannot end an operand. */
function regexAllowed(out: readonly string[]): boolean {
  let j = out.length - 1;
  while (j >= 0 && (out[j] === ' ' || out[j] === '\t')) j -= 1;
  if (j < 0) return true;
  const prev = out[j]!;
  if (REGEX_BEFORE.has(prev)) return true;
  // `return /x/`, `typeof /x/`
  let k = j;
  while (k >= 0 && /[a-z]/.test(out[k]!)) k -= 1;
  const word = out.slice(k + 1, j + 1).join('');
  return word === 'return' || word === 'typeof' || word === 'case' || word === 'in' || word === 'of';
}

/** Index of the closing `/` of a regex literal whose body starts at `from`, or -1. */
function regexEnd(line: string, from: number): number {
  let inClass = false;
  for (let j = from; j < line.length; j++) {
    const c = line[j];
    if (c === '\\') {
      j += 1;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    else if (c === '/' && !inClass) return j === from ? -1 : j;
  }
  return -1;
}
