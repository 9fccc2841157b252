/**
 * QualityScorer: the scorers of a task combined, as a list for `scoreIncrementally` and as one
 * scorer.
 */
import type { Finding } from '../events.js';
import { defaultScorers } from './registry.js';
import type { ScoreContext, ScoreReport, Scorer, TaskKind, WeightedScorer } from './scorer.js';
import { clamp01, isScorer } from './scoringInternals.js';

/** Options of `createQualityScorer`. */
export interface QualityScorerOptions {
  /** Picks the default scorers and weights (see `defaultScorers`). @defaultValue `'text'` */
  readonly task?: TaskKind;
  /**
   * Your own scorers, added to the defaults, each a `Scorer` (weight 1) or `{ scorer, weight }`.
   * One named like a default replaces it. Names must be unique among these.
   * @defaultValue `[]`
   */
  readonly scorers?: readonly (Scorer | WeightedScorer)[];
  /** Weights by scorer name, overriding the defaults and those given in `scorers`. @defaultValue `{}` */
  readonly weights?: Readonly<Record<string, number>>;
  /** Names of scorers to leave out. @defaultValue `[]` */
  readonly exclude?: readonly string[];
  /** Start from the task's default scorers. @defaultValue true */
  readonly defaults?: boolean;
  /** A syntax scorer (from `await createSyntaxScorer()`) to include in `code` defaults. */
  readonly syntax?: Scorer;
  /** The combined scorer's name. @defaultValue `'quality'` */
  readonly name?: string;
}

/** The combined scorer's state: one state per scorer, or the error it threw. */
export interface QualityState {
  readonly states: unknown[];
  readonly errors: (Error | undefined)[];
  /** Each scorer's last result and the combined report made from them (reused while unchanged). */
  readonly results: (number | ScoreReport | undefined)[];
  combined: ScoreReport | undefined;
}

/**
 * A combined scorer (weighted mean of its scorers; findings merged, their codes prefixed with the
 * scorer's name, e.g. `consistency:arithmetic_error`) that also lists its parts.
 */
export interface QualityScorer extends Scorer<QualityState> {
  /** The weighted scorers, for `scoreIncrementally` (which then reports each score separately). */
  readonly scorers: readonly WeightedScorer[];
}

/**
 * Combines scorers: the defaults of a task kind, plus, minus or re-weighted as you ask.
 *
 * Use `quality.scorers` with `scoreIncrementally` to see every score, or `quality` itself where
 * one scorer is expected. The combined score is the weighted mean of the scorers that did not
 * throw (clamped to [0, 1]; 1 with no scorer or only zero weights; 0 when all threw); a scorer that
 * throws is left out from then on for that variant, with a `quality:scorer_error` info finding.
 *
 * @throws TypeError at creation: an unknown `task`, a non-scorer in `scorers`, duplicate names,
 *   a negative or non-finite weight, or a name in `weights`/`exclude` that no scorer has.
 * @example
 * const quality = createQualityScorer({ task: 'code', syntax: await createSyntaxScorer(), weights: { performance: 0 } });
 * events$.pipe(snapshots(), scoreIncrementally(quality.scorers, { context: { prompt, task: 'code' } }));
 * // or, as one score:
 * let s = quality.init({ prompt, variant: 'a', task: 'code' });
 * s = quality.feed(s, answer);
 * quality.score(s, true); // → { value: 0.87, findings: [{ code: 'bestPractices:bare_except', … }] }
 */
