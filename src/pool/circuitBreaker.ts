/**
 * A circuit breaker per provider: when too many recent requests failed it opens and fails requests
 * at once (no request sent, so a dead provider costs nothing and the fallback chain moves on
 * immediately); after a cool-down it lets one probe through (half-open); the probe's success closes
 * it, its failure opens it again.
 */
import { asyncScheduler, type SchedulerLike } from 'rxjs';

export type CircuitState = 'closed' | 'open' | 'half_open';

export interface CircuitBreakerOptions {
  /** Failure rate over the window that opens the circuit, in (0, 1]. @defaultValue 0.5 */
  readonly failureRate?: number;
  /** Fewest outcomes in the window before the rate is trusted. @defaultValue 5 */
  readonly minRequests?: number;
  /**
   * How many recent outcomes the rate is computed over (a count window).
   * @defaultValue 20 without `windowMs`; unbounded with it (every outcome of the time window counts)
   */
  readonly window?: number;
  /**
   * A time window: only outcomes recorded within the last `windowMs` count, so failures from long
   * ago (a provider that failed at night) do not open the circuit with one new failure today. With
   * `window` as well, both bounds apply. The config's `circuit_breaker.window_ms`.
   * @defaultValue none (a count window only)
   */
  readonly windowMs?: number;
  /** How long the circuit stays open before a probe. @defaultValue 30_000 */
  readonly cooldownMs?: number;
  /** Clock. @defaultValue `asyncScheduler` */
  readonly scheduler?: SchedulerLike;
}

/** The breaker of one provider. */
export interface CircuitBreaker {
  /**
   * Asks to send a request. True when closed; when half-open, true for exactly one probe at a time.
   * Every `true` must be followed by one `success()` or `failure()` (or `release()` if the request
   * was cancelled before it said anything about the provider's health).
   */
  tryAcquire(): boolean;
  success(): void;
  failure(): void;
  /** The request was cancelled: it neither proves nor disproves health. */
  release(): void;
  readonly state: CircuitState;
  /** When an open circuit will allow a probe (scheduler time), or undefined. */
  readonly retryAt: number | undefined;
}

interface Outcome {
  readonly at: number;
  readonly failed: boolean;
}

/**
 * Creates a circuit breaker.
 *
 * @example
 * const breaker = createCircuitBreaker({ failureRate: 0.5, minRequests: 5, windowMs: 30_000, cooldownMs: 30_000 });
 * if (!breaker.tryAcquire()) throw new ProviderError({ type: 'circuit_open', … });
 */
export function createCircuitBreaker(options: CircuitBreakerOptions = {}): CircuitBreaker {
  const failureRate = options.failureRate ?? 0.5;
  const minRequests = options.minRequests ?? 5;
  const windowMs = options.windowMs;
  const window = options.window ?? (windowMs === undefined ? 20 : Number.POSITIVE_INFINITY);
  const cooldownMs = options.cooldownMs ?? 30_000;
  const scheduler = options.scheduler ?? asyncScheduler;
  if (!(failureRate > 0 && failureRate <= 1)) {
    throw new TypeError(`\`failureRate\` must be in (0, 1], got ${failureRate}`);
  }
  if (!((Number.isInteger(window) || window === Number.POSITIVE_INFINITY) && window >= 1)) {
    throw new TypeError(`\`window\` must be an integer >= 1, got ${window}`);
  }
  if (!Number.isInteger(minRequests) || minRequests < 1 || minRequests > window) {
    throw new TypeError(`\`minRequests\` must be an integer in [1, window], got ${minRequests}`);
  }
  if (windowMs !== undefined && !(Number.isFinite(windowMs) && windowMs > 0)) {
    throw new TypeError(`\`windowMs\` must be a finite number of milliseconds > 0, got ${windowMs}`);
  }
  if (!Number.isFinite(cooldownMs) || cooldownMs < 0) {
    throw new TypeError(`\`cooldownMs\` must be a finite number >= 0, got ${cooldownMs}`);
  }

  // Oldest first. `failures` counts the failed ones, so the rate costs O(1) per outcome.
  let outcomes: Outcome[] = [];
  let failures = 0;
  let state: CircuitState = 'closed';
  let openedAt = 0;
  let probing = false;

  const forget = (count: number): void => {
    for (let i = 0; i < count; i++) if (outcomes[i]!.failed) failures -= 1;
    outcomes = outcomes.slice(count);
  };

  /** Drops outcomes that fell out of the count or time window. */
  const prune = (now: number): void => {
    let drop = Math.max(0, outcomes.length - window);
    if (windowMs !== undefined) {
      while (drop < outcomes.length && now - outcomes[drop]!.at >= windowMs) drop += 1;
    }
    if (drop > 0) forget(drop);
  };

  const open = (): void => {
    state = 'open';
    openedAt = scheduler.now();
    probing = false;
    outcomes = [];
    failures = 0;
  };

  const record = (failed: boolean): void => {
    const now = scheduler.now();
    outcomes.push({ at: now, failed });
    if (failed) failures += 1;
    prune(now);
    if (outcomes.length < minRequests) return;
    if (failures / outcomes.length >= failureRate) open();
  };

  const current = (): CircuitState => {
    if (state === 'open' && scheduler.now() - openedAt >= cooldownMs) state = 'half_open';
    return state;
  };

  return {
    tryAcquire() {
      switch (current()) {
        case 'closed':
          return true;
        case 'open':
          return false;
        case 'half_open':
          if (probing) return false;
          probing = true;
          return true;
      }
    },
    success() {
      if (current() === 'half_open') {
        state = 'closed';
        probing = false;
        outcomes = [];
        failures = 0;
        return;
      }
      if (state === 'closed') record(false);
    },
    failure() {
      if (current() === 'half_open') {
        open();
        return;
      }
      if (state === 'closed') record(true);
    },
    release() {
      if (current() === 'half_open') probing = false;
    },
    get state() {
      return current();
    },
    get retryAt() {
      return current() === 'open' ? openedAt + cooldownMs : undefined;
    },
  };
}
