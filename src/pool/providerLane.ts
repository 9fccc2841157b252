/**
 * One provider's lane: everything a request to that provider passes through, in order. Not
 * public: `createProviderPool` builds one lane per configured provider.
 */
import { defer, Observable, config as rxConfig, type SchedulerLike, switchMap, throwError } from 'rxjs';
import type { ProviderConfig } from '../config/types.js';
import type { UsageRecord } from '../cost/costLedger.js';
import { ProviderError, type ProviderErrorType } from '../errors.js';
import type { VariantEvent } from '../events.js';
import { firstTokenTimeout } from '../operators/firstTokenTimeout.js';
import { idleTimeout } from '../operators/idleTimeout.js';
import { retryBeforeFirstToken } from '../operators/retryBeforeFirstToken.js';
import { countTokens } from '../tokens.js';
import type { VariantSpec } from '../variation.js';
import { type CircuitBreaker, createCircuitBreaker } from './circuitBreaker.js';
import { createConcurrencyLimit } from './concurrencyLimit.js';
import type { ProviderClient } from './createClient.js';
import { createLatencyTracker, type LatencyTracker } from './latencyTracker.js';
import { nativeStream } from './nativeStream.js';
import type { PoolNotice, ProviderHealth, VariantRequest } from './poolTypes.js';
import { createRateLimiter, type RateLimiter } from './rateLimiter.js';

/** What a lane reports while it runs one variant. */
export interface LaneHooks {
  readonly onUsage?: ((record: UsageRecord) => void) | undefined;
  readonly onNotice?: ((notice: PoolNotice) => void) | undefined;
  /** A request went out (called for every attempt). */
  readonly onSent?: (() => void) | undefined;
  /**
   * Asked before each retry is sent (never for the first attempt): an error returned ends the run
   * with it instead of sending (the pool returns a `budget` ProviderError); `undefined` sends.
   */
  readonly mayRetry?: (() => ProviderError | undefined) | undefined;
}

/** One provider behind its concurrency limit, rate limiter, circuit breaker, timeouts and retries. */
export interface ProviderLane {
  readonly name: string;
  readonly config: ProviderConfig;
  /** Times to first token of this provider's recent requests. */
  readonly ttft: LatencyTracker;
  readonly breaker: CircuitBreaker;
  readonly limiter: RateLimiter;
  /** `spec` on this provider, retried before its first token; errors with a `ProviderError`. */
  run(spec: VariantSpec, request: VariantRequest, hooks: LaneHooks): Observable<VariantEvent>;
  health(): ProviderHealth;
}

/** What a lane needs from the pool. */
export interface ProviderLaneOptions {
  readonly scheduler: SchedulerLike;
  /** The provider's client, created on first use; throws a `ProviderError` (`auth`) without a key. */
  readonly client: () => ProviderClient;
}

/**
 * The error types that count as a failure for the circuit breaker: the provider's own trouble
 * (5xx, overload, no first token or a stall in time, a broken connection, a cut-off stream).
 * Not counted: `rate_limited` (the provider is healthy and said when to come back; the rate
 * limiter pauses for it), and the non-retryable types (`auth`, `bad_request`, `bad_response`…),
 * which are about our request or our config and would come back on any healthy provider too.
 */
export const BREAKER_FAILURES: ReadonlySet<ProviderErrorType> = new Set<ProviderErrorType>([
  'server',
  'overloaded',
  'timeout',
  'connection',
  'truncated',
]);