export function createQualityScorer(options: QualityScorerOptions = {}): QualityScorer {
  const name = options.name ?? 'quality';
  if (typeof name !== 'string' || name === '') throw new TypeError('`name` must be a non-empty string');
  if (options.defaults !== undefined && typeof options.defaults !== 'boolean') {
    throw new TypeError(`\`defaults\` must be a boolean, got ${String(options.defaults)}`);
  }
  const base =
    options.defaults === false
      ? []
      : defaultScorers(
          options.task ?? 'text',
          options.syntax === undefined ? {} : { syntax: options.syntax },
        );
  if (options.scorers !== undefined && !Array.isArray(options.scorers)) {
    throw new TypeError('`scorers` must be an array of scorers or `{ scorer, weight }` objects');
  }
  const own = (options.scorers ?? []).map((entry, i) => toWeighted(entry, `scorers[${i}]`));
  const ownNames = new Set<string>();
  for (const w of own) {
    if (ownNames.has(w.scorer.name)) {
      throw new TypeError(`\`scorers\` has two scorers named '${w.scorer.name}'; names must be unique`);
    }
    ownNames.add(w.scorer.name);
  }
  let list: WeightedScorer[] = [...base.filter((w) => !ownNames.has(w.scorer.name)), ...own];
  const known = new Set(list.map((w) => w.scorer.name));
  const unknown = (key: string, n: string) =>
    new TypeError(
      `\`${key}\` names '${n}', which is not one of the scorers: ${[...known].join(', ') || '(none)'}`,
    );
  for (const n of options.exclude ?? []) {
    if (!known.has(n)) throw unknown('exclude', n);
  }
  const excluded = new Set(options.exclude ?? []);
  list = list.filter((w) => !excluded.has(w.scorer.name));
  for (const [n, weight] of Object.entries(options.weights ?? {})) {
    if (!known.has(n)) throw unknown('weights', n);
    checkWeight(weight, `weights.${n}`);
  }
  list = list.map((w) => {
    const weight = options.weights?.[w.scorer.name];
    return weight === undefined ? w : { scorer: w.scorer, weight };
  });
  const parts = list.map((w) => ({ scorer: w.scorer, weight: w.weight ?? 1 }));

  return {
    name,
    version: `1(${parts.map((p) => `${p.scorer.name}@${p.scorer.version}×${p.weight}`).join(',')})`,
    scorers: list,
    init(context: ScoreContext): QualityState {
      const states: unknown[] = [];
      const errors: (Error | undefined)[] = [];
      for (const p of parts) {
        try {
          states.push(p.scorer.init(context));
          errors.push(undefined);
        } catch (error) {
          states.push(undefined);
          errors.push(asError(error));
        }
      }
      return { states, errors, results: parts.map(() => undefined), combined: undefined };
    },
    feed(state, delta) {
      if (delta === '') return state;
      parts.forEach((p, i) => {
        if (state.errors[i] !== undefined) return;
        try {
          state.states[i] = p.scorer.feed(state.states[i], delta);
        } catch (error) {
          state.errors[i] = asError(error);
        }
      });
      return state;
    },
    score(state, done): ScoreReport {
      // scorers cache their reports: when none changed, neither did the combination
      let same = state.combined !== undefined;
      const results = parts.map((p, i) => {
        if (state.errors[i] !== undefined) return undefined;
        try {
          const result = p.scorer.score(state.states[i], done);
          if (result !== state.results[i]) same = false;
          return result;
        } catch (error) {
          state.errors[i] = asError(error);
          same = false;
          return undefined;
        }
      });
      if (same && state.combined !== undefined) return state.combined;
      results.forEach((r, i) => {
        state.results[i] = r;
      });
      state.combined = combine(results, state);
      return state.combined;
    },
  };

  function combine(results: readonly (number | ScoreReport | undefined)[], state: QualityState): ScoreReport {
    let total = 0;
    let sum = 0;
    let live = 0;
    const findings: Finding[] = [];
    parts.forEach((p, i) => {
      const result = results[i];
      if (state.errors[i] === undefined && result !== undefined) {
        try {
          const value = typeof result === 'number' ? result : result.value;
          if (!Number.isFinite(value)) throw new Error(`score is not a finite number: ${String(value)}`);
          total += p.weight;
          sum += p.weight * clamp01(value);
          live += 1;
          if (typeof result !== 'number') {
            for (const f of result.findings ?? [])
              findings.push({ ...f, code: `${p.scorer.name}:${f.code}` });
          }
          return;
        } catch (error) {
          state.errors[i] = asError(error);
        }
      }
      findings.push({
        code: `${name}:scorer_error`,
        severity: 'info',
        message: `Scorer '${p.scorer.name}' failed and is left out: ${state.errors[i]!.message}`,
      });
    });
    if (parts.length > 0 && live === 0) return { value: 0, findings };
    return { value: total === 0 ? 1 : clamp01(sum / total), findings };
  }
}

function toWeighted(entry: unknown, path: string): WeightedScorer {
  if (isScorer(entry)) return { scorer: entry, weight: 1 };
  if (typeof entry === 'object' && entry !== null && isScorer((entry as { scorer?: unknown }).scorer)) {
    const w = entry as WeightedScorer;
    if (w.weight !== undefined) checkWeight(w.weight, `${path}.weight`);
    return w;
  }
  throw new TypeError(`\`${path}\` must be a scorer or \`{ scorer, weight }\`, got ${String(entry)}`);
}

function checkWeight(weight: unknown, path: string): void {
  if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) {
    throw new TypeError(`\`${path}\` must be a finite number ≥ 0, got ${String(weight)}`);
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
