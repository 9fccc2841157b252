/**
 * Final answers and concluding statements in prose, for the consistency scorer. Not public.
 *
 * A *final answer* is stated explicitly: `\boxed{…}`, "the (final) answer is …", "Answer: …",
 * `#### …` (GSM8K style); its value is a number (thousands separators, `$`, `%` and a trailing `.0`
 * folded) or a choice letter A–E. A *conclusion* is a sentence that starts with "Therefore",
 * "Thus", "So", "Hence", "In total", "In conclusion", "Finally", "Overall", "Altogether",
 * "Consequently", or contains "in total" / "a total of"; its numbers are the stated result.
 */
import { flattenMath } from './arithmeticInternals.js';

/** An explicit final answer. */
export interface FinalAnswer {
  /** Normalized value: a number in canonical form (`70000`, `0.5`) or a letter (`B`). */
  readonly value: string;
  /** As written. */
  readonly display: string;
  /** Index in the line. */
  readonly index: number;
  /** `\boxed{}` (often used for intermediate results too) rather than an explicit statement. */
  readonly boxed: boolean;
}

const BOXED = /\\boxed\s*\{((?:[^{}]|\{[^{}]*\})*)\}/g;
const STATED =
  /\b(?:the\s+)?(?:final\s+|correct\s+)?answer\s*(?:is|was|would be|will be|=|:)\s*:?\s*(?:approximately\s+|about\s+|option\s+|choice\s+)?(?:\*\*)?\s*(\$?\s?-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?|\(?[A-E]\)?(?![\w']))/gi;
const HASHES = /^\s*#{4}\s*(\$?\s?-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)/;
const CONCLUSION =
  /^(?:[-*>#\s]|\*\*)*(?:therefore|thus|so|hence|in total|in conclusion|finally|overall|altogether|consequently|in summary)\b|\b(?:in total|a total of)\b/i;
const NUMBER = /-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\d])/g;

/** Canonical form of a number as written (`$70,000.00` → `70000`), or undefined. */
export function normalizeNumber(text: string): string | undefined {
  const cleaned = text.replace(/[$,\s%]/g, '');
  if (!/^-?(?:\d+\.?\d*|\.\d+)$/.test(cleaned)) return undefined;
  const n = Number(cleaned);
  if (!Number.isFinite(n)) return undefined;
  return String(Number(n.toPrecision(12)));
}

function boxedValue(content: string): string | undefined {
  const flat = flattenMath(`\\boxed{${content}}`).trim();
  const letter = /^\(?([A-E])\)?$/.exec(flat);
  if (letter) return letter[1]!;
  const fraction = /^\(\((-?\d+(?:\.\d+)?)\)\/\((\d+(?:\.\d+)?)\)\)$/.exec(flat.replace(/\s+/g, ''));
  if (fraction) return normalizeNumber(String(Number(fraction[1]) / Number(fraction[2])));
  const first = flat.match(/-?\$?\s?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?/);
  return first ? normalizeNumber(first[0]) : undefined;
}

/**
 * The explicit final answers of one line, in order.
 *
 * @example
 * findFinalAnswers('So the answer is $70,000. \\boxed{70000}'); // → two answers, both `70000`
 */
export function findFinalAnswers(line: string): FinalAnswer[] {
  const out: FinalAnswer[] = [];
  const hashes = HASHES.exec(line);
  if (hashes) {
    const value = normalizeNumber(hashes[1]!);
    if (value !== undefined) out.push({ value, display: hashes[0].trim(), index: 0, boxed: false });
  }
  if (line.includes('\\boxed')) {
    for (const m of line.matchAll(BOXED)) {
      const value = boxedValue(m[1]!);
      if (value !== undefined) out.push({ value, display: m[0], index: m.index, boxed: true });
    }
  }
  if (/answer/i.test(line)) {
    for (const m of line.matchAll(STATED)) {
      const raw = m[1]!;
      const letter = /^\(?([A-E])\)?$/.exec(raw);
      const value = letter ? letter[1]! : normalizeNumber(raw);
      // "the answer is 12" inside a boxed answer is the same statement
      if (
        value !== undefined &&
        !out.some((a) => a.index <= m.index && m.index < a.index + a.display.length)
      ) {
        out.push({ value, display: m[0].trim(), index: m.index, boxed: false });
      }
    }
  }
  return out.sort((a, b) => a.index - b.index);
}

/** Splits a line into sentences (a period followed by a space and a capital, `\`, `$`, `*` or `(`). */
export function sentences(line: string): string[] {
  return line.split(/(?<=[.!?])\s+(?=[A-Z\\$*(])/);
}

/**
 * Whether a sentence states a result: it starts like a conclusion, does not just introduce what
 * follows (ends with `:`), and states no bound ("more than 12").
 */
export function isConclusion(sentence: string): boolean {
  return CONCLUSION.test(sentence) && !/:\s*(?:\\\[|\$\$)?\s*$/.test(sentence) && !BOUND.test(sentence);
}

const BOUND =
  /\b(?:more|less|fewer|greater|longer|shorter) than\b|\bat (?:least|most)\b|\b(?:approximately|about|around|roughly|nearly|almost|over|under)\s+\$?\d/i;

/** The numbers of a sentence, normalized (calculator notes and LaTeX flattened first). */
export function sentenceNumbers(sentence: string): string[] {
  const out: string[] = [];
  for (const m of flattenMath(sentence).matchAll(NUMBER)) {
    const value = normalizeNumber(m[0]);
    if (value !== undefined && !out.includes(value)) out.push(value);
  }
  return out;
}
