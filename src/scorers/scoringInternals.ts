/**
 * Shared machinery of the heuristic scorers (completeness, consistency, best practices,
 * performance): severity penalties, report caching, words and stemming. Not public.
 */
import type { Finding } from '../events.js';
import type { ScoreReport, Scorer } from './scorer.js';

/** Clamps to [0, 1]; NaN becomes 0 so that a bug can never produce an out-of-range score. */
export function clamp01(x: number): number {
  if (!(x > 0)) return 0;
  return Math.min(x, 1);
}

/** How much one finding of each severity lowers a penalty-based score. */
export interface SeverityWeights {
  readonly error: number;
  readonly warning: number;
  readonly info: number;
}

/** Where a finding is, in the whole answer (either may be unknown). */
export interface Where {
  readonly offset: number | undefined;
  readonly line: number | undefined;
}

/** The options the line-based heuristic scorers (consistency, best practices, performance) share. */
export interface HeuristicScorerOptions {
  /** The scorer's name (its key in `ScoredSnapshot.scores`). @defaultValue the scorer's own, e.g. `'consistency'` */
  readonly name?: string;
  /**
   * How much each finding lowers the score, `1 / (1 + Σ weight)` with at most 3 findings of one
   * code counted. @defaultValue per scorer: `info` is always 0, `error` 1, `warning` 0.2–0.35
   */
  readonly weights?: Partial<SeverityWeights>;
  /**
   * Where continuation answers (with a `codePrefix`) are cut, by language (lines starting `\n…`).
   * @defaultValue HumanEval's for Python: `def `, `class `, `if `, `print`, `#` at a line start
   */
  readonly stopSequences?: Readonly<Record<string, readonly string[]>>;
}

/**
 * `1 / (1 + Σ weight)`: one error (weight 1) halves the score, and many findings approach 0
 * without ever reaching it, so two bad answers stay comparable. At most `cap` findings of the same
 * code count, so that one habit repeated on every line (e.g. `==` in a long JS file) does not
 * outweigh one real defect.
 */
export function penaltyValue(findings: readonly Finding[], weights: SeverityWeights, cap = 3): number {
  const perCode = new Map<string, number>();
  let penalty = 0;
  for (const f of findings) {
    const seen = perCode.get(f.code) ?? 0;
    if (seen >= cap) continue;
    perCode.set(f.code, seen + 1);
    penalty += weights[f.severity];
  }
  return clamp01(1 / (1 + penalty));
}

/** Builds a finding, leaving out location fields that are unknown (exactOptionalPropertyTypes-safe). */
export function finding(
  code: string,
  severity: Finding['severity'],
  message: string,
  where?: { offset?: number | undefined; line?: number | undefined; column?: number | undefined },
): Finding {
  const f: { -readonly [K in keyof Finding]: Finding[K] } = { code, severity, message };
  if (where?.offset !== undefined) f.offset = where.offset;
  if (where?.line !== undefined) f.line = where.line;
  if (where?.column !== undefined) f.column = where.column;
  return f;
}

/** A memo of the last report, so that `score` called after every delta does not redo work. */
export interface ReportCache {
  /** Bumped by the scorer whenever its findings or counters change. */
  version: number;
  cachedVersion: number;
  cachedDone: boolean;
  report: ScoreReport | undefined;
}

/** A fresh cache. */
export function createReportCache(): ReportCache {
  return { version: 0, cachedVersion: -1, cachedDone: false, report: undefined };
}

/** Returns the cached report when nothing changed since it was computed, else computes it. */
export function cachedReport(cache: ReportCache, done: boolean, compute: () => ScoreReport): ScoreReport {
  if (cache.report !== undefined && cache.cachedVersion === cache.version && cache.cachedDone === done) {
    return cache.report;
  }
  const report = compute();
  cache.report = report;
  cache.cachedVersion = cache.version;
  cache.cachedDone = done;
  return report;
}

/** Letters, digits and `_`: the characters of words and identifiers. */
export const WORD_CHAR = /[\p{L}\p{N}_]/u;

/**
 * A tiny suffix-stripping stemmer (a few Porter-like rules, not Porter itself), good enough to
 * match `sorted`/`sorting`/`sorts` to `sort` and `numbers`/`numbered` to `numb`. The same function
 * runs on prompt and answer, so its mistakes cancel out; it only has to be consistent.
 */
export function stem(word: string): string {
  let w = word.toLowerCase();
  if (w.length <= 3) return w;
  if (w.endsWith("'s")) w = w.slice(0, -2);
  for (const [suffix, replacement] of SUFFIXES) {
    if (w.endsWith(suffix) && w.length - suffix.length >= 3) {
      w = w.slice(0, -suffix.length) + replacement;
      break;
    }
  }
  if (w.length > 3 && w.endsWith('e')) w = w.slice(0, -1);
  // running → runn → run; but keep `ll`/`ss` (call, class), which are part of the root.
  const n = w.length;
  if (n > 3 && w[n - 1] === w[n - 2] && !'lsaeiou'.includes(w[n - 1]!)) w = w.slice(0, -1);
  return w;
}

const SUFFIXES: readonly (readonly [string, string])[] = [
  ['ational', 'ate'],
  ['ization', 'ize'],
  ['ations', 'ate'],
  ['ation', 'ate'],
  ['nesses', ''],
  ['ness', ''],
  ['ments', ''],
  ['ment', ''],
  ['ings', ''],
  ['ing', ''],
  ['edly', ''],
  ['ied', 'y'],
  ['ies', 'y'],
  ['sses', 'ss'],
  ['ed', ''],
  ['ers', ''],
  ['er', ''],
  ['ly', ''],
  ['es', ''],
  ['ss', 'ss'],
  ['us', 'us'],
  ['is', 'is'],
  ['s', ''],
];

/**
 * The parts of an identifier or word: `is_prime` → `is`, `prime`; `parseHTTPHeader` → `parse`,
 * `HTTP`, `Header`. Lets prose terms in the prompt match identifiers in code.
 */
export function identifierParts(word: string): string[] {
  const parts: string[] = [];
  for (const piece of word.split('_')) {
    if (piece === '') continue;
    const sub = piece.match(/\p{Lu}+(?=\p{Lu}\p{Ll})|\p{Lu}?\p{Ll}+|\p{Lu}+|\p{N}+|[^\p{Lu}\p{Ll}\p{N}]+/gu);
    if (sub === null) parts.push(piece);
    else parts.push(...sub);
  }
  return parts;
}

const SMALL_NUMBERS: Readonly<Record<string, number>> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  fifteen: 15,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
  hundred: 100,
};

/** `12` → 12, `twelve` → 12, `a` → 1; anything else → undefined. */
export function parseCount(word: string): number | undefined {
  const w = word.toLowerCase().replace(/,/g, '');
  if (/^\d+$/.test(w)) return Number(w);
  if (w === 'a' || w === 'an' || w === 'single') return 1;
  return SMALL_NUMBERS[w];
}

/** Whether a value has the shape of a `Scorer`. */
export function isScorer(value: unknown): value is Scorer {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Record<string, unknown>;
  return (
    typeof s['name'] === 'string' &&
    s['name'] !== '' &&
    typeof s['version'] === 'string' &&
    typeof s['init'] === 'function' &&
    typeof s['feed'] === 'function' &&
    typeof s['score'] === 'function'
  );
}
