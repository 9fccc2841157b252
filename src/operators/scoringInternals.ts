/**
 * The per-variant scoring machinery of `scoreIncrementally`: scorer-set validation, and one
 * variant's scorer states with failure isolation. Not public.
 */
import type { Finding, ScoredSnapshot, Snapshot } from '../events.js';
import type { ScoreContext, ScoreReport, Scorer } from '../scorers/scorer.js';
import type { Complete } from './snapshotInternals.js';

/** A validated scorer with its weight. */
export interface ScorerSlot {
  readonly scorer: Scorer;
  readonly name: string;
  readonly weight: number;
}

/** The scoring fields of a `ScoredSnapshot`. */
export type Scores = Pick<ScoredSnapshot, 'scores' | 'score' | 'findings' | 'scoreErrors'>;

/** One variant's scorers: feed them deltas, ask them for scores. Never throws. */
export interface VariantScoring {
  feed(delta: string): void;
  score(done: boolean): Scores;
}

const NO_ERRORS: Readonly<Record<string, Error>> = Object.freeze({});
const NO_FINDINGS: Readonly<Record<string, readonly Finding[]>> = Object.freeze({});

/** Validates a scorer set; throws the `TypeError` the operator promises. */
export function toSlots(scorers: unknown): ScorerSlot[] {
  if (!Array.isArray(scorers)) {
    throw new TypeError(`scoreIncrementally: \`scorers\` must be an array of scorers, got ${typeof scorers}`);
  }
  const names = new Set<string>();
  return scorers.map((entry: unknown, i) => {
    const weighted = isRecord(entry) && 'scorer' in entry;
    const scorer = weighted ? entry.scorer : entry;
    const weight = weighted ? (entry.weight ?? 1) : 1;
    if (!isScorer(scorer)) {
      throw new TypeError(
        `scoreIncrementally: \`scorers[${i}]\` must be a Scorer ({ name, version, init, feed, score }) or { scorer, weight }`,
      );
    }
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) {
      throw new TypeError(
        `scoreIncrementally: \`scorers[${i}].weight\` must be a finite number >= 0, got ${String(weight)}`,
      );
    }
    if (names.has(scorer.name)) {
      throw new TypeError(
        `scoreIncrementally: scorer names must be unique, \`${scorer.name}\` appears twice (scores are keyed by name)`,
      );
    }
    names.add(scorer.name);
    return { scorer, name: scorer.name, weight };
  });
}

/**
 * Initializes every scorer for one variant. A scorer that throws (in `init`, `feed` or `score`) or
 * returns something that is not a finite number is failed for this variant from then on: its state
 * is dropped, its error kept in `scoreErrors`, and its score left out of the combined score.
 */
export function createVariantScoring(slots: readonly ScorerSlot[], context: ScoreContext): VariantScoring {
  const states: unknown[] = new Array(slots.length);
  const failed: boolean[] = new Array(slots.length).fill(false);
  // Replaced (never mutated) when a scorer fails, so emitted snapshots can share it safely.
  let scoreErrors = NO_ERRORS;
  const configuredWeight = slots.reduce((sum, slot) => sum + slot.weight, 0);

  const fail = (i: number, error: unknown, phase: string): void => {
    const slot = slots[i]!;
    failed[i] = true;
    states[i] = undefined;
    const wrapped =
      error instanceof Error
        ? error
        : new Error(`scorer \`${slot.name}\` threw in ${phase}: ${String(error)}`);
    scoreErrors = { ...scoreErrors, [slot.name]: wrapped };
  };

  slots.forEach((slot, i) => {
    try {
      states[i] = slot.scorer.init(context);
    } catch (error) {
      fail(i, error, 'init');
    }
  });

  return {
    feed(delta) {
      for (let i = 0; i < slots.length; i++) {
        if (failed[i]) continue;
        try {
          states[i] = slots[i]!.scorer.feed(states[i], delta);
        } catch (error) {
          fail(i, error, 'feed');
        }
      }
    },
    score(done) {
      const scores: Record<string, number> = {};
      // Most scores come without findings: share one empty object rather than allocate per token.
      let findings: Record<string, readonly Finding[]> | undefined;
      let sum = 0;
      let weight = 0;
      for (let i = 0; i < slots.length; i++) {
        if (failed[i]) continue;
        const slot = slots[i]!;
        let result: number | ScoreReport;
        try {
          result = slot.scorer.score(states[i], done);
        } catch (error) {
          fail(i, error, 'score');
          continue;
        }
        const report = typeof result === 'object' && result !== null ? result : undefined;
        const value = report ? report.value : result;
        if (typeof value !== 'number' || !Number.isFinite(value)) {
          fail(
            i,
            new TypeError(
              `scorer \`${slot.name}\` returned ${String(value)}; a score must be a finite number in [0, 1]`,
            ),
            'score',
          );
          continue;
        }
        const clamped = Math.min(1, Math.max(0, value));
        scores[slot.name] = clamped;
        if (report?.findings) {
          findings ??= {};
          findings[slot.name] = report.findings;
        }
        sum += slot.weight * clamped;
        weight += slot.weight;
      }
      // Nothing configured to weigh in: neutral 1. Everything that should weigh in failed: 0, so an
      // unscored variant never beats a scored one.
      const score = configuredWeight === 0 ? 1 : weight === 0 ? 0 : Math.min(1, sum / weight);
      return { scores, score, findings: findings ?? NO_FINDINGS, scoreErrors };
    },
  };
}

/** The snapshot with its scores, as one fixed-shape literal (see `Complete`). */
export function withScores(s: Snapshot, scores: Scores): ScoredSnapshot {
  const scored: Complete<ScoredSnapshot> = {
    variant: s.variant,
    text: s.text,
    delta: s.delta,
    deltas: s.deltas,
    done: s.done,
    finish: s.finish,
    usage: s.usage,
    error: s.error,
    provider: s.provider,
    model: s.model,
    startedAt: s.startedAt,
    firstTokenAt: s.firstTokenAt,
    lastTokenAt: s.lastTokenAt,
    endedAt: s.endedAt,
    scores: scores.scores,
    score: scores.score,
    findings: scores.findings,
    scoreErrors: scores.scoreErrors,
  };
  return scored;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isScorer(value: unknown): value is Scorer {
  return (
    isRecord(value) &&
    typeof value.name === 'string' &&
    value.name !== '' &&
    typeof value.init === 'function' &&
    typeof value.feed === 'function' &&
    typeof value.score === 'function'
  );
}
