import {
  asyncScheduler,
  type MonoTypeOperatorFunction,
  Observable,
  type SchedulerLike,
  Subscription,
} from 'rxjs';
import { ProviderError } from '../errors.js';
import { assertNever, type VariantEvent } from '../events.js';

/** What `onRetry` is told before each backoff wait. */
export interface RetryNotice {
  /** The error that failed the attempt. */
  readonly error: unknown;
  /** The number of the attempt that failed (1 for the first request). */
  readonly attempt: number;
  /** How long the operator waits before the next attempt. */
  readonly delayMs: number;
}

/** How `retryBeforeFirstToken` retries. Every field is optional. */
export interface RetryPolicy {
  /**
   * Attempts in total, the first request included (so `1` never retries). An integer ≥ 1.
   * @defaultValue 3
   */
  readonly maxAttempts?: number;
  /**
   * The backoff before the second attempt; it doubles for each later one, up to `maxDelayMs`.
   * @defaultValue 250
   */
  readonly baseDelayMs?: number;
  /**
   * The cap of the exponential backoff (before jitter).
   * @defaultValue 8000
   */
  readonly maxDelayMs?: number;
  /**
   * The longest `retryAfterMs` (a `ProviderError`'s, from `retry-after`) the operator will wait.
   * A provider asking for longer makes it give up at once with that error: the caller's own limits
   * (a total timeout, a user waiting) would expire first, so the wait would be wasted.
   * @defaultValue 30000
   */
  readonly maxRetryAfterMs?: number;
  /**
   * Whether an error is worth another attempt. Called only while no delta has gone downstream and
   * attempts remain.
   * @defaultValue `error instanceof ProviderError && error.isRetryable`
   */
  readonly shouldRetry?: (error: unknown, attempt: number) => boolean;
  /** Called before each backoff wait, for logs and metrics. */
  readonly onRetry?: (notice: RetryNotice) => void;
  /**
   * Source of the jitter, a number in [0, 1); inject a fixed one in tests.
   * @defaultValue `Math.random`
   */
  readonly random?: () => number;
  /**
   * Where the backoff waits run.
   * @defaultValue `asyncScheduler`
   */
  readonly scheduler?: SchedulerLike;
}

const defaultShouldRetry = (error: unknown): boolean => error instanceof ProviderError && error.isRetryable;

/**
 * Re-subscribes a variant stream (sends the request again) when it fails before its first token,
 * and never after: once a `delta` has gone downstream, errors pass through, so text is never
 * duplicated or reordered.
 *
 * ```
 * attempt 1:  -s-#                 ProviderError { type: 'rate_limited', retryAfterMs: 3 }
 * attempt 2:     ···-s-a-b-e|      subscribed after max(retryAfterMs, jittered backoff)
 * result:     ---------X-b-e|      X = attempt 2's start and first delta (attempt 1's start was
 *                                  held, then dropped): downstream sees one start
 *
 * attempt 1:  -s-a-#
 * result:     ---X-#               a delta went out: the error passes, no retry
 * ```
 *
 * Backoff: before attempt n+1 it waits `random() × min(maxDelayMs, baseDelayMs × 2^(n−1))` (full
 * jitter), or the error's `retryAfterMs` if that is longer. It gives up, passing the error on, when
 * `maxAttempts` are spent, `shouldRetry` says no, or `retryAfterMs` exceeds `maxRetryAfterMs`.
 *
 * Events of an attempt: its `start` and any `usage` are held until its first `delta`, its `end`, or
 * its completion, then released in order; from then on the attempt is committed and nothing is
 * retried (so downstream sees exactly one `start`, that of the attempt that answered). A failed
 * attempt's held events are dropped: its token usage is not re-emitted here (the adapters bill
 * failed requests through their `onUsage` callback, not the event stream). When the operator gives
 * up, the last attempt's held events are released before the error, so an error that is not
 * retried looks exactly as it would without this operator.
 *
 * Cancellation: unsubscribing cancels the running attempt (aborting its request) or the backoff
 * wait, at once, leaving no timer behind.
 *
 * @param policy - validated here: a bad value throws a `TypeError` naming the option.
 * @example
 * ```ts
 * openaiStream(client, request).pipe(
 *   firstTokenTimeout(10_000),
 *   retryBeforeFirstToken({ maxAttempts: 3, onRetry: (n) => log.warn(n) }),
 * );
 * ```
 */
