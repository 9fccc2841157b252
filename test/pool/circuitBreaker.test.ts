import fc from 'fast-check';
import { VirtualAction, VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { createCircuitBreaker } from '../../src/pool/circuitBreaker.js';

function clock() {
  const scheduler = new VirtualTimeScheduler(VirtualAction, Number.POSITIVE_INFINITY);
  const advance = (ms: number) => {
    scheduler.schedule(() => {}, ms);
    scheduler.flush();
  };
  return { scheduler, advance };
}

describe('createCircuitBreaker', () => {
  it('stays closed until the failure rate over enough requests reaches the threshold', () => {
    const { scheduler } = clock();
    const b = createCircuitBreaker({ failureRate: 0.5, minRequests: 4, window: 10, scheduler });
    for (const failed of [true, true, false]) {
      expect(b.tryAcquire()).toBe(true);
      failed ? b.failure() : b.success();
    }
    expect(b.state).toBe('closed'); // 2 of 3, but fewer than minRequests
    b.tryAcquire();
    b.failure(); // 3 of 4
    expect(b.state).toBe('open');
    expect(b.tryAcquire()).toBe(false);
  });

  it('lets exactly one probe through after the cool-down; success closes it', () => {
    const { scheduler, advance } = clock();
    const b = createCircuitBreaker({ minRequests: 1, cooldownMs: 1000, scheduler });
    b.tryAcquire();
    b.failure();
    expect(b.state).toBe('open');
    expect(b.retryAt).toBe(1000);
    advance(999);
    expect(b.tryAcquire()).toBe(false);
    advance(1);
    expect(b.state).toBe('half_open');
    expect(b.tryAcquire()).toBe(true);
    expect(b.tryAcquire()).toBe(false); // one probe at a time
    b.success();
    expect(b.state).toBe('closed');
    expect(b.tryAcquire()).toBe(true);
  });

  it('re-opens when the probe fails, and frees the probe slot when it is cancelled', () => {
    const { scheduler, advance } = clock();
    const b = createCircuitBreaker({ minRequests: 1, cooldownMs: 100, scheduler });
    b.tryAcquire();
    b.failure();
    advance(100);
    expect(b.tryAcquire()).toBe(true);
    b.release();
    expect(b.tryAcquire()).toBe(true);
    b.failure();
    expect(b.state).toBe('open');
    expect(b.retryAt).toBe(200);
  });

  it('never opens while every request succeeds, and always opens when every request fails', () => {
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 10 }),
        (fails, min) => {
          const { scheduler } = clock();
          const b = createCircuitBreaker({ minRequests: min, window: 10, failureRate: 0.5, scheduler });
          let opened = false;
          for (const f of fails) {
            if (!b.tryAcquire()) break;
            f ? b.failure() : b.success();
            if (b.state === 'open') opened = true;
          }
          if (fails.every((f) => !f)) expect(opened).toBe(false);
          if (fails.length >= min && fails.every((f) => f)) expect(opened).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('with `windowMs`, forgets outcomes older than the time window', () => {
    const { scheduler, advance } = clock();
    const b = createCircuitBreaker({ failureRate: 0.5, minRequests: 3, windowMs: 1000, scheduler });
    b.tryAcquire();
    b.failure();
    b.tryAcquire();
    b.failure();
    advance(1000); // both failures leave the window
    b.tryAcquire();
    b.failure();
    b.tryAcquire();
    b.success();
    expect(b.state).toBe('closed'); // only 2 outcomes in the window: fewer than minRequests
    advance(500);
    b.tryAcquire();
    b.failure(); // 2 failures of 3 within 1000 ms
    expect(b.state).toBe('open');
  });

  it('with `windowMs`, counts every outcome of the window (no count cap by default)', () => {
    const { scheduler, advance } = clock();
    const b = createCircuitBreaker({ failureRate: 0.5, minRequests: 5, windowMs: 10_000, scheduler });
    for (let i = 0; i < 30; i++) {
      b.tryAcquire();
      b.success();
      advance(10);
    }
    // 30 successes in the window: 30 failures are needed to reach 50 % (a 20-outcome window would open at 10).
    for (let i = 0; i < 30; i++) {
      b.tryAcquire();
      b.failure();
      if (i < 29) expect(b.state).toBe('closed');
    }
    expect(b.state).toBe('open');
  });

  it('applies both a count and a time window when both are given', () => {
    const { scheduler } = clock();
    const b = createCircuitBreaker({
      failureRate: 0.5,
      minRequests: 2,
      window: 2,
      windowMs: 60_000,
      scheduler,
    });
    for (const failed of [false, false, false, true]) {
      b.tryAcquire();
      failed ? b.failure() : b.success();
    }
    expect(b.state).toBe('open'); // the last 2 outcomes: 1 of 2 failed
  });

  it('rejects bad options naming them', () => {
    expect(() => createCircuitBreaker({ failureRate: 0 })).toThrow(/`failureRate`/);
    expect(() => createCircuitBreaker({ minRequests: 30, window: 20 })).toThrow(/`minRequests`/);
    expect(() => createCircuitBreaker({ cooldownMs: -1 })).toThrow(/`cooldownMs`/);
    expect(() => createCircuitBreaker({ windowMs: 0 })).toThrow(/`windowMs`/);
    expect(() => createCircuitBreaker({ windowMs: Number.NaN })).toThrow(/`windowMs`/);
  });
});
