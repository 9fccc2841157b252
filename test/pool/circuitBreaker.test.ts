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

  it('rejects bad options naming them', () => {
    expect(() => createCircuitBreaker({ failureRate: 0 })).toThrow(/`failureRate`/);
    expect(() => createCircuitBreaker({ minRequests: 30, window: 20 })).toThrow(/`minRequests`/);
    expect(() => createCircuitBreaker({ cooldownMs: -1 })).toThrow(/`cooldownMs`/);
  });
});
