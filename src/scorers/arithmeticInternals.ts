/**
 * Arithmetic claims in prose (`35 + 22 = 57`, `$5 \times 8 = $40`, `(16/2) * 8 = 8 * 8 = 64`)
 * and whether they hold. The one arithmetic checker of chorus: the consistency scorer reads it one
 * line at a time, and the public `arithmeticClaims` (src/consensus) runs it over every line of a
 * text. Not public itself.
 *
 * How a line is read:
 * 1. Clean-up: GSM8K calculator notes `<<8*8=64>>` are dropped (the claim follows them anyway);
 *    LaTeX is flattened (`\frac{a}{b}` → `((a)/(b))`, `\times`/`\cdot`/`×`/`·` → `*`,
 *    `\div`/`÷` → `/`, `\boxed{x}` → `x`, `\text{…}` → its words, delimiters and braces removed);
 *    markdown `**` and a leading list marker (`- `, `1. `) are removed; `−` becomes `-`.
 * 2. Tokens: numbers (`1,234.5`, `$12`, `.5`, with `%`), operators `+ - * / ^`, `x`/`times`/
 *    `plus`/`minus` between numbers, parentheses, `=`, words. A digit run glued to letters (`2x`,
 *    `1st`, `0.75y`) is a word, so algebra is not read as arithmetic. Up to three words after a
 *    number are its unit (`8 pairs × $8 per pair`, `ft^3`, `glasses/pair`); `of` after a percentage
 *    or a fraction multiplies; `2(7.5)` (no space before the parenthesis) multiplies.
 * 3. Claims: around each `=`, the longest expression ending just before it and the longest one
 *    starting just after it (`a = b = c` gives `a = b` and `b = c`). No claim is made when:
 *    the left side is a plain number (a label or a conversion: `Day 2 = 100 + 20`,
 *    `3 miles = 3 * 5280`); a side would extend into something that is not arithmetic
 *    (`x + 5 = 12`, `1 1/2 dozen`); a single-letter variable sits next to a side (`(1/2)x = 3`);
 *    the left side follows a preposition (`Cost of 2 x 8 = …` is a label); it is a range
 *    (`days 1-8 = 8`); it fails only under one reading of chained divisions (`7.5/1/2 = 15`:
 *    writers mean 7.5 / (1/2) as often as (7.5 / 1) / 2).
 * 4. Checking, with tolerance for rounding: equal when both values are integers; otherwise the
 *    written result may be the exact value rounded or truncated to the decimals it shows
 *    (`10/3 = 3.33` and `10/3 = 3` hold, `10/3 = 3.4` does not), and operands written with
 *    decimals are taken as rounded too (their first-order rounding error is allowed). Percentages
 *    are tried as hundredths, as plain numbers, and `a + p%` as `a·(1 + p/100)`. A failing claim
 *    is not reported when its numbers carry two different units (`1 hour + 30 minutes = 90
 *    minutes`: probably a conversion) or when the left side ends in a unit the right side does not
 *    share (`2/5 of total employees = 2/5 * 100`: a label).
 */
import { stem } from './scoringInternals.js';

/** One `left = right` claim. */
export interface ArithmeticClaim {
  /**
   * Where the claim starts in the line given (the offset of its first operand; inside LaTeX that
   * was flattened, the start of the LaTeX command it came from).
   */
  readonly offset: number;
  /** The claim as read, normalized (e.g. `35 + 22 = 58`). */
  readonly text: string;
  readonly left: number;
  readonly right: number;
  readonly holds: boolean;
}

interface NumToken {
  readonly t: 'num';
  readonly at: number;
  readonly value: number;
  readonly decimals: number;
  readonly percent: boolean;
  readonly raw: string;
  readonly gap: boolean;
}

// `at`: the token's offset in the flattened line.
type Token =
  | NumToken
  | { readonly t: 'op'; readonly op: '+' | '-' | '*' | '/' | '^'; readonly gap: boolean; readonly at: number }
  | { readonly t: '(' | ')' | '=' | 'sep'; readonly gap: boolean; readonly at: number }
  | { readonly t: 'word'; readonly word: string; readonly gap: boolean; readonly at: number };

/** A value under the three readings of percentages (hundredths, plain, relative to the left). */
type Value = readonly [number, number, number];

