import { VirtualAction, VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../src/pool/rateLimiter.js';

function virtual() {
  return new VirtualTimeScheduler(VirtualAction, Number.POSITIVE_INFINITY);
}

describe('createRateLimiter', () => {
  it('lets a burst of rpm requests through, then spaces the rest at 60000/rpm ms', () => {
    const scheduler = virtual();
    const limiter = createRateLimiter({ rpm: 3, scheduler });
    const granted: number[] = [];
    for (let i = 0; i < 6; i++) limiter.acquire().subscribe(() => granted.push(scheduler.now()));
    scheduler.flush();
    expect(granted).toEqual([0, 0, 0, 20_000, 40_000, 60_000]);
  });

  it('waits for tokens per minute, and debits output tokens recorded later', () => {
    const scheduler = virtual();
    const limiter = createRateLimiter({ tpm: 6000, scheduler }); // 100 tokens per second
    const granted: number[] = [];
    limiter.acquire(5000).subscribe(() => granted.push(scheduler.now()));
    limiter.consume(1000); // the first request's output: the bucket is now empty
    limiter.acquire(500).subscribe(() => granted.push(scheduler.now()));
    scheduler.flush();
    expect(granted).toEqual([0, 5000]);
  });

  it('serves waiters first come, first served, even when a later one is smaller', () => {
    const scheduler = virtual();
    const limiter = createRateLimiter({ tpm: 6000, scheduler });
    const order: string[] = [];
    limiter.acquire(6000).subscribe(() => order.push('a'));
    limiter.acquire(3000).subscribe(() => order.push(`b@${scheduler.now()}`));
    limiter.acquire(10).subscribe(() => order.push(`c@${scheduler.now()}`));
    scheduler.flush();
    expect(order).toEqual(['a', 'b@30000', 'c@30100']);
  });

  it('cancels a wait on unsubscribe and lets the next waiter take its place', () => {
    const scheduler = virtual();
    const limiter = createRateLimiter({ rpm: 1, scheduler });
    const granted: string[] = [];
    limiter.acquire().subscribe(() => granted.push('first'));
    const second = limiter.acquire().subscribe(() => granted.push('second'));
    limiter.acquire().subscribe(() => granted.push(`third@${scheduler.now()}`));
    expect(limiter.waiting).toBe(2);
    second.unsubscribe();
    expect(limiter.waiting).toBe(1);
    scheduler.flush();
    expect(granted).toEqual(['first', 'third@60000']);
    expect(scheduler.actions).toHaveLength(0);
  });

  it('pauses every request for a retry-after, without shortening a longer pause', () => {
    const scheduler = virtual();
    const limiter = createRateLimiter({ scheduler });
    const granted: number[] = [];
    limiter.pause(2000);
    limiter.pause(500);
    expect(limiter.pausedMs).toBe(2000);
    limiter.acquire().subscribe(() => granted.push(scheduler.now()));
    scheduler.flush();
    expect(granted).toEqual([2000]);
    expect(limiter.pausedMs).toBe(0);
  });

  it('is unlimited without limits and rejects bad options naming them', () => {
    const scheduler = virtual();
    const limiter = createRateLimiter({ scheduler });
    let n = 0;
    for (let i = 0; i < 1000; i++) limiter.acquire(1e9).subscribe(() => n++);
    expect(n).toBe(1000);
    expect(() => createRateLimiter({ rpm: -1 })).toThrow(/`rpm`/);
    expect(() => createRateLimiter({ tpm: Number.NaN })).toThrow(/`tpm`/);
    expect(() => limiter.acquire(-5)).toThrow(/`tokens`/);
  });
});
