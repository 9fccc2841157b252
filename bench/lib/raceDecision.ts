/**
 * One chorus decision built from the adapters and operators directly:
 *
 *   merge(variants, each with endOnError) → snapshots() → scoreIncrementally(scorers)
 *     → takeUntilQuorum({ quorum: k, expected: n, agree })
 *
 * The vote at the heart of `LLMOrchestrator.run()`, without its planning, pool, consensus method
 * or Decision: the latency benchmark's `--engine operators` (its default engine measures `run()`
 * itself, bench/lib/benchOrchestrator.ts), and the memory benchmark's decisions.
 */
import { merge, type Observable, tap } from 'rxjs';
import type { ScoredSnapshot, VariantEvent } from '../../src/events.js';
import type { QuorumDecision } from '../../src/operators/quorumEvents.js';
import { type ScoringContext, scoreIncrementally } from '../../src/operators/scoreIncrementally.js';
import { snapshots } from '../../src/operators/snapshots.js';
import { takeUntilQuorum } from '../../src/operators/takeUntilQuorum.js';
import type { BenchScorer } from './scorers.js';

/** What a decision needs. Variants already carry `endOnError`. */
export interface RaceSpec {
  readonly variants: readonly Observable<VariantEvent>[];
  readonly quorum: number;
  readonly scorers?: readonly BenchScorer[];
  readonly context?: ScoringContext;
  /** How answers agree. @defaultValue every answer agrees (one constant key) */
  readonly agree?: (snapshot: ScoredSnapshot) => string | undefined;
}

/** When things happened, on the `performance.now()` clock of the adapters. */
export interface RaceResult {
  readonly decision: QuorumDecision;
  /** When the decision reached the subscriber. */
  readonly decidedAt: number;
  /** The `endedAt` of every variant that ended before the decision, in order (finish or failure). */
  readonly ends: readonly { readonly variant: string; readonly finish: string; readonly at: number }[];
}

const EVERYONE_AGREES = () => 'agree';

/**
 * Runs one decision and resolves when it arrives (which unsubscribes, and so aborts, the variants
 * still streaming).
 *
 * @example
 * const { decidedAt, ends } = await raceDecision({ variants, quorum: 2 });
 * const overheadMs = decidedAt - ends[1].at;
 */
export function raceDecision(spec: RaceSpec): Promise<RaceResult> {
  const ends: { variant: string; finish: string; at: number }[] = [];
  return new Promise<RaceResult>((resolve, reject) => {
    merge(...spec.variants)
      .pipe(
        snapshots(),
        tap((s) => {
          if (s.done)
            ends.push({ variant: s.variant, finish: s.finish ?? 'stop', at: s.endedAt ?? Number.NaN });
        }),
        scoreIncrementally(spec.scorers ?? [], spec.context ? { context: spec.context } : {}),
        takeUntilQuorum({
          quorum: spec.quorum,
          expected: spec.variants.length,
          agree: spec.agree ?? EVERYONE_AGREES,
          progress: 'none',
        }),
      )
      .subscribe({
        next: (event) => {
          if (event.type === 'quorum') resolve({ decision: event, decidedAt: performance.now(), ends });
        },
        error: reject,
        complete: () => reject(new Error('the race completed without a decision')),
      });
  });
}
