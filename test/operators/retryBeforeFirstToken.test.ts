import {
  asyncScheduler,
  defer,
  type MonoTypeOperatorFunction,
  mergeMap,
  NEVER,
  type Observable,
  of,
  throwError,
  VirtualTimeScheduler,
} from 'rxjs';
import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { ProviderError } from '../../src/errors.js';
import type { VariantEvent } from '../../src/events.js';
import { type RetryNotice, retryBeforeFirstToken } from '../../src/operators/retryBeforeFirstToken.js';
import { delta, end, start, testScheduler, V } from './variantEventKit.js';

const rateLimited = (retryAfterMs?: number) =>
  new ProviderError({
    type: 'rate_limited',
    message: 'slow down',
    provider: 'openai',
    variant: 'v1',
    status: 429,
    ...(retryAfterMs !== undefined && { retryAfterMs }),
  });
const serverError = new ProviderError({ type: 'server', message: 'boom', provider: 'openai', status: 500 });
const authError = new ProviderError({ type: 'auth', message: 'bad key', provider: 'openai', status: 401 });

/** A source whose n-th subscription subscribes `attempts[n]`: each attempt is a new request. */
function attemptsOf(attempts: Observable<VariantEvent>[]): Observable<VariantEvent> {
  let n = 0;
  return defer(() => attempts[Math.min(n++, attempts.length - 1)]!);
}