const MAX_LINE = 4000;
const MAX_SIDE_TOKENS = 40;
const LIST_MARKER = /^\s*(?:[-*+•]|\d{1,2}[.)])\s+/;
/** Words that cannot be part of a unit: `28 becomes 3x + 4` has no unit. */
const NOT_UNITS = new Set(
  'is are was were be becomes became become gives gave equals equal and or then so which that we he she they it to by with from if when would will'.split(
    ' ',
  ),
);
/** A left side right after one of these is part of a noun phrase, i.e. a label. */
const PREPOSITIONS = new Set('of for from in per at on to with by than between'.split(' '));
const VARIABLE = /^\p{L}(?:_?\d+)?$/u;

/**
 * A replacement of the flattening: what matches `re` becomes the template's parts in order, a
 * string as written, a number the text of that capture group. One table serves the plain
 * flattening and the offset-tracking one, so the two can never read a line differently.
 */
interface Rule {
  readonly re: RegExp;
  /** The same pattern with match indices (`d`), for the offset-tracking flattening only. */
  readonly indexed: RegExp;
  readonly template: readonly (string | number)[];
  /** The template as a `String.prototype.replace` replacement (the fast path). */
  readonly replacement: string;
}

const rule = (re: RegExp, ...template: (string | number)[]): Rule => ({
  re,
  indexed: new RegExp(re.source, `${re.flags}d`),
  template,
  replacement: template.map((p) => (typeof p === 'number' ? `$${p}` : p.replace(/\$/g, '$$$$'))).join(''),
});

const CALCULATOR_NOTES = rule(/<<[^<>\n]*>>/g);
const LATEX_WORDS = [
  rule(/\\(?:text|mathrm|textbf|mathbf|textit|mbox|operatorname)\s*\{([^{}]*)\}/g, ' ', 1, ' '),
  rule(/\\boxed\s*\{([^{}]*)\}/g, ' ', 1, ' '),
];
const LATEX_FRAC = rule(/\\[dt]?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}/g, '((', 1, ')/(', 2, '))');
const LATEX_SYMBOLS = [
  rule(/\\(?:times|cdot|ast)(?![A-Za-z])/g, ' * '),
  rule(/\\div(?![A-Za-z])/g, ' / '),
  rule(/\\(?:approx|sim|simeq)(?![A-Za-z])/g, ' ≈ '),
  rule(/\\(?:neq|ne|leq?|geq?|lt|gt|implies|Rightarrow|rightarrow|to)(?![A-Za-z])/g, ' ; '),
  rule(/\\(?:left|right|big|Big|bigg|Bigg)(?![A-Za-z])/g),
  rule(/\\%/g, '%'),
  rule(/\\\$/g, '$'),
  rule(/\\[,;:! ]/g),
  rule(/\\[()[\]]/g, ' '),
  rule(/\\[A-Za-z]+/g, ' '),
];
const MARKUP = [
  rule(LIST_MARKER, ' '),
  rule(/[{}]/g, ' '),
  rule(/\*\*|__/g, ' '),
  rule(/[×·⋅∗✕]/g, ' * '),
  rule(/÷/g, ' / '),
  rule(/−/g, '-'),
];

/** How the flattening rewrites one representation of a line (plain text, or text with offsets). */
interface Rewriter<T> {
  apply(value: T, rule: Rule): T;
  text(value: T): string;
}

/** The flattening steps, over any representation. */
function flatten<T>(line: T, r: Rewriter<T>): T {
  let s = r.apply(line, CALCULATOR_NOTES);
  if (r.text(s).includes('\\')) {
    for (const x of LATEX_WORDS) s = r.apply(s, x);
    for (let i = 0; i < 4; i++) {
      const next = r.apply(s, LATEX_FRAC);
      if (r.text(next) === r.text(s)) break;
      s = next;
    }
    for (const x of LATEX_SYMBOLS) s = r.apply(s, x);
  }
  for (const x of MARKUP) s = r.apply(s, x);
  return s;
}

const PLAIN: Rewriter<string> = {
  apply: (s, { re, replacement }) => s.replace(re, replacement),
  text: (s) => s,
};

/**
 * One piece of a rewrite's output, from offset `out` to the next piece: copied from the input at
 * `src` (`copy`), or inserted in place of the construct that started at `src`.
 */
interface Piece {
  readonly out: number;
  readonly src: number;
  readonly copy: boolean;
}

