import {
  asyncScheduler,
  Observable,
  type OperatorFunction,
  type SchedulerLike,
  Subject,
  type Subscription,
  takeUntil,
} from 'rxjs';
import { assertNever, type ScoredSnapshot, type VariantId } from '../events.js';
import { QuorumError } from './quorumError.js';
import type { QuorumDecision, QuorumEvent, QuorumProgress } from './quorumEvents.js';
import { createQuorumTally, toQuorumConfig } from './quorumInternals.js';

/**
 * How two finished answers agree: a key function (equal keys agree; `undefined` means no vote,
 * e.g. no answer could be extracted), or a similarity of the two texts with a threshold (an answer
 * joins the group whose first member it is most similar to, at or above the threshold).
 */
export type QuorumAgreement =
  | ((snapshot: ScoredSnapshot) => string | undefined)
  | { readonly similarity: (a: string, b: string) => number; readonly threshold: number };

/** When `takeUntilQuorum` decides, and what it reports on the way. */
export interface QuorumRule {
  /** How many agreeing variants decide (an integer >= 1). */
  readonly quorum: number;
  /** @defaultValue `normalizedTextKey` (the whole answer, trimmed, whitespace collapsed, lowercased) */
  readonly agree?: QuorumAgreement;
  /** Finished variants scoring below this do not vote (they still count as finished). @defaultValue 0 */
  readonly minScore?: number;
  /**
   * The least fraction of finished (non-failed) variants that must be in the winning group, checked
   * each time a variant finishes. @defaultValue 0
   */
  readonly confidence?: number;
  /**
   * How many variants there are. Lets the operator give up as soon as no group can reach the quorum
   * (`reason: 'impossible'`), instead of waiting for every variant to end. @defaultValue unknown
   */
  readonly expected?: number;
  /**
   * Without a quorum (impossible, or every variant ended): `'best'` emits the best available
   * decision with `reached: false` (largest group, then highest mean score, then earliest first
   * finish); `'error'` errors with a `QuorumError` that carries that decision. @defaultValue `'best'`
   */
  readonly onNoQuorum?: 'best' | 'error';
  /**
   * Whether variants cut off by the token limit (`finish: 'length'`) vote. Off by default: a
   * truncated answer often agrees by accident on its prefix. @defaultValue false
   */
  readonly truncatedVotes?: boolean;
  /**
   * Which `progress` events to emit: on `'changes'` (a variant started, finished or failed), on
   * every snapshot (`'snapshots'`), changes at once plus new text at most every `throttleMs`
   * (the latest state, leading and trailing), or `'none'`. @defaultValue `'changes'`
   */
  readonly progress?: 'changes' | 'snapshots' | 'none' | { readonly throttleMs: number };
  /** Runs the progress throttle's timer. @defaultValue `asyncScheduler` */
  readonly scheduler?: SchedulerLike;
}

/**
 * Votes on the variants' final answers as they finish, and completes as soon as the rule holds;
 * completing unsubscribes the source, which cancels every variant still streaming.
 *
 * ```
 * scored:          --a1--b1--a2(done 'x')--c1--b2(done 'x')--c2--|
 * takeUntilQuorum({ quorum: 2 })
 *                  --p---p---p-------------p---(Q|)
 * source subs:     ^---------------------------!         (c is cancelled mid-stream)
 *   p: progress (started, started, finished, started)   Q: quorum, reached, winners [a, b]
 * ```
 *
 * Only variants that ended with `finish: 'stop'` vote (and `'length'` with `truncatedVotes`),
 * when their score is at least `minScore` and `agree` gives them a key. Variants that ended with
 * `'error'` or `'cancelled'` count as failed. The decision is made on the snapshot that completes a
 * group of `quorum` agreeing variants holding at least `confidence` of the finished ones; if two
 * groups qualify at once, the larger, then higher-scoring, then earlier wins. The deciding snapshot
 * yields the `quorum` event only (no progress event before it). Without `expected`, a missing
 * quorum is only known when the source completes.
 *
 * Cancellation: the decision is emitted, then the operator completes, which unsubscribes the
 * source in the same synchronous call (even a synchronous source stops at once) and cancels the
 * progress throttle's timer. The decision does not wait for the aborts: aborting an HTTP request
 * can take milliseconds (about 5 ms for the first `fetch` abort in quorum.integration.test.ts).
 * Unsubscribing from the result cancels the same way. A source error passes through; a throwing
 * `agree` function errors the result, which unsubscribes the source.
 *
 * @throws TypeError at creation when an option is invalid (named in the message).
 * @example
 * ```ts
 * merge(...variants).pipe(
 *   snapshots(),
 *   scoreIncrementally([syntaxScorer()]),
 *   takeUntilQuorum({ quorum: 2, expected: variants.length, minScore: 0.5 }),
 * ).subscribe((e) => (e.type === 'progress' ? render(e) : decide(e)));
 * ```
 */