describe('retryBeforeFirstToken', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('re-subscribes after a retryable error before the first token, showing one start', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const first = cold('-s-u-#', V, serverError);
      const second = cold('-s-a-----b-e|', V);
      const result = attemptsOf([first, second]).pipe(retryBeforeFirstToken({ random: () => 0 }));
      // The failed attempt's start and usage are dropped; the second attempt's start is held to its
      // first delta.
      expectObservable(result).toBe('--------(sa)--b-e|', V);
      expectSubscriptions(first.subscriptions).toBe('^----!');
      expectSubscriptions(second.subscriptions).toBe('-----^-----------!');
    });
  });

  it('backs off exponentially with full jitter, capped, for a bounded number of attempts', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<VariantEvent>('#', {}, serverError);
      const notices: RetryNotice[] = [];
      const result = source.pipe(
        retryBeforeFirstToken({
          maxAttempts: 4,
          baseDelayMs: 20,
          maxDelayMs: 50,
          random: () => 0.5,
          onRetry: (n) => notices.push(n),
        }),
      );
      // Waits 0.5 × 20, 0.5 × 40, 0.5 × min(50, 80): 10, 20 and 25 frames.
      expectObservable(result).toBe('55ms #', {}, serverError);
      expectSubscriptions(source.subscriptions).toBe(['(^!)', '10ms (^!)', '30ms (^!)', '55ms (^!)']);
      scheduleCheck(() => {
        expect(notices.map((n) => n.attempt)).toEqual([1, 2, 3]);
        expect(notices.map((n) => n.delayMs)).toEqual([10, 20, 25]);
        expect(notices.every((n) => n.error === serverError)).toBe(true);
      });
    });
  });

  it('honours retryAfterMs in virtual time when it is longer than the backoff', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const first = cold('-s-#', V, rateLimited(40));
      const second = cold('-s-a---|', V);
      const policy = { baseDelayMs: 10, random: () => 0.5 }; // a 5 ms backoff, shorter than 40
      const result = attemptsOf([first, second]).pipe(retryBeforeFirstToken(policy));
      expectObservable(result).toBe('3ms 40ms ---(sa)|', V);
      expectSubscriptions(first.subscriptions).toBe('^--!');
      expectSubscriptions(second.subscriptions).toBe('3ms 40ms ^------!');
    });
  });

  it('gives up at once when retryAfterMs exceeds maxRetryAfterMs', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const tooLong = rateLimited(60_000);
      const source = cold('-s-#', V, tooLong);
      expectObservable(source.pipe(retryBeforeFirstToken({ maxRetryAfterMs: 30_000 }))).toBe(
        '---(s#)',
        V,
        tooLong,
      );
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('lets errors through once a delta has gone downstream', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-s-a----#', V, serverError);
      expectObservable(source.pipe(retryBeforeFirstToken({ random: () => 0 }))).toBe(
        '---(sa)-#',
        V,
        serverError,
      );
      expectSubscriptions(source.subscriptions).toBe('^-------!');
    });
  });

  it('does not retry an error shouldRetry rejects, releasing the held start first', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-s-#', V, authError);
      expectObservable(source.pipe(retryBeforeFirstToken())).toBe('---(s#)', V, authError);
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('passes attempt numbers to a custom shouldRetry and reports the last error', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const plain = new Error('socket hang up');
      const source = cold<VariantEvent>('-#', {}, plain);
      const seen: number[] = [];
      const policy = {
        maxAttempts: 5,
        random: () => 0,
        shouldRetry: (e: unknown, attempt: number) => {
          seen.push(attempt);
          return e === plain && attempt < 3;
        },
      };
      expectObservable(source.pipe(retryBeforeFirstToken(policy))).toBe('---#', {}, plain);
      expectSubscriptions(source.subscriptions).toBe(['^!', '-^!', '--^!']);
      scheduleCheck(() => expect(seen).toEqual([1, 2, 3]));
    });
  });

  it('commits at an `end` before any delta: an empty answer is not retried', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-s-e----#', V, serverError);
      expectObservable(source.pipe(retryBeforeFirstToken({ random: () => 0 }))).toBe(
        '---(se)-#',
        V,
        serverError,
      );
      expectSubscriptions(source.subscriptions).toBe('^-------!');
    });
  });

  it('releases held events when the source completes without a delta', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const source = cold('-s-u-|', V);
      expectObservable(source.pipe(retryBeforeFirstToken())).toBe('-----(su|)', V);
    });
  });

  it('retries a synchronous source that fails synchronously, without recursion', () => {
    testScheduler().run(({ expectObservable }) => {
      const ok = of(start(), delta('Hel'), end());
      const source = attemptsOf([throwError(() => serverError), throwError(() => serverError), ok]);
      expectObservable(source.pipe(retryBeforeFirstToken({ random: () => 0 }))).toBe('(sae|)', {
        s: start(),
        a: delta('Hel'),
        e: end(),
      });
      const failing = defer(() => throwError(() => serverError));
      expectObservable(failing.pipe(retryBeforeFirstToken({ maxAttempts: 50, random: () => 0 }))).toBe(
        '#',
        {},
        serverError,
      );
    });
  });

  it('cancels the running attempt when unsubscribed (unsub marble)', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const first = cold('-s-#', V, serverError);
      const second = cold('-s-a-b-e|', V);
      const result = attemptsOf([first, second]).pipe(retryBeforeFirstToken({ random: () => 0 }));
      expectObservable(result, '--------!').toBe('------(sa)', V);
      expectSubscriptions(first.subscriptions).toBe('^--!');
      expectSubscriptions(second.subscriptions).toBe('---^----!');
    });
  });

  it('cancels the backoff wait when unsubscribed, leaving no scheduled action', () => {
    const scheduler = new VirtualTimeScheduler();
    let subscriptions = 0;
    const source = defer(() => {
      subscriptions += 1;
      return throwError(() => rateLimited(1_000));
    });
    const sub = source.pipe(retryBeforeFirstToken({ scheduler })).subscribe();
    expect(scheduler.actions.length).toBe(1); // the backoff wait
    scheduler.maxFrames = 500;
    scheduler.flush();
    sub.unsubscribe();
    expect(scheduler.actions.length).toBe(0);
    scheduler.maxFrames = Number.POSITIVE_INFINITY;
    scheduler.flush();
    expect(subscriptions).toBe(1);
  });

  it('cancels a real backoff timer at once when unsubscribed', () => {
    vi.useFakeTimers();
    let subscriptions = 0;
    const source = defer(() => {
      subscriptions += 1;
      return throwError(() => rateLimited(5_000));
    });
    const sub = source.pipe(retryBeforeFirstToken({ scheduler: asyncScheduler })).subscribe();
    expect(vi.getTimerCount()).toBe(1);
    sub.unsubscribe();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(10_000);
    expect(subscriptions).toBe(1);
  });

  it('does not break unsubscription chains', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-s-a-b-c-|', V);
      const result = source.pipe(
        mergeMap((e) => of(e)),
        retryBeforeFirstToken(),
        mergeMap((e) => of(e)),
      );
      expectObservable(result, '^----!').toBe('---(sa)', V);
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('delivers an error thrown by shouldRetry or onRetry', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const bug = new Error('bug in policy');
      const source = cold<VariantEvent>('-#', {}, serverError);
      const throwing = () => {
        throw bug;
      };
      expectObservable(source.pipe(retryBeforeFirstToken({ shouldRetry: throwing }))).toBe('-#', {}, bug);
      expectObservable(source.pipe(retryBeforeFirstToken({ onRetry: throwing }))).toBe('-#', {}, bug);
    });
  });

  it('with maxAttempts 1 is transparent', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-s-u-#', V, serverError);
      expectObservable(source.pipe(retryBeforeFirstToken({ maxAttempts: 1 }))).toBe(
        '-----(su#)',
        V,
        serverError,
      );
      expectSubscriptions(source.subscriptions).toBe('^----!');
      const never = NEVER.pipe(retryBeforeFirstToken({ maxAttempts: 1 }));
      expectObservable(never).toBe('');
    });
  });

  it.each([
    [{ maxAttempts: 0 }, '`maxAttempts`'],
    [{ maxAttempts: 2.5 }, '`maxAttempts`'],
    [{ maxAttempts: Number.POSITIVE_INFINITY }, '`maxAttempts`'],
    [{ baseDelayMs: -1 }, '`baseDelayMs`'],
    [{ maxDelayMs: Number.NaN }, '`maxDelayMs`'],
    [{ maxRetryAfterMs: Number.POSITIVE_INFINITY }, '`maxRetryAfterMs`'],
    [{ random: 0.5 }, '`random`'],
    [{ shouldRetry: true }, '`shouldRetry`'],
    [{ onRetry: 'log' }, '`onRetry`'],
    [{ scheduler: {} }, '`scheduler`'],
  ])('rejects %o at creation, naming the option', (policy, name) => {
    expect(() => retryBeforeFirstToken(policy as never)).toThrow(TypeError);
    expect(() => retryBeforeFirstToken(policy as never)).toThrow(name);
  });

  it('has the documented type', () => {
    expectTypeOf(retryBeforeFirstToken()).toEqualTypeOf<MonoTypeOperatorFunction<VariantEvent>>();
    expectTypeOf(retryBeforeFirstToken).parameter(0).exclude<undefined>().toHaveProperty('onRetry');
  });
});

/** Runs assertions on state mutated by callbacks, after the run's flush. */
function scheduleCheck(check: () => void): void {
  // In run mode, the test scheduler flushes when the callback returns; a 0-delay action scheduled
  // far in virtual time runs after everything above has settled.
  asyncScheduler.schedule(check, 1_000_000);
}