/**
 * Creates the lane of provider `name`. Each attempt of `run` goes, in this order:
 *
 * 1. **Client**: created lazily; a missing key fails at once (`auth`), before any queue, with no
 *    request sent.
 * 2. **Circuit pre-check**: an open circuit fails at once (`circuit_open`), without queueing for
 *    a slot or a rate-limit token that would be wasted on a request that cannot be sent.
 * 3. **Concurrency slot** (`max_concurrency`), then **rate limit** (`rpm`, `tpm` with the estimated
 *    input tokens). The slot comes first so that a token is taken only when the request can go
 *    out right after: a token taken while still waiting for a slot would let the queued requests
 *    leave in a burst later, at a rate the bucket never allowed.
 * 4. **Circuit breaker** `tryAcquire`, right before sending: the state may have changed while
 *    waiting, and a half-open probe is taken only by a request that goes out at once.
 * 5. **The request** through the adapter, with `firstTokenTimeout` (from sending, so waiting in the
 *    queues above does not count) and `idleTimeout`.
 *
 * The breaker records a success at the first token (or an `end` without one), a failure for the
 * {@link BREAKER_FAILURES} types before it, and nothing for a cancelled request. A 429 with
 * `retry-after` pauses the rate limiter (every request of the provider waits, not only the retry).
 * The output tokens, once known, are debited from the `tpm` bucket.
 *
 * Attempts are wrapped in `retryBeforeFirstToken` with the provider's `retries` (so a first-token
 * timeout is retried, and a `retry-after` is honoured up to the provider's `total_ms`, at most
 * 30 s). While the provider's pause is longer than that, an attempt fails at once (`rate_limited`,
 * not sent) instead of waiting in the limiter, so the fallback chain moves on.
 */
