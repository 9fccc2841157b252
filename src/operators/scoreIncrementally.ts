import { defer, filter, map, type OperatorFunction } from 'rxjs';
import type { ScoredSnapshot, Snapshot, VariantId } from '../events.js';
import type { ScoreContext, Scorer, WeightedScorer } from '../scorers/scorer.js';
import { createVariantScoring, toSlots, type VariantScoring, withScores } from './scoringInternals.js';

/** What a scorer knows before any text arrives, minus the variant (the operator fills it in). */
export type ScoringContext = Omit<ScoreContext, 'variant'>;

/**
 * When `scoreIncrementally` scores and emits a snapshot. A variant's final (`done`) snapshot is
 * always scored and emitted.
 * - `'delta'`: every snapshot.
 * - `{ everyChars: n }`: the variant's first snapshot, then whenever at least `n` characters
 *   arrived since the last emission.
 * - `{ boundary }`: the variant's first snapshot, then whenever the detector says a delta reached a
 *   boundary (e.g. `codeFenceClosed`). `boundary` is a factory called once per variant, so the
 *   detector may keep state; it sees only deltas, since reading the whole text per delta is
 *   quadratic.
 * - `'done'`: only the final snapshot.
 */
export type ScoreEmit =
  | 'delta'
  | 'done'
  | { readonly everyChars: number }
  | { readonly boundary: () => (delta: string) => boolean };

/** Options of `scoreIncrementally`. */
export interface ScoreIncrementallyOptions {
  /**
   * The scorers' context, or a function of a variant's first snapshot that returns it.
   * @defaultValue `{ prompt: '' }`
   */
  readonly context?: ScoringContext | ((first: Snapshot) => ScoringContext);
  /**
   * When to score and emit. Scorers are incremental by contract (`feed` is O(delta), `score` caches
   * in its state), so scoring every snapshot is cheap and lets a UI and the quorum's leader follow
   * every change; pick `everyChars` or `boundary` when a scorer's `score` is costly.
   * @defaultValue `'delta'`
   */
  readonly emit?: ScoreEmit;
}

/**
 * Scores each variant's text as it streams, with incremental scorers: `Snapshot` in,
 * `ScoredSnapshot` out.
 *
 * ```
 * snapshots:           --a--b--c--d(done)--|
 * scoreIncrementally:  --A--B--C--D--------|     emit 'delta' (default)
 * ... { emit: 'done' } -----------D--------|
 * ```
 *
 * Per variant: `init(context)` on its first snapshot, `feed(state, delta)` for every non-empty
 * `delta` (whether or not that snapshot is emitted; `text` is never rescanned), and
 * `score(state, done)` for each snapshot it emits. `score` is the weighted mean of the scorers that
 * succeeded; scores are clamped to [0, 1]; a `ScoreReport`'s findings go to `findings[name]`.
 * A scorer that throws, or returns a non-finite value, fails for that variant only: its error is in
 * `scoreErrors[name]` from then on and its score is left out. It never errors the stream.
 * With no scorers (or only zero weights) `score` is 1; when every weighted scorer failed it is 0.
 * Snapshots of a variant after its `done` snapshot are ignored. The output has the `Snapshot`
 * fields plus the scores; other properties of the input objects are not copied.
 *
 * Cancellation: holds no resources; unsubscribing unsubscribes the source at once. Errors and
 * completion of the source pass through. An error thrown by `options.context` or a `boundary`
 * detector (caller code, not a scorer) errors the stream.
 *
 * @throws TypeError at creation: `scorers` not an array of scorers, a negative or non-finite
 *   weight, duplicate scorer names, or an invalid `emit` / `context`.
 * @example
 * ```ts
 * events$.pipe(
 *   snapshots(),
 *   scoreIncrementally([syntaxScorer(), { scorer: lengthScorer(), weight: 0.5 }], {
 *     context: { prompt, task: 'code' },
 *     emit: { boundary: codeFenceClosed },
 *   }),
 * );
 * ```
 */
export function scoreIncrementally(
  scorers: readonly (Scorer | WeightedScorer)[],
  options: ScoreIncrementallyOptions = {},
): OperatorFunction<Snapshot, ScoredSnapshot> {
  const slots = toSlots(scorers);
  const emit = toEmit(options.emit);
  const contextOf = toContext(options.context);
  return (source) =>
    defer(() => {
      const live = new Map<VariantId, Live>();
      const finished = new Set<VariantId>();
      return source.pipe(
        map((snapshot): ScoredSnapshot | undefined => {
          let entry = live.get(snapshot.variant);
          let due = snapshot.done || emit === 'delta';
          if (entry === undefined) {
            if (finished.has(snapshot.variant)) return undefined;
            const context: ScoreContext = { ...contextOf(snapshot), variant: snapshot.variant };
            entry = {
              scoring: createVariantScoring(slots, context),
              sinceEmit: 0,
              boundary: typeof emit === 'object' && 'boundary' in emit ? emit.boundary() : undefined,
            };
            live.set(snapshot.variant, entry);
            due ||= emit !== 'done';
          }
          const { delta } = snapshot;
          if (delta !== '') {
            entry.scoring.feed(delta);
            entry.sinceEmit += delta.length;
            if (entry.boundary?.(delta)) due = true;
            if (typeof emit === 'object' && 'everyChars' in emit && entry.sinceEmit >= emit.everyChars)
              due = true;
          }
          if (snapshot.done) {
            // Drop the scorer states: a finished variant is never scored again.
            live.delete(snapshot.variant);
            finished.add(snapshot.variant);
          }
          if (!due) return undefined;
          entry.sinceEmit = 0;
          return withScores(snapshot, entry.scoring.score(snapshot.done));
        }),
        filter((scored): scored is ScoredSnapshot => scored !== undefined),
      );
    });
}

interface Live {
  readonly scoring: VariantScoring;
  sinceEmit: number;
  readonly boundary: ((delta: string) => boolean) | undefined;
}

function toEmit(emit: unknown): ScoreEmit {
  if (emit === undefined) return 'delta';
  if (emit === 'delta' || emit === 'done') return emit;
  if (typeof emit === 'object' && emit !== null) {
    if ('everyChars' in emit && Number.isInteger(emit.everyChars) && Number(emit.everyChars) >= 1) {
      return { everyChars: Number(emit.everyChars) };
    }
    if ('boundary' in emit && typeof emit.boundary === 'function') {
      const boundary = emit.boundary as () => (delta: string) => boolean;
      return { boundary };
    }
  }
  throw new TypeError(
    "scoreIncrementally: `emit` must be 'delta', 'done', { everyChars: n } with an integer n >= 1, " +
      `or { boundary: () => (delta) => boolean } (e.g. codeFenceClosed), got ${JSON.stringify(emit)}`,
  );
}

function toContext(context: unknown): (first: Snapshot) => ScoringContext {
  if (context === undefined) return () => ({ prompt: '' });
  if (typeof context === 'function') return context as (first: Snapshot) => ScoringContext;
  if (
    typeof context === 'object' &&
    context !== null &&
    'prompt' in context &&
    typeof context.prompt === 'string'
  ) {
    const fixed = context as ScoringContext;
    return () => fixed;
  }
  throw new TypeError(
    'scoreIncrementally: `context` must be { prompt: string, ... } or a function of the first snapshot returning one',
  );
}
