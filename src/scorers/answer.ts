/**
 * Answer extraction for voting: the part of a response that several responses must share to count
 * as "the same answer" (a number, a letter, a program, a sentence).
 */
import { codeNormalForm } from './codeNormalForm.js';

/** What kind of answer to extract. `code` answers vote by their normal form. */
export type AnswerKind = 'math' | 'choice' | 'code' | 'text';

const KINDS: readonly AnswerKind[] = ['math', 'choice', 'code', 'text'];

/** Options of {@link extractAnswer}. */
export interface ExtractAnswerOptions {
  /**
   * The question the text answers. For `math` answers that state their result only in a closing
   * sentence ("Therefore, Rosie can run 50 miles in 7 hours."), the result is the first number of
   * that sentence that the question did not give; without the prompt, the last number is taken.
   * @defaultValue undefined
   */
  readonly prompt?: string;
  /** For `code`: the language (see `codeNormalForm`). @defaultValue detected */
  readonly language?: string;
  /** For `code`: the text continues a function (see `codeNormalForm`). @defaultValue false */
  readonly continuation?: boolean;
}

/**
 * Extracts the final answer of a response, normalized so that equal answers are equal strings.
 *
 * - `math`: the final number. Where to look, first match wins: the last `\boxed{…}` (or `\fbox`),
 *   the last `#### …` line, the last "the (final) answer is …" / "Answer: …" phrase (the first
 *   number of the chosen span); else, when `options.prompt` is given and the text ends with a
 *   closing sentence ("Therefore …", "So …", "In total …") after which no number comes, the first
 *   number of that sentence that is not in the prompt, after reducing worked arithmetic
 *   (`12 + 24 = 36` → `36`, GSM8K's `<<…>>` calculator notes dropped); else the last number of the
 *   text. Normalization:
 *   thousands separators (`70,000`, LaTeX `70{,}000` / `70\\,000`), currency signs and units dropped,
 *   `\frac{a}{b}`, `a/b`, `\dfrac`, mixed numbers (`1 1/2`) and decimals become one canonical
 *   decimal (`0.75`, `1.5`; repeating fractions rounded to 10 significant digits), trailing zeros
 *   dropped (`18.00` → `18`), `-0` → `0`; a percent sign is dropped (`25%` → `25`, as GSM8K
 *   targets are written). Returns `undefined` when the text has no number.
 * - `choice`: the option letter (A–J), upper-case: "answer is (B)", "Answer: B", `\boxed{B}`, a
 *   line that is only a letter, else the last parenthesized letter `(B)`.
 * - `code`: a fingerprint `code:<16 hex digits>` (64-bit FNV-1a) of {@link codeNormalForm} of the
 *   code (the fenced blocks if any, else the whole text): comments, docstrings, blank lines and
 *   layout removed, identifiers kept. Short enough to show as a vote key; equal normal forms give
 *   equal fingerprints, and a collision between different ones is a 2⁻⁶⁴-scale event.
 * - `text`: Unicode-normalized (NFKC), lower-cased, whitespace collapsed, surrounding punctuation
 *   and quotes trimmed. Returns `undefined` for empty text.
 *
 * @example
 * extractAnswer('So she makes 9 x $2 = \\boxed{$18}.', 'math'); // → '18'
 * extractAnswer('The answer is 70,000 dollars.', 'math');        // → '70000'
 * extractAnswer('I think the answer is (c).', 'choice');          // → 'C'
 */
export function extractAnswer(
  text: string,
  kind: AnswerKind,
  options: ExtractAnswerOptions = {},
): string | undefined {
  if (typeof text !== 'string') throw new TypeError('`text` must be a string');
  if (options.prompt !== undefined && typeof options.prompt !== 'string') {
    throw new TypeError('`prompt` must be a string (the question) or undefined');
  }
  switch (kind) {
    case 'math':
      return extractMath(text, options.prompt);
    case 'choice':
      return extractChoice(text);
    case 'code': {
      const form = codeNormalForm(text, {
        ...(options.language !== undefined && { language: options.language }),
        ...(options.continuation !== undefined && { continuation: options.continuation }),
      });
      return form === '' ? undefined : `code:${fnv1a64(form)}`;
    }
    case 'text':
      return normalizeText(text);
    default:
      throw new TypeError(`\`kind\` must be one of ${KINDS.map((k) => `'${k}'`).join(', ')}`);
  }
}

// ---------------------------------------------------------------------------------------------
// math

function extractMath(text: string, prompt?: string): string | undefined {
  const boxed = lastBoxed(text);
  if (boxed !== undefined) {
    const value = firstNumber(cleanLatex(boxed));
    if (value !== undefined) return value;
  }
  for (const span of phraseSpans(text)) {
    const value = firstNumber(cleanLatex(span));
    if (value !== undefined) return value;
  }
  const clean = cleanLatex(text);
  if (prompt !== undefined) {
    const conclusion = closingSentence(clean);
    if (conclusion !== undefined) {
      // A closing sentence restates given quantities next to the result ("50 miles in 7 hours",
      // "8 pens cost $12"): the result is the quantity the question did not give.
      const given = new Set(numbersIn(cleanLatex(prompt)));
      const result = numbersIn(collapseArithmetic(conclusion)).find((x) => !given.has(x));
      if (result !== undefined) return result;
    }
  }
  return lastNumber(clean);
}