export function createProviderLane(
  name: string,
  config: ProviderConfig,
  options: ProviderLaneOptions,
): ProviderLane {
  const { scheduler } = options;
  const slots = createConcurrencyLimit(config.max_concurrency);
  const limiter = createRateLimiter({ rpm: config.rpm, tpm: config.tpm, scheduler });
  const cb = config.circuit_breaker;
  const breaker = createCircuitBreaker({
    failureRate: cb.failure_rate,
    minRequests: cb.min_requests,
    windowMs: cb.window_ms,
    cooldownMs: cb.cooldown_ms,
    scheduler,
  });
  const ttft = createLatencyTracker();
  // A `retry-after` longer than this is not waited for: it would outlast the provider's whole
  // time limit (or 30 s, beyond which a user is better served by the fallback chain).
  const maxRetryAfterMs = Math.min(30_000, config.timeouts.total_ms);
  let inFlight = 0;

  const run = (spec: VariantSpec, request: VariantRequest, hooks: LaneHooks): Observable<VariantEvent> => {
    const notify = (notice: PoolNotice): void => safely(hooks.onNotice, notice);
    const maxTokens = request.maxTokens ?? config.max_tokens;
    const timing = { provider: name, variant: spec.id, scheduler };
    let estimate: number | undefined;
    // Counting loads a BPE table for OpenAI models (~130 ms once): only when a `tpm` needs it.
    const estimateInput = (): number => {
      if (!config.tpm) return 0;
      estimate ??= countTokens(request.messages.map((m) => m.content).join('\n'), spec.model);
      return estimate;
    };
    const circuitOpen = (): Observable<never> => {
      notify({ type: 'circuit_open', provider: name });
      const retryAt = breaker.retryAt;
      const wait =
        retryAt === undefined
          ? ''
          : `; next probe in ${Math.max(0, Math.ceil(retryAt - scheduler.now()))} ms`;
      return throwError(
        () =>
          new ProviderError({
            type: 'circuit_open',
            provider: name,
            variant: spec.id,
            message: `not sent: the circuit breaker is open after repeated failures${wait}`,
          }),
      );
    };

    // One request through the adapter, with the limits of a single request.
    const request$ = (client: ProviderClient): Observable<VariantEvent> =>
      nativeStream(client, { ...spec, kind: config.kind }, request, maxTokens, {
        variant: spec.id,
        provider: name,
        onUsage: (usage) => {
          if (config.tpm) limiter.consume(usage.output + Math.max(0, usage.input - estimateInput()));
          safely(hooks.onUsage, {
            variant: spec.id,
            provider: name,
            model: spec.model,
            kind: config.kind,
            input: usage.input,
            output: usage.output,
            estimated: usage.estimated,
          });
        },
      }).pipe(
        firstTokenTimeout(config.timeouts.first_token_ms, timing),
        idleTimeout(config.timeouts.idle_ms, timing),
      );

    const send = (client: ProviderClient): Observable<VariantEvent> =>
      new Observable<VariantEvent>((subscriber) => {
        if (!breaker.tryAcquire()) return circuitOpen().subscribe(subscriber);
        let outcome = false;
        const settle = (kind: 'success' | 'failure' | 'release'): void => {
          if (outcome) return;
          outcome = true;
          breaker[kind]();
        };
        let counted = true;
        inFlight += 1;
        const done = (): void => {
          if (!counted) return;
          counted = false;
          inFlight -= 1;
        };
        const sentAt = scheduler.now();
        let stream: Observable<VariantEvent>;
        try {
          stream = request$(client);
        } catch (error) {
          // An adapter rejecting its arguments: nothing was sent, nothing is said about health.
          settle('release');
          done();
          subscriber.error(error);
          return;
        }
        safely(hooks.onSent, undefined);
        const sub = stream.subscribe({
          next: (event) => {
            if (!outcome && (event.type === 'delta' || event.type === 'end')) {
              if (event.type === 'delta') ttft.record(scheduler.now() - sentAt);
              settle('success');
            }
            subscriber.next(event);
          },
          error: (error: unknown) => {
            settle(
              error instanceof ProviderError && BREAKER_FAILURES.has(error.type) ? 'failure' : 'release',
            );
            done();
            if (error instanceof ProviderError && error.type === 'rate_limited' && error.retryAfterMs) {
              limiter.pause(error.retryAfterMs);
              notify({ type: 'rate_limited', provider: name, waitMs: error.retryAfterMs });
            }
            subscriber.error(error);
          },
          complete: () => {
            settle('success');
            done();
            subscriber.complete();
          },
        });
        return () => {
          sub.unsubscribe();
          settle('release');
          done();
        };
      });

    // Attempts are counted per subscription of the run (each one is a new run on this provider).
    const attempts = (): Observable<VariantEvent> => {
      let sent = 0;
      return defer(() => {
        sent += 1;
        return sent > 1 ? retry() : sendAttempt();
      });
    };
    const retry = (): Observable<VariantEvent> => {
      // A retry is an extra request: the caller may refuse it (e.g. its budget is spent).
      const refused = hooks.mayRetry?.();
      return refused !== undefined ? throwError(() => refused) : sendAttempt();
    };
    const sendAttempt = (): Observable<VariantEvent> => {
      const client = options.client();
      if (breaker.state === 'open') return circuitOpen();
      // The provider asked for a pause longer than this provider may take in all (a quota reset
      // an hour away): waiting would only end in a total timeout, so fail now and let the
      // fallback chain move on. Shorter pauses are waited out in the limiter below.
      const paused = limiter.pausedMs;
      if (paused > maxRetryAfterMs) {
        return throwError(
          () =>
            new ProviderError({
              type: 'rate_limited',
              provider: name,
              variant: spec.id,
              retryAfterMs: paused,
              message: `not sent: the provider asked to pause for another ${Math.ceil(paused)} ms (retry-after)`,
            }),
        );
      }
      return slots.run(defer(() => limiter.acquire(estimateInput()).pipe(switchMap(() => send(client)))));
    };

    return defer(() =>
      attempts().pipe(
        retryBeforeFirstToken({
          maxAttempts: config.retries.max_attempts,
          baseDelayMs: config.retries.base_delay_ms,
          maxDelayMs: config.retries.max_delay_ms,
          maxRetryAfterMs,
          scheduler,
          onRetry: ({ error, attempt: n, delayMs }) => {
            if (error instanceof ProviderError) {
              notify({ type: 'retry', variant: spec.id, provider: name, attempt: n, delayMs, error });
            }
          },
        }),
      ),
    );
  };

  return {
    name,
    config,
    ttft,
    breaker,
    limiter,
    run,
    health: () => ({
      state: breaker.state,
      inFlight,
      waiting: slots.waiting + limiter.waiting,
      ttftP95Ms: ttft.percentile(0.95),
    }),
  };
}

/** Calls a user callback; what it throws is reported like an RxJS unhandled error, never thrown into the stream. */
export function safely<T>(callback: ((value: T) => void) | undefined, value: T): void {
  if (!callback) return;
  try {
    callback(value);
  } catch (error) {
    const handler = rxConfig.onUnhandledError;
    setTimeout(() => {
      if (handler) handler(error);
      else throw error;
    });
  }
}
