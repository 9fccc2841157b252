/**
 * A circuit breaker per provider: after too many failures in a row of recent requests it opens and
 * fails requests at once (no request sent, so a dead provider costs nothing and the fallback chain
 * moves on immediately); after a cool-down it lets one probe through (half-open); the probe's
 * success closes it, its failure opens it again.
 */
import { asyncScheduler, type SchedulerLike } from 'rxjs';

export type CircuitState = 'closed' | 'open' | 'half_open';

export interface CircuitBreakerOptions {
  /** Failure rate over the window that opens the circuit, in (0, 1]. @defaultValue 0.5 */
  readonly failureRate?: number;
  /** Fewest outcomes in the window before the rate is trusted. @defaultValue 5 */
  readonly minRequests?: number;
  /** How many recent outcomes the rate is computed over. @defaultValue 20 */
  readonly window?: number;
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

/**
 * Creates a circuit breaker.
 *
 * @example
 * const breaker = createCircuitBreaker({ failureRate: 0.5, minRequests: 5, cooldownMs: 30_000 });
 * if (!breaker.tryAcquire()) throw new ProviderError({ type: 'circuit_open', … });
 */
export function createCircuitBreaker(options: CircuitBreakerOptions = {}): CircuitBreaker {
  const failureRate = options.failureRate ?? 0.5;
  const minRequests = options.minRequests ?? 5;
  const window = options.window ?? 20;
  const cooldownMs = options.cooldownMs ?? 30_000;
  const scheduler = options.scheduler ?? asyncScheduler;
  if (!(failureRate > 0 && failureRate <= 1)) {
    throw new TypeError(`\`failureRate\` must be in (0, 1], got ${failureRate}`);
  }
  if (!Number.isInteger(window) || window < 1)
    throw new TypeError(`\`window\` must be an integer >= 1, got ${window}`);
  if (!Number.isInteger(minRequests) || minRequests < 1 || minRequests > window) {
    throw new TypeError(`\`minRequests\` must be an integer in [1, window], got ${minRequests}`);
  }
  if (!Number.isFinite(cooldownMs) || cooldownMs < 0) {
    throw new TypeError(`\`cooldownMs\` must be a finite number >= 0, got ${cooldownMs}`);
  }

  const outcomes: boolean[] = []; // true = failure, most recent last
  let state: CircuitState = 'closed';
  let openedAt = 0;
  let probing = false;

  const open = (): void => {
    state = 'open';
    openedAt = scheduler.now();
    probing = false;
    outcomes.length = 0;
  };

  const record = (failed: boolean): void => {
    outcomes.push(failed);
    if (outcomes.length > window) outcomes.shift();
    if (outcomes.length < minRequests) return;
    const failures = outcomes.reduce((n, f) => n + (f ? 1 : 0), 0);
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
        outcomes.length = 0;
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