const OPERAND = String.raw`-?\$?\s*(?:\d[\d,]*(?:\.\d+)?|\.\d+)`;
// `a op b op … =` before a result: the operands are working, not the result.
const WORKING = new RegExp(
  String.raw`(?:${OPERAND}\s*(?:[-+*/x×÷]|\\times|\\cdot)\s*)+${OPERAND}\s*=\s*`,
  'g',
);

/** Drops worked arithmetic and GSM8K calculator notes (`<<3+4=7>>`), keeping results. */
function collapseArithmetic(s: string): string {
  return s.replace(/<<[^<>]*>>/g, ' ').replace(WORKING, ' ');
}

// A sentence that opens with a concluding word, up to its end (a period after a title such as
// "Mr." does not end it).
const CLOSING =
  /(?:^|[.!?\n]\s*)((?:therefore|thus|hence|so|in total|in conclusion|overall|altogether)\b[^\n]*?)(?=(?<!\b(?:Mr|Mrs|Ms|Dr|St|Jr|Sr))[.!?]\s|[.!?]?$|\n)/gim;

/** The last closing sentence of the text, when no number comes after it. */
function closingSentence(text: string): string | undefined {
  let last: string | undefined;
  let end = -1;
  CLOSING.lastIndex = 0;
  for (let m = CLOSING.exec(text); m !== null; m = CLOSING.exec(text)) {
    last = m[1];
    end = m.index + m[0].length;
  }
  if (last === undefined || numbersIn(text.slice(end)).length > 0) return undefined;
  return last;
}

/** The content of the last `\boxed{…}` / `\fbox{…}`, braces balanced. */
function lastBoxed(text: string): string | undefined {
  const re = /\\(?:boxed|fbox)\s*\{/g;
  let found: string | undefined;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    let depth = 1;
    let i = m.index + m[0].length;
    const start = i;
    while (i < text.length && depth > 0) {
      const ch = text[i];
      if (ch === '{') depth++;
      else if (ch === '}') depth--;
      i++;
    }
    // An unclosed box (a response cut off) still names its answer up to the end of the text.
    found = depth === 0 ? text.slice(start, i - 1) : text.slice(start);
  }
  return found;
}

/**
 * Spans that state a final answer, best first: the last `####` line, then the last "answer is" /
 * "Answer:" phrase. Each span runs to the end of its line.
 */
function phraseSpans(text: string): string[] {
  const spans: string[] = [];
  const hashes = lastMatch(/####\s*([^\n]*)/g, text);
  if (hashes !== undefined) spans.push(hashes);
  const phrase = lastMatch(
    /(?:final answer|the answer|answer)\s*(?:is|=|:|would be|will be)\s*:?\s*([^\n]*)/gi,
    text,
  );
  if (phrase !== undefined) spans.push(phrase);
  return spans;
}

function lastMatch(re: RegExp, text: string): string | undefined {
  let last: string | undefined;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) last = m[1];
  return last;
}

/**
 * Rewrites LaTeX and prose number notations into plain numbers the number scan reads:
 * `\frac{a}{b}` → `a/b`, `\text{…}` → its content, `\$` → ``, `\,` / `{,}` thousands separators
 * removed, `\%` → `%`. Units and words stay; they are skipped by the number scan.
 */
function cleanLatex(s: string): string {
  return s
    .replace(/\\[dt]?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}/g, ' ($1)/($2) ')
    .replace(/\\(?:text|mathrm|textbf|mathbf)\s*\{([^{}]*)\}/g, ' $1 ')
    .replace(/(\d)\s*(?:\\,|\{,\}|\\!|\\ )\s*(?=\d{3}\b)/g, '$1,')
    .replace(/\\\$/g, '$')
    .replace(/\\%/g, '%')
    .replace(/\\(?:left|right|quad|qquad)/g, ' ');
}

// One number as written: digits with optional thousands separators and decimals, or `.5`.
const N = String.raw`(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?|\.\d+`;
// A number token: an optional whole part and a fraction `a/b` (parts may be parenthesized, as
// cleanLatex writes `\frac`), or a plain number. Signs are decided by the character before.
const TOKEN = new RegExp(
  String.raw`(?:(\d+)\s+(?=\(?\s*\d[\d,.]*\s*\)?\s*\/))?\(?\s*(-?(?:${N}))\s*\)?\s*\/\s*\(?\s*(${N})\s*\)?|(-?(?:${N}))`,
  'g',
);

