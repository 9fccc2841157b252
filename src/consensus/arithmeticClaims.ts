/**
 * Arithmetic claims in a text (`12 + 24 = 36`, `\frac{200}{40} = 5`, `180 * 30% = 54`) and
 * whether they hold: cheap evidence about a reasoning chain that voting alone does not see.
 */

/** One `left = right` claim that could be evaluated. */
export interface ArithmeticClaim {
  /** Offset of the claim in the text. */
  readonly offset: number;
  /** The claim as written, e.g. `3 * 60 = 170`. */
  readonly text: string;
  /** The value of the left side. */
  readonly left: number;
  /** The value of the right side as written. */
  readonly right: number;
  /** Whether the two agree up to the rounding the right side's decimals allow. */
  readonly holds: boolean;
}

/** What {@link arithmeticClaims} found. */
export interface ArithmeticReport {
  /** Every evaluable claim, in order. */
  readonly claims: readonly ArithmeticClaim[];
  /** How many claims do not hold. */
  readonly wrong: number;
}

// A run of characters that can form an equation chain: numbers, operators, brackets, `$`, `%`,
// LaTeX products and fractions, and `=`. Words end a chain, so prose never becomes arithmetic.
const CHAIN = /(?:[-+*/×÷x()\d.,$%=\s]|\\(?:times|cdot|div|frac|dfrac|tfrac|left|right|\$|%|,)|[{}])+/g;

/**
 * Finds `a op b = c` claims (chained `a = b = c` as consecutive pairs) and checks each. A side
 * counts only if it is pure arithmetic (numbers, `+ - * / × ÷ x \times \cdot \frac`, brackets,
 * `$`, `%` as /100, thousands separators); at least one side must contain an operator, so
 * "x = 5" or a date is never a claim. A right side with d decimals may be rounded: it holds if it
 * is within half a unit of its last digit (`10 / 3 = 3.33` holds). GSM8K calculator notes
 * (`<<3*4=12>>`) are skipped: they restate the prose.
 *
 * Pure, O(text); no `eval`: sides are parsed by a small precedence-climbing parser.
 *
 * @example
 * arithmeticClaims('So 3 * 60 = 170 downloads.').wrong; // → 1
 * arithmeticClaims('\\frac{200}{40} = 5').claims[0].holds; // → true
 */
export function arithmeticClaims(text: string): ArithmeticReport {
  if (typeof text !== 'string') throw new TypeError('`text` must be a string');
  const claims: ArithmeticClaim[] = [];
  // Same-length rewrites keep offsets: calculator notes and bold markers blanked, Unicode minus.
  const source = text
    .replace(/<<[^<>\n]*>>/g, (m) => ' '.repeat(m.length))
    .replace(/\*\*/g, '  ')
    // A list bullet (`- 2 * 40 = 80`) is not a minus sign.
    .replace(/^([ \t]*)[-*+](?=[ \t])/gm, '$1 ')
    .replace(/−/g, '-');
  CHAIN.lastIndex = 0;
  for (let m = CHAIN.exec(source); m !== null; m = CHAIN.exec(source)) {
    if (!m[0].includes('=')) continue;
    // A line end, or a comma, semicolon, colon or sentence end followed by a space, separates
    // statements.
    const SEP = /\s*\n\s*|(?:[,;:]|\.(?!\d))\s+/g;
    let from = 0;
    for (const sep of [...m[0].matchAll(SEP), undefined]) {
      const to = sep === undefined ? m[0].length : sep.index;
      const part = m[0].slice(from, to);
      if (part.includes('=')) checkStatement(part, m.index + from, source, claims);
      if (sep !== undefined) from = sep.index + sep[0].length;
    }
  }
  return { claims, wrong: claims.filter((c) => !c.holds).length };
}

interface Side {
  readonly at: number;
  readonly side: string;
  readonly value: Value | undefined;
}

