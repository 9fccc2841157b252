/**
 * Per-provider rate limits as token buckets: one for requests per minute, one for tokens per
 * minute. Waiting is an Observable, so unsubscribing (a decision made, the caller's signal aborted)
 * cancels the wait at once and gives the place back.
 */
import { asyncScheduler, Observable, type SchedulerLike, type Subscription } from 'rxjs';

export interface RateLimiterOptions {
  /** Requests per minute; undefined or 0 = unlimited. */
  readonly rpm?: number | undefined;
  /** Tokens (input + output) per minute; undefined or 0 = unlimited. */
  readonly tpm?: number | undefined;
  /** Clock and timers. @defaultValue `asyncScheduler` */
  readonly scheduler?: SchedulerLike;
}

/** A rate limiter for one provider. */
export interface RateLimiter {
  /**
   * Waits for a request slot and `tokens` tokens (the request's estimated input), then emits once
   * and completes. Waiters are served first come, first served. Unsubscribing cancels the wait.
   */
  acquire(tokens?: number): Observable<void>;
  /** Debits tokens used beyond the estimate (e.g. the output, once known); the bucket may go negative. */
  consume(tokens: number): void;
  /** Blocks every request for `ms` (a 429's `retry-after`). Pauses never shorten an earlier one. */
  pause(ms: number): void;
  /** Requests waiting now. */
  readonly waiting: number;
  /** Milliseconds until the current `pause` ends (0 when not paused). */
  readonly pausedMs: number;
}

interface Bucket {
  readonly capacity: number;
  readonly perMs: number;
  level: number;
}

interface Waiter {
  readonly tokens: number;
  readonly grant: () => void;
}

/**
 * Creates a token-bucket rate limiter. Buckets start full (a burst of `rpm` requests is allowed),
 * then refill continuously at `rpm / 60 000` per millisecond.
 *
 * @example
 * const limiter = createRateLimiter({ rpm: 60, tpm: 90_000 });
 * limiter.acquire(1200).pipe(switchMap(() => openaiStream(client, request)));
 */
export function createRateLimiter(options: RateLimiterOptions = {}): RateLimiter {
  const scheduler = options.scheduler ?? asyncScheduler;
  const requests = bucket('rpm', options.rpm);
  const tokens = bucket('tpm', options.tpm);
  const queue: Waiter[] = [];
  let pausedUntil = Number.NEGATIVE_INFINITY;
  let last = scheduler.now();
  let timer: Subscription | undefined;

  const refill = (): void => {
    const now = scheduler.now();
    const elapsed = Math.max(0, now - last);
    last = now;
    for (const b of [requests, tokens]) {
      if (b) b.level = Math.min(b.capacity, b.level + elapsed * b.perMs);
    }
  };

  /** Milliseconds until `waiter` can go (0 = now). */
  const delayFor = (waiter: Waiter): number => {
    const now = scheduler.now();
    let wait = Math.max(0, pausedUntil - now);
    if (requests && requests.level < 1) wait = Math.max(wait, (1 - requests.level) / requests.perMs);
    // A request larger than the whole bucket waits for a full bucket, not forever.
    const need = tokens ? Math.min(waiter.tokens, tokens.capacity) : 0;
    if (tokens && tokens.level < need) wait = Math.max(wait, (need - tokens.level) / tokens.perMs);
    return wait;
  };

  const cancelTimer = (): void => {
    timer?.unsubscribe();
    timer = undefined;
  };

  const drain = (): void => {
    cancelTimer();
    refill();
    while (queue.length > 0) {
      const head = queue[0]!;
      const wait = delayFor(head);
      if (wait > 0) {
        // A grant below may have re-entered drain() and scheduled already.
        cancelTimer();
        timer = scheduler.schedule(drain, Math.ceil(wait));
        return;
      }
      queue.shift();
      if (requests) requests.level -= 1;
      if (tokens) tokens.level -= head.tokens;
      head.grant();
    }
  };

  return {
    acquire(cost = 0) {
      if (!Number.isFinite(cost) || cost < 0) {
        throw new TypeError(`\`tokens\` must be a finite number >= 0, got ${cost}`);
      }
      return new Observable<void>((subscriber) => {
        const waiter: Waiter = {
          tokens: cost,
          grant: () => {
            subscriber.next();
            subscriber.complete();
          },
        };
        queue.push(waiter);
        drain();
        return () => {
          const i = queue.indexOf(waiter);
          if (i === -1) return;
          queue.splice(i, 1);
          // The head left: the next waiter may be able to go now.
          if (i === 0) drain();
        };
      });
    },
    consume(n) {
      if (!tokens || !Number.isFinite(n) || n <= 0) return;
      refill();
      tokens.level -= n;
    },
    pause(ms) {
      if (!Number.isFinite(ms) || ms <= 0) return;
      pausedUntil = Math.max(pausedUntil, scheduler.now() + ms);
      if (queue.length > 0) drain();
    },
    get waiting() {
      return queue.length;
    },
    get pausedMs() {
      return Math.max(0, pausedUntil - scheduler.now());
    },
  };
}

function bucket(name: string, perMinute: number | undefined): Bucket | undefined {
  if (perMinute === undefined || perMinute === 0) return undefined;
  if (!Number.isFinite(perMinute) || perMinute < 0) {
    throw new TypeError(`\`${name}\` must be a finite number >= 0 (0 = unlimited), got ${perMinute}`);
  }
  return { capacity: perMinute, perMs: perMinute / 60_000, level: perMinute };
}