/** The first number of a span, as a canonical string. */
function firstNumber(span: string): string | undefined {
  return numbersIn(span)[0];
}

/** The last number of a text, as a canonical string. */
function lastNumber(text: string): string | undefined {
  const all = numbersIn(text);
  return all[all.length - 1];
}

/** Every number in `s`, in order, fractions read as one number, each canonical. */
function numbersIn(s: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(s); m !== null; m = TOKEN.exec(s)) {
    const before = s[m.index - 1];
    // Digits glued to letters are names or ordinals-in-words (`x2`, `B12`), not quantities.
    if (before !== undefined && /[A-Za-z_]/.test(before)) continue;
    // A `-` right after a word or a closing bracket is a dash or a minus ("3-4"), not a sign.
    const dash = before !== undefined && /[\w)\]]/.test(before);
    if (m[4] !== undefined) {
      out.push(canonical(toNumber(dash ? m[4].replace(/^-/, '') : m[4])));
      continue;
    }
    const num = toNumber(dash ? m[2]!.replace(/^-/, '') : m[2]!);
    const den = toNumber(m[3]!);
    if (den === 0) {
      out.push(canonical(num));
      continue;
    }
    let value = num / den;
    if (m[1] !== undefined) {
      const whole = toNumber(m[1]);
      // Only a proper fraction makes a mixed number (`1 1/2`); "3 12/4" is two numbers.
      if (Math.abs(num) < den) value = whole + value;
      else out.push(canonical(whole));
    }
    out.push(canonical(value));
  }
  return out;
}

function toNumber(s: string): number {
  return Number(s.replace(/,/g, ''));
}

/** A canonical decimal string: integers without `.0`, others to 10 significant digits. */
function canonical(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Object.is(value, -0) || value === 0) return '0';
  const rounded = Number(value.toPrecision(10));
  if (Number.isInteger(rounded) && Math.abs(rounded) < 1e21) return rounded.toFixed(0);
  return String(rounded);
}

// ---------------------------------------------------------------------------------------------
// choice

function extractChoice(text: string): string | undefined {
  const boxed = lastBoxed(text);
  if (boxed !== undefined) {
    const letter = /^\s*(?:\\text\{)?\(?([A-Ja-j])\)?/.exec(boxed);
    if (letter) return letter[1]!.toUpperCase();
  }
  const phrase = lastMatch(
    /(?:answer|option|choice)\s*(?:is|:|=)?\s*(?:option\s*)?[([]?([A-Ja-j])[)\]]?(?![A-Za-z])/gi,
    text,
  );
  if (phrase !== undefined) return phrase.toUpperCase();
  const line = lastMatch(/^\s*\(?([A-J])[).:]?\s*$/gm, text);
  if (line !== undefined) return line;
  const paren = lastMatch(/\(([A-J])\)/g, text);
  return paren;
}

// ---------------------------------------------------------------------------------------------
// text

function normalizeText(text: string): string | undefined {
  const out = text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/^[\s"'`“”‘’.,;:!?()[\]{}*_-]+|[\s"'`“”‘’.,;:!?()[\]{}*_-]+$/g, '');
  return out === '' ? undefined : out;
}

// ---------------------------------------------------------------------------------------------
// fingerprint

const UTF8 = new TextEncoder();

/** 64-bit FNV-1a of the UTF-8 bytes, as 16 hex digits (in 16-bit limbs: no BigInt, still fast). */
function fnv1a64(s: string): string {
  // 64-bit arithmetic on four 16-bit limbs; offset basis 0xcbf29ce484222325, prime 0x100000001b3.
  let h0 = 0x2325;
  let h1 = 0x8422;
  let h2 = 0x9ce4;
  let h3 = 0xcbf2;
  for (const byte of UTF8.encode(s)) {
    h0 ^= byte;
    [h0, h1, h2, h3] = mulPrime(h0, h1, h2, h3);
  }
  return [h3, h2, h1, h0].map((x) => x.toString(16).padStart(4, '0')).join('');
}

/** Multiplies the 64-bit value (h3 h2 h1 h0) by the FNV prime 2^40 + 0x1b3, modulo 2^64. */
function mulPrime(h0: number, h1: number, h2: number, h3: number): [number, number, number, number] {
  // x * 0x1b3
  let t0 = h0 * 0x1b3;
  let t1 = h1 * 0x1b3;
  let t2 = h2 * 0x1b3;
  let t3 = h3 * 0x1b3;
  // + x * 2^40: shift by 2.5 limbs → (h0 << 8) into limb 2, (h1 << 8) into limb 3
  t2 += h0 << 8;
  t3 += h1 << 8;
  t1 += t0 >>> 16;
  t0 &= 0xffff;
  t2 += t1 >>> 16;
  t1 &= 0xffff;
  t3 += t2 >>> 16;
  t2 &= 0xffff;
  t3 &= 0xffff;
  return [t0, t1, t2, t3];
}