/** A rewritten line and, per rewrite that changed it, the pieces that lead back to the input. */
interface Mapped {
  readonly text: string;
  readonly steps: readonly (readonly Piece[])[];
}

const MAPPED: Rewriter<Mapped> = {
  apply(m, { re, indexed, template }) {
    // Most rules match nothing: ask the plain pattern first (match indices cost more).
    re.lastIndex = 0;
    const any = re.test(m.text);
    re.lastIndex = 0;
    if (!any) return m;
    indexed.lastIndex = 0;
    const matches = indexed.global
      ? [...m.text.matchAll(indexed)]
      : [indexed.exec(m.text)].filter((x) => x !== null);
    if (matches.length === 0) return m;
    let text = '';
    const pieces: Piece[] = [];
    const add = (part: string, src: number, copy: boolean): void => {
      if (part === '') return;
      pieces.push({ out: text.length, src, copy });
      text += part;
    };
    let last = 0;
    for (const match of matches) {
      add(m.text.slice(last, match.index), last, true);
      for (const part of template) {
        if (typeof part === 'string') add(part, match.index, false);
        else {
          const span = match.indices?.[part];
          if (span !== undefined) add(m.text.slice(span[0], span[1]), span[0], true);
        }
      }
      last = match.index + match[0].length;
    }
    add(m.text.slice(last), last, true);
    return { text, steps: [...m.steps, pieces] };
  },
  text: (m) => m.text,
};

/** Where offset `at` of a flattened line came from in the original line. */
function originOf(mapped: Mapped, at: number): number {
  let p = at;
  for (let k = mapped.steps.length - 1; k >= 0; k--) {
    const pieces = mapped.steps[k]!;
    // the last piece starting at or before `p`
    let lo = 0;
    let hi = pieces.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (pieces[mid]!.out <= p) lo = mid;
      else hi = mid - 1;
    }
    const piece = pieces[lo];
    if (piece === undefined) return 0;
    p = piece.copy ? piece.src + (p - piece.out) : piece.src;
  }
  return p;
}

/** LaTeX and markup flattening (step 1). */
export function flattenMath(line: string): string {
  return flatten(line, PLAIN);
}