export function takeUntilQuorum(rule: QuorumRule): OperatorFunction<ScoredSnapshot, QuorumEvent> {
  const config = toQuorumConfig(rule);
  const scheduler = rule.scheduler ?? asyncScheduler;
  if (typeof scheduler?.schedule !== 'function' || typeof scheduler?.now !== 'function') {
    throw new TypeError(
      'takeUntilQuorum: `scheduler` must be an RxJS SchedulerLike (with `schedule` and `now`)',
    );
  }
  const { progress } = config;
  const throttleMs = typeof progress === 'object' ? progress.throttleMs : undefined;

  return (source) =>
    new Observable<QuorumEvent>((subscriber) => {
      const tally = createQuorumTally(config);
      // Completing `takeUntil` closes the very subscriber the source writes to, so even a
      // synchronous source stops at once when we decide or are unsubscribed.
      const stop = new Subject<void>();
      let over = false;
      let trailing: Subscription | undefined;
      let lastProgressAt = Number.NEGATIVE_INFINITY;
      let lastVariant: VariantId = '';

      const end = (): void => {
        over = true;
        trailing?.unsubscribe();
        stop.next();
      };
      const emitProgress = (cause: QuorumProgress['cause'], variant: VariantId): void => {
        trailing?.unsubscribe();
        trailing = undefined;
        if (throttleMs !== undefined) lastProgressAt = scheduler.now();
        subscriber.next(tally.progress(cause, variant));
      };
      const throttle = (ms: number, variant: VariantId): void => {
        lastVariant = variant;
        const wait = lastProgressAt + ms - scheduler.now();
        if (wait <= 0) emitProgress('snapshot', variant);
        else trailing ??= scheduler.schedule(() => emitProgress('snapshot', lastVariant), wait);
      };
      const decide = (reason: QuorumDecision['reason']): void => {
        over = true;
        trailing?.unsubscribe();
        const decision = tally.decision(reason);
        if (!decision.reached && config.onNoQuorum === 'error') subscriber.error(new QuorumError(decision));
        else {
          subscriber.next(decision);
          subscriber.complete();
        }
      };
      const onSnapshot = (snapshot: ScoredSnapshot): void => {
        const change = tally.push(snapshot);
        switch (change) {
          case 'ignored':
            return;
          case 'finished':
          case 'failed':
            if (tally.reached()) decide('reached');
            else if (tally.impossible()) decide('impossible');
            else if (progress !== 'none') emitProgress(change, snapshot.variant);
            return;
          case 'started':
            if (progress !== 'none') emitProgress(change, snapshot.variant);
            return;
          case 'snapshot':
            if (progress === 'snapshots') emitProgress(change, snapshot.variant);
            else if (throttleMs !== undefined) throttle(throttleMs, snapshot.variant);
            return;
          default:
            assertNever(change, 'change');
        }
      };

      // Registered before subscribing, so it also runs when we end during a synchronous source.
      subscriber.add(end);
      source.pipe(takeUntil(stop)).subscribe({
        next: (snapshot) => {
          if (over) return;
          try {
            onSnapshot(snapshot);
          } catch (error) {
            subscriber.error(error);
          }
        },
        error: (error: unknown) => {
          if (!over) subscriber.error(error);
        },
        complete: () => {
          if (!over) decide('completed');
        },
      });
    });
}