/** Checks the `=` pairs of one statement `a = b = c`, pushing the evaluable ones. */
function checkStatement(statement: string, at: number, source: string, claims: ArithmeticClaim[]): void {
  const raw = statement.split('=');
  let offset = at;
  const sides: Side[] = raw.map((side, i) => {
    const start = offset;
    offset += side.length + 1;
    let body = side;
    if (i === 0 && !completeStart(side, start, source)) return { at: start, side, value: undefined };
    if (i === raw.length - 1) {
      body = side.replace(/[\s.,;:]+$/, '');
      if (!completeEnd(start + body.length, source)) return { at: start, side, value: undefined };
    }
    return { at: start, side: body, value: evaluate(body) };
  });
  for (let i = 0; i + 1 < sides.length; i++) {
    const l = sides[i]!;
    const r = sides[i + 1]!;
    const lv = l.value;
    const rv = r.value;
    if (lv === undefined || rv === undefined) continue;
    // `n = a + b` with a bare number on the left is a restatement, or a left side cut short by
    // words ("150% of $80,000 = 1.5 * $80,000"): not a claim we can check.
    if (!lv.operator) continue;
    // A percent on one side only may mean "/100" (`180 * 30% = 54`) or be a label on a number
    // that is already a percentage (`0.25 * 100 = 25%`): either reading may hold.
    const readings: [number, number][] = [[lv.value, rv.value]];
    if (lv.percent !== rv.percent) readings.push([lv.plain, rv.plain]);
    const holds = readings.some(([left, right]) => {
      const diff = Math.abs(left - right);
      const scale = 1e-9 * Math.max(1, Math.abs(left));
      // Either side may be rounded: the result to its decimals (`10 / 3 = 3.33`), or operands
      // written with two or more decimals (`3.333 * 3 = 10`).
      return (
        diff <= 0.5 * 10 ** -decimals(r.side) + scale || diff <= rounding(l.side, r.side) * Math.abs(left)
      );
    });
    const start = l.at + (l.side.length - l.side.trimStart().length);
    claims.push({
      offset: start,
      text: `${l.side.trim()} = ${r.side.trim()}`,
      left: lv.value,
      right: rv.value,
      holds,
    });
  }
}

/**
 * Whether a chain's first side is the whole left side: it starts with an operand, and what comes
 * before it is prose (a word, punctuation, a line start), not part of a formula the chain did not
 * capture (`x + 6`, `2^3 + 1`, `\text{…} × 4`).
 */