export function retryBeforeFirstToken(policy: RetryPolicy = {}): MonoTypeOperatorFunction<VariantEvent> {
  validatePolicy(policy);
  const {
    maxAttempts = 3,
    baseDelayMs = 250,
    maxDelayMs = 8000,
    maxRetryAfterMs = 30_000,
    shouldRetry = defaultShouldRetry,
    onRetry,
    random = Math.random,
    scheduler = asyncScheduler,
  } = policy;

  /** The wait before the next attempt, or undefined to give up. */
  const backoff = (error: unknown, attempt: number): number | undefined => {
    if (attempt >= maxAttempts || !shouldRetry(error, attempt)) return undefined;
    const retryAfter = error instanceof ProviderError ? error.retryAfterMs : undefined;
    if (retryAfter !== undefined && retryAfter > maxRetryAfterMs) return undefined;
    const cap = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
    const jitter = Math.min(1, Math.max(0, random() || 0)) * cap;
    return Math.max(retryAfter ?? 0, jitter);
  };

  return (source) =>
    new Observable<VariantEvent>((subscriber) => {
      let attempt = 0;
      let committed = false;
      let held: VariantEvent[] = [];
      let current: Subscription | undefined;
      let wait: Subscription | undefined;

      const release = (): void => {
        committed = true;
        const out = held;
        held = [];
        for (const event of out) subscriber.next(event);
      };

      const onError = (error: unknown): void => {
        let delayMs: number | undefined;
        try {
          delayMs = committed ? undefined : backoff(error, attempt);
          if (delayMs !== undefined) onRetry?.({ error, attempt, delayMs });
        } catch (thrown) {
          subscriber.error(thrown);
          return;
        }
        if (delayMs === undefined) {
          release();
          subscriber.error(error);
          return;
        }
        held = [];
        // Always through the scheduler, even for 0 ms: a source that fails synchronously must not
        // recurse, and the wait must be a cancellable action.
        wait = scheduler.schedule(subscribeAttempt, delayMs);
      };

      const subscribeAttempt = (): void => {
        wait = undefined;
        attempt += 1;
        // Assigned before subscribing: a synchronous source may fail and schedule the next attempt
        // before `subscribe` returns.
        const attemptSub = new Subscription();
        current = attemptSub;
        attemptSub.add(
          source.subscribe({
            next: (event) => {
              if (committed) {
                subscriber.next(event);
                return;
              }
              held.push(event);
              switch (event.type) {
                case 'start':
                case 'usage':
                  break;
                case 'delta':
                case 'end':
                  release();
                  break;
                default:
                  assertNever(event, 'variant event');
              }
            },
            error: onError,
            complete: () => {
              release();
              subscriber.complete();
            },
          }),
        );
      };

      subscribeAttempt();
      return () => {
        current?.unsubscribe();
        wait?.unsubscribe();
      };
    });
}

function validatePolicy(policy: RetryPolicy): void {
  if (typeof policy !== 'object' || policy === null) {
    throw new TypeError(`retryBeforeFirstToken: \`policy\` must be an object, got ${String(policy)}`);
  }
  const { maxAttempts, baseDelayMs, maxDelayMs, maxRetryAfterMs } = policy;
  if (maxAttempts !== undefined && !(Number.isInteger(maxAttempts) && maxAttempts >= 1)) {
    throw new TypeError(`retryBeforeFirstToken: \`maxAttempts\` must be an integer ≥ 1, got ${maxAttempts}`);
  }
  const durations = { baseDelayMs, maxDelayMs, maxRetryAfterMs };
  for (const [key, value] of Object.entries(durations)) {
    if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value >= 0)) {
      throw new TypeError(
        `retryBeforeFirstToken: \`${key}\` must be a finite number of milliseconds ≥ 0, got ${String(value)}`,
      );
    }
  }
  for (const key of ['shouldRetry', 'onRetry', 'random'] as const) {
    if (policy[key] !== undefined && typeof policy[key] !== 'function') {
      throw new TypeError(`retryBeforeFirstToken: \`${key}\` must be a function when given`);
    }
  }
  const s = policy.scheduler;
  if (s !== undefined && (typeof s?.schedule !== 'function' || typeof s?.now !== 'function')) {
    throw new TypeError('retryBeforeFirstToken: `scheduler` must be an RxJS SchedulerLike');
  }
}