const TOKEN =
  /(\$?\s?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\$?\.\d+)(\s?%)?(?![\p{L}\d_]|\.\d)|[\p{L}\d_][\p{L}\p{N}_'’]*|==|!=|<=|>=|[-+*/^()=]|\S/gu;

function tokenize(line: string): Token[] {
  const out: Token[] = [];
  let last = 0;
  for (const m of line.matchAll(TOKEN)) {
    const raw = m[0];
    const gap = m.index > last && /\s/.test(line[m.index - 1]!);
    last = m.index + raw.length;
    // A number may be read with the space before it (`$ 5`, ` 2`): it starts after the space.
    const at = m.index + raw.length - raw.trimStart().length;
    if (m[1] !== undefined) {
      const digits = m[1].replace(/[$\s,]/g, '');
      const dot = digits.indexOf('.');
      out.push({
        t: 'num',
        value: Number(digits),
        decimals: dot === -1 ? 0 : digits.length - dot - 1,
        percent: m[2] !== undefined,
        raw: raw.trim(),
        gap: gap || /^\$?\s/.test(raw),
        at,
      });
    } else if (raw === '(' || raw === ')' || raw === '=') out.push({ t: raw, gap, at });
    else if (raw === '+' || raw === '-' || raw === '*' || raw === '/' || raw === '^')
      out.push({ t: 'op', op: raw, gap, at });
    else if (/^[\p{L}\d_]/u.test(raw)) out.push({ t: 'word', word: raw.toLowerCase(), gap, at });
    else out.push({ t: 'sep', gap, at });
  }
  // operator words between numbers, and `of` after a percentage or a fraction
  for (let i = 1; i < out.length - 1; i++) {
    const tok = out[i]!;
    if (tok.t !== 'word') continue;
    const prev = out[i - 1]!;
    const next = out[i + 1]!;
    if (!(prev.t === 'num' || prev.t === ')') || !(next.t === 'num' || next.t === '(')) continue;
    const op =
      tok.word === 'x' || tok.word === 'times'
        ? '*'
        : tok.word === 'plus'
          ? '+'
          : tok.word === 'minus'
            ? '-'
            : tok.word === 'of' &&
                (prev.t === ')' || (prev.t === 'num' && (prev.percent || isOp(out[i - 2], '/'))))
              ? '*'
              : undefined;
    if (op !== undefined) out[i] = { t: 'op', op, gap: tok.gap, at: tok.at };
  }
  return out;
}

function isOp(tok: Token | undefined, op: string): boolean {
  return tok?.t === 'op' && tok.op === op;
}

function isUnitWord(tok: Token | undefined): boolean {
  return tok?.t === 'word' && /^\p{L}/u.test(tok.word) && !NOT_UNITS.has(tok.word);
}

interface Parsed {
  readonly value: Value;
  readonly end: number;
  readonly ops: number;
  readonly numbers: readonly NumToken[];
  /** Unit of each operand that has one. */
  readonly units: readonly string[];
  /** The unit right at the end of the side (`… of total employees`), or ''. */
  readonly lastUnit: string;
  /** A single-letter word next to an operand: algebra, not arithmetic. */
  readonly variable: boolean;
}

const map = (a: Value, f: (x: number, k: number) => number): Value => [f(a[0], 0), f(a[1], 1), f(a[2], 2)];
const zip = (a: Value, b: Value, f: (x: number, y: number) => number): Value => [
  f(a[0], b[0]),
  f(a[1], b[1]),
  f(a[2], b[2]),
];

/** Recursive descent over tokens[from..limit); stops where the expression can no longer continue. */
function parseExpression(tokens: readonly Token[], from: number, limit: number): Parsed | undefined {
  let i = from;
  let ops = 0;
  let variable = false;
  let lastUnit = '';
  const numbers: NumToken[] = [];
  const units: string[] = [];
  const peek = (): Token | undefined => (i < limit ? tokens[i] : undefined);
  const skipUnits = (): void => {
    lastUnit = '';
    const first = peek();
    // `(1/2)x`, `3 c + 2`: a variable; but `2 x 8` (spaced `x`) was read as a product already
    if (first?.t === 'word' && VARIABLE.test(first.word) && (first.word !== 'x' || !first.gap)) {
      const after = tokens[i + 1];
      if (!first.gap || after === undefined || after.t === 'op' || after.t === '=') variable = true;
    }
    let j = i;
    while (j < limit && j - i < 3 && isUnitWord(tokens[j])) j += 1;
    if (j === i) return;
    // `glasses/pair`, `ft^3`: part of the unit
    for (;;) {
      if (j + 1 < limit && isOp(tokens[j], '/') && tokens[j + 1]!.t === 'word') j += 2;
      else if (j + 1 < limit && isOp(tokens[j], '^') && tokens[j + 1]!.t === 'num') j += 2;
      else break;
    }
    // only words followed by an operator, `=` or `)` are a unit; else they are prose
    const after = tokens[j]; // at `limit` this is the `=` that bounds a left side
    if (after?.t !== 'op' && after?.t !== '=' && after?.t !== ')') return;
    const words: string[] = [];
    for (; i < j; i++) {
      const w = tokens[i]!;
      if (w.t === 'word') words.push(stem(w.word));
    }
    lastUnit = words.join(' ');
    units.push(lastUnit);
  };
  const primary = (): Value | undefined => {
    const tok = peek();
    if (tok?.t === 'num') {
      i += 1;
      numbers.push(tok);
      skipUnits();
      return tok.percent ? [tok.value / 100, tok.value, tok.value / 100] : [tok.value, tok.value, tok.value];
    }
    if (tok?.t === '(') {
      const save = i;
      i += 1;
      const inner = sum();
      if (inner === undefined || peek()?.t !== ')') {
        i = save;
        return undefined;
      }
      i += 1;
      skipUnits();
      return inner;
    }
    return undefined;
  };
  const factor = (): Value | undefined => {
    const tok = peek();
    if (tok?.t === 'op' && (tok.op === '-' || tok.op === '+')) {
      i += 1;
      const inner = factor();
      if (inner === undefined) return undefined;
      return tok.op === '-' ? map(inner, (x) => -x) : inner;
    }
    const base = primary();
    if (base === undefined) return undefined;
    if (isOp(peek(), '^')) {
      const save = i;
      i += 1;
      const exp = factor();
      if (exp === undefined) {
        i = save;
        return base;
      }
      ops += 1;
      return zip(base, exp, (x, y) => x ** y);
    }
    return base;
  };
  const product = (): Value | undefined => {
    let left = factor();
    if (left === undefined) return undefined;
    for (;;) {
      const tok = peek();
      // `2(7.5)`, `(2/3)(9)`: implicit multiplication, only without a space before `(`
      const implicit = tok?.t === '(' && !tok.gap;
      if (!implicit && !isOp(tok, '*') && !isOp(tok, '/')) return left;
      const save = i;
      if (!implicit) i += 1;
      const right = factor();
      if (right === undefined) {
        i = save;
        return left;
      }
      ops += 1;
      left = isOp(tok, '/') ? zip(left, right, (x, y) => x / y) : zip(left, right, (x, y) => x * y);
    }
  };
  const sum = (): Value | undefined => {
    let left = product();
    if (left === undefined) return undefined;
    for (;;) {
      const tok = peek();
      if (!isOp(tok, '+') && !isOp(tok, '-')) return left;
      const save = i;
      i += 1;
      const firstOfRight = numbers.length;
      const right = product();
      if (right === undefined) {
        i = save;
        return left;
      }
      ops += 1;
      // `50 + 30%` may mean 50 increased by 30%: the third reading
      const lonePercent =
        numbers.length === firstOfRight + 1 && numbers[firstOfRight]!.percent && i === save + 2;
      const sign = isOp(tok, '+') ? 1 : -1;
      const percent = numbers[firstOfRight]!.value;
      left = map(left, (x, k) =>
        k === 2 && lonePercent ? x * (1 + (sign * percent) / 100) : x + sign * right[k]!,
      );
    }
  };
  const value = sum();
  if (value === undefined) return undefined;
  return { value, end: i, ops, numbers, units, lastUnit, variable };
}

/** The longest expression ending right before `=`, and where it starts. */
function leftSide(tokens: readonly Token[], eq: number): { parsed: Parsed; start: number } | undefined {
  for (let s = Math.max(0, eq - MAX_SIDE_TOKENS); s < eq; s++) {
    const first = tokens[s]!;
    if (first.t !== 'num' && first.t !== '(' && first.t !== 'op') continue;
    const before = s > 0 ? tokens[s - 1] : undefined;
    // a sign after an operand is a binary operator, not the start of an expression
    if (first.t === 'op' && (before?.t === 'word' || before?.t === 'num' || before?.t === ')')) continue;
    const parsed = parseExpression(tokens, s, eq);
    if (parsed === undefined || parsed.end !== eq) continue;
    // the first start that works is the longest; if it cannot take in what is before it, the
    // side goes on into something that is not arithmetic (`x + 5 = 12`, `1 1/2 dozen = …`)
    if (before?.t === 'op' || before?.t === 'num' || before?.t === ')') return undefined;
    if (before?.t === 'word' && (PREPOSITIONS.has(before.word) || VARIABLE.test(before.word)))
      return undefined;
    return { parsed, start: s };
  }
  return undefined;
}

/** Relative rounding error of the operands written with decimals (first order). */
function operandSlack(numbers: readonly NumToken[]): number {
  let slack = 0;
  for (const n of numbers) {
    if (n.decimals > 0 && n.value !== 0) slack += (0.5 * 10 ** -n.decimals) / Math.abs(n.value);
  }
  return slack;
}

function close(computed: number, claimed: number, decimals: number, relativeSlack: number): boolean {
  if (!Number.isFinite(computed) || !Number.isFinite(claimed)) return false;
  const eps = 1e-9 * Math.max(1, Math.abs(computed), Math.abs(claimed));
  const diff = Math.abs(computed - claimed);
  if (diff <= eps || diff <= relativeSlack * Math.abs(computed) + eps) return true;
  const unit = 10 ** -decimals;
  if (diff <= unit / 2 + eps) return true; // rounded to the decimals written
  return Math.abs(Math.trunc(computed / unit + Math.sign(computed) * 1e-9) * unit - claimed) <= eps; // truncated
}

function describe(tokens: readonly Token[], from: number, to: number): string {
  const parts: string[] = [];
  for (let i = from; i < to; i++) {
    const tok = tokens[i]!;
    if (tok.t === 'num') parts.push(tok.raw);
    else if (tok.t === 'op') parts.push(tok.op);
    else if (tok.t === '(' || tok.t === ')' || tok.t === '=') parts.push(tok.t);
    else if (tok.t === 'word') parts.push(tok.word);
  }
  return parts.join(' ').replace(/\( /g, '(').replace(/ \)/g, ')');
}

/** The words right after a right side (`= 6 slices`). */
function trailingUnit(tokens: readonly Token[], from: number): string {
  const words: string[] = [];
  for (let i = from; i < tokens.length && words.length < 3; i++) {
    const tok = tokens[i]!;
    if (!isUnitWord(tok) || tok.t !== 'word') break;
    words.push(stem(tok.word));
  }
  return words.join(' ');
}

/** `1-8` written without spaces right after a word: a range, not a subtraction. */
function isRange(tokens: readonly Token[], start: number, eq: number): boolean {
  if (eq - start !== 3) return false;
  const [a, op, b] = [tokens[start], tokens[start + 1], tokens[start + 2]];
  return (
    a?.t === 'num' && isOp(op, '-') && !op!.gap && b?.t === 'num' && !b.gap && tokens[start - 1]?.t === 'word'
  );
}

/** `… / 1 / 2` in tokens[from..to): two divisions in a row, read either way by writers. */
function chainedDivision(tokens: readonly Token[], from: number, to: number): boolean {
  for (let i = from; i + 3 < to; i++) {
    if (
      isOp(tokens[i], '/') &&
      tokens[i + 1]!.t === 'num' &&
      isOp(tokens[i + 2], '/') &&
      tokens[i + 3]!.t === 'num'
    )
      return true;
  }
  return false;
}

/**
 * The arithmetic claims of one line of prose, in order, each with whether it holds.
 *
 * @example
 * findArithmeticClaims('So 35 + 22 = 58 apples.'); // → [{ offset: 3, text: '35 + 22 = 58', left: 57, right: 58, holds: false }]
 */
export function findArithmeticClaims(line: string): ArithmeticClaim[] {
  if (!line.includes('=') || line.length > MAX_LINE) return [];
  const flat = flattenMath(line);
  const tokens = tokenize(flat);
  const claims: ArithmeticClaim[] = [];
  // Offsets in `line`: the same when flattening changed nothing; else, once there is a claim,
  // from flattening again with offsets.
  let mapped: Mapped | undefined;
  const offsetOf = (token: Token): number => {
    if (flat === line) return token.at;
    mapped ??= flatten<Mapped>({ text: line, steps: [] }, MAPPED);
    return originOf(mapped, token.at);
  };
  for (let eq = 0; eq < tokens.length; eq++) {
    if (tokens[eq]!.t !== '=') continue;
    const side = leftSide(tokens, eq);
    if (side === undefined) continue;
    const left = side.parsed;
    // a plain number on the left is a label or a conversion (`Day 2 = 100 + 20`, `3 miles = 3 * 5280`)
    if (left.ops === 0 || left.variable || isRange(tokens, side.start, eq)) continue;
    const right = parseExpression(tokens, eq + 1, Math.min(tokens.length, eq + 1 + MAX_SIDE_TOKENS));
    if (right === undefined || right.variable) continue;
    const after = tokens[right.end];
    // `= 5 + x`, `= 0.5 x`: the right side goes on into something that is not arithmetic
    if (after?.t === 'op' || (after?.t === 'word' && VARIABLE.test(after.word) && after.word !== 'a'))
      continue;
    if (after?.t === '(' && !after.gap) continue;
    const plainRight = right.ops === 0;
    const decimals = plainRight
      ? right.numbers[0]!.decimals
      : Math.max(...left.numbers.map((n) => n.decimals), ...right.numbers.map((n) => n.decimals));
    const slack = operandSlack(plainRight ? left.numbers : [...left.numbers, ...right.numbers]);
    let holds = false;
    for (let k = 0; k < 3 && !holds; k++) {
      holds =
        close(left.value[k]!, right.value[k]!, decimals, slack) ||
        close(left.value[k]!, right.value[1], decimals, slack);
    }
    if (!holds) {
      const rightUnit = right.lastUnit !== '' ? right.lastUnit : trailingUnit(tokens, right.end);
      const units = new Set([...left.units, ...right.units, rightUnit].filter((u) => u !== ''));
      if (units.size > 1) continue;
      if (left.lastUnit !== '' && left.lastUnit !== rightUnit) continue;
      if (chainedDivision(tokens, side.start, right.end)) continue;
    }
    claims.push({
      offset: offsetOf(tokens[side.start]!),
      text: describe(tokens, side.start, right.end),
      left: left.value[0],
      right: right.value[0],
      holds,
    });
  }
  return claims;
}