function completeStart(side: string, start: number, source: string): boolean {
  if (!/^\s*(?:[-($\d.]|\\(?:[dt]?frac|left|\$))/.test(side)) return false;
  let j = start - 1;
  while (j >= 0 && (source[j] === ' ' || source[j] === '\t')) j--;
  if (j < 0) return true;
  const before = source[j]!;
  if (!/[A-Za-z'"“”’:;,.!?([\n]/.test(before)) return false;
  // A single letter right before (`x 3`) may be a variable; a word is prose.
  return !(
    /[A-Za-z]/.test(before) &&
    !/[A-Za-z]/.test(source[j - 1] ?? ' ') &&
    before !== 'a' &&
    before !== 'A'
  );
}

/** Whether a chain's last side ends cleanly (not glued to a letter, as in `6x` or `5th`). */
function completeEnd(end: number, source: string): boolean {
  const after = source[end];
  return after === undefined || !/[A-Za-z_^]/.test(after) || /\s/.test(source[end - 1] ?? ' ');
}

/**
 * The relative error that rounded operands explain: a number written with two or more decimals
 * (`1.333`, `0.67`) may be rounded by half a unit of its last digit; errors add up per operand.
 */
function rounding(...sides: string[]): number {
  let total = 0;
  for (const side of sides) {
    for (const m of side.matchAll(/(\d+)\.(\d{2,})/g)) {
      const value = Number(m[0]);
      if (value !== 0) total += (0.5 * 10 ** -m[2]!.length) / value;
    }
  }
  return total;
}

function decimals(side: string): number {
  const m = /\d\.(\d+)\s*(?:\\?%)?\s*[\\})\s$]*$/.exec(side.trim());
  return m === null ? 0 : m[1]!.length;
}

interface Value {
  /** The value, a percent read as /100. */
  readonly value: number;
  /** The value with percent signs ignored (`25%` read as 25). */
  readonly plain: number;
  /** Whether the side had an operator (a bare number is not a computation). */
  readonly operator: boolean;
  /** Whether the side had a percent sign. */
  readonly percent: boolean;
}

type Token = { kind: 'num'; value: number; percent: boolean } | { kind: 'op'; op: string };

/** Evaluates one side, or undefined when it is not pure arithmetic (or is ambiguous). */
function evaluate(side: string): Value | undefined {
  const tokens = lex(side);
  if (tokens === undefined || tokens.length === 0) return undefined;
  // `17-24` written tight with a larger right number is a range ("days 17-24"), not arithmetic.
  const tight = /^\s*(\d+)-(\d+)\s*$/.exec(side);
  if (tight !== null && Number(tight[1]) < Number(tight[2])) return undefined;
  const percents = tokens.filter((t) => t.kind === 'num' && t.percent).length;
  const numbers = tokens.filter((t) => t.kind === 'num').length;
  // `50 + 30%` means "50 increased by 30%" in prose, not 50.3: mixed sums are ambiguous.
  if (
    percents > 0 &&
    percents < numbers &&
    tokens.some((t) => t.kind === 'op' && (t.op === '+' || t.op === '-'))
  ) {
    return undefined;
  }
  // `7.5 / 1/2`: is it (7.5 / 1) / 2 or 7.5 / (1/2)? Writers mean the latter; skip it.
  for (let i = 0; i + 3 < tokens.length; i++) {
    const [a, b, c, d] = [tokens[i]!, tokens[i + 1]!, tokens[i + 2]!, tokens[i + 3]!];
    if (
      a.kind === 'op' &&
      a.op === '/' &&
      b.kind === 'num' &&
      c.kind === 'op' &&
      c.op === '/' &&
      d.kind === 'num'
    ) {
      return undefined;
    }
  }
  const value = compute(tokens, true);
  const plain = compute(tokens, false);
  if (value === undefined || plain === undefined) return undefined;
  return { value: value.value, plain: plain.value, operator: value.operator, percent: percents > 0 };
}

/** Precedence climbing over the tokens; undefined unless they form exactly one expression. */
function compute(
  tokens: readonly Token[],
  percentAsFraction: boolean,
): { value: number; operator: boolean } | undefined {
  let pos = 0;
  let operator = false;
  const binary: Record<string, number> = { '+': 1, '-': 1, '*': 2, '/': 2 };

  const primary = (): number | undefined => {
    const t = tokens[pos++];
    if (t === undefined) return undefined;
    if (t.kind === 'num') return t.percent && percentAsFraction ? t.value / 100 : t.value;
    if (t.op === '-') {
      const v = primary();
      return v === undefined ? undefined : -v;
    }
    if (t.op === '(') {
      const v = expression(1);
      const close = tokens[pos++];
      if (v === undefined || close?.kind !== 'op' || close.op !== ')') return undefined;
      return v;
    }
    return undefined;
  };

  const expression = (min: number): number | undefined => {
    let left = primary();
    if (left === undefined) return undefined;
    for (;;) {
      const t = tokens[pos];
      if (t?.kind !== 'op' || binary[t.op] === undefined || binary[t.op]! < min) return left;
      pos++;
      operator = true;
      const right = expression(binary[t.op]! + 1);
      if (right === undefined) return undefined;
      left =
        t.op === '+'
          ? left + right
          : t.op === '-'
            ? left - right
            : t.op === '*'
              ? left * right
              : left / right;
    }
  };

  const value = expression(1);
  if (value === undefined || pos !== tokens.length || !Number.isFinite(value)) return undefined;
  return { value, operator };
}

/** Splits a side into numbers and operators; undefined when something else is in it. */
function lex(side: string): Token[] | undefined {
  // Braces must balance within a side, or the side is a piece of a larger LaTeX formula.
  let depth = 0;
  for (const ch of side) {
    depth += ch === '{' ? 1 : ch === '}' ? -1 : 0;
    if (depth < 0) return undefined;
  }
  if (depth !== 0) return undefined;
  // \frac{a}{b} → ((a)/(b)); LaTeX products and escapes to plain symbols.
  let s = side;
  for (let i = 0; i < 3 && /\\[dt]?frac/.test(s); i++) {
    s = s.replace(/\\[dt]?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}/g, '(($1)/($2))');
  }
  s = s
    .replace(/\\times|\\cdot|×/g, '*')
    .replace(/\\div|÷/g, '/')
    .replace(/\\left|\\right|\\,|\\\$/g, '')
    .replace(/\\%/g, '%')
    .replace(/[{}$]/g, '')
    .trim();
  if (s.includes('\\')) return undefined;
  const tokens: Token[] = [];
  const re = /\s*(?:(\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?|\.\d+)(\s*%)?|([-+*/()x]))/y;
  let i = 0;
  while (i < s.length) {
    re.lastIndex = i;
    const m = re.exec(s);
    if (m === null) return undefined;
    i = re.lastIndex;
    if (m[1] !== undefined) {
      tokens.push({ kind: 'num', value: Number(m[1].replace(/,/g, '')), percent: m[2] !== undefined });
      continue;
    }
    const op = m[3]!;
    // `x` is a product only between two operands ("3 x 4", "3x4"); "3x - 10" has a variable.
    if (op === 'x') {
      const prev = tokens[tokens.length - 1];
      const operandBefore = prev !== undefined && (prev.kind === 'num' || prev.op === ')');
      if (!operandBefore || !/^\s*[\d.(]/.test(s.slice(i))) return undefined;
      tokens.push({ kind: 'op', op: '*' });
      continue;
    }
    tokens.push({ kind: 'op', op });
  }
  return tokens;
}
