import fc from 'fast-check';
import { defer, NEVER, type Observable, switchMap, tap, timer } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { VariantEvent } from '../../src/events.js';
import { type HedgeBudget, hedge } from '../../src/pool/hedge.js';
import { testScheduler, V } from './eventKit.js';

const boom = new Error('boom');

function countingBudget(max: number): HedgeBudget & { inUse: number; granted: number } {
  const budget = {
    inUse: 0,
    granted: 0,
    tryAcquire() {
      if (budget.inUse >= max) return false;
      budget.inUse += 1;
      budget.granted += 1;
      return true;
    },
    release() {
      budget.inUse -= 1;
    },
  };
  return budget;
}

/** A primary that says it was sent when subscribed. */
const sentAtOnce =
  (source: Observable<VariantEvent>) =>
  (sent: () => void): Observable<VariantEvent> =>
    defer(() => {
      sent();
      return source;
    });

describe('hedge', () => {
  it('launches the backup after afterMs without a first token; the first token wins, the loser is unsubscribed', () => {
    const budget = countingBudget(1);
    const hedges: number[] = [];
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const primary = cold('-s 20ms a-e|', V);
      const backup = cold('-S-A 5ms E|', V);
      const result = hedge({
        primary: sentAtOnce(primary),
        backup: () => backup,
        afterMs: () => 5,
        budget,
        onHedge: (ms) => hedges.push(ms),
      });
      expectObservable(result).toBe('8ms (SA) 2ms E|', V);
      expectSubscriptions(primary.subscriptions).toBe('^ 7ms !');
      expectSubscriptions(backup.subscriptions).toBe('5ms ^ 9ms !');
    });
    expect(hedges).toEqual([5]);
    expect(budget.inUse).toBe(0);
  });

  it('does not hedge a primary whose first token comes in time', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const primary = cold('-s-a 5ms e|', V);
      const backup = cold('-S-A-E|', V);
      const result = hedge({ primary: sentAtOnce(primary), backup: () => backup, afterMs: () => 5 });
      expectObservable(result).toBe('3ms (sa) 2ms e|', V);
      expectSubscriptions(backup.subscriptions).toBe([]);
    });
  });

  it('does not hedge when afterMs is undefined (too few samples) or the budget is spent', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const primary = cold('-s 20ms a 3ms |', V);
      const backup = cold('-S-A-E|', V);
      const spent = countingBudget(0);
      expectObservable(
        hedge({ primary: sentAtOnce(primary), backup: () => backup, afterMs: () => 5, budget: spent }),
      ).toBe('22ms (sa) |', V);
      expectObservable(
        hedge({ primary: sentAtOnce(primary), backup: () => backup, afterMs: () => undefined }),
      ).toBe('22ms (sa) |', V);
      expectSubscriptions(backup.subscriptions).toBe([]);
    });
  });

  it('starts the clock when the request is sent, not at subscription (a rate-limit wait does not count)', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const primary = cold('-s 20ms a 3ms |', V);
      const backup = cold('-S-A 5ms E|', V);
      const result = hedge({
        // Sent after a 10 ms wait, as behind a rate limiter.
        primary: (sent) =>
          timer(10).pipe(
            tap(sent),
            switchMap(() => primary),
          ),
        backup: () => backup,
        afterMs: () => 5,
      });
      expectObservable(result).toBe('18ms (SA) 2ms E|', V);
      expectSubscriptions(backup.subscriptions).toBe('15ms ^ 9ms !');
    });
  });

  it('passes the primary error when it fails before the hedge fires, and never launches the backup', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const primary = cold('-s--#', V, boom);
      const backup = cold('-S-A-E|', V);
      const result = hedge({ primary: sentAtOnce(primary), backup: () => backup, afterMs: () => 5 });
      expectObservable(result).toBe('----#', V, boom);
      expectSubscriptions(backup.subscriptions).toBe([]);
    });
  });

  it('carries on with the primary when the backup fails, releasing the budget', () => {
    const budget = countingBudget(1);
    testScheduler().run(({ cold, expectObservable }) => {
      const primary = cold('-s 10ms a 3ms |', V);
      const backup = cold('-#', V, boom);
      const result = hedge({ primary: sentAtOnce(primary), backup: () => backup, afterMs: () => 5, budget });
      expectObservable(result).toBe('12ms (sa) |', V);
    });
    expect(budget.granted).toBe(1);
    expect(budget.inUse).toBe(0);
  });

  it('carries on with the backup when the primary fails after the hedge fired', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const primary = cold('-s 6ms #', V, boom);
      const backup = cold('-S 5ms A 3ms |', V);
      const result = hedge({ primary: sentAtOnce(primary), backup: () => backup, afterMs: () => 5 });
      expectObservable(result).toBe('12ms (SA) |', V);
      expectSubscriptions(primary.subscriptions).toBe('^ 7ms !');
    });
  });

  it('fails with the last error when both fail before a token', () => {
    const late = new Error('late');
    testScheduler().run(({ cold, expectObservable }) => {
      const primary = cold('-s 6ms #', V, boom);
      const backup = cold('-S 5ms #', V, late);
      const result = hedge({ primary: sentAtOnce(primary), backup: () => backup, afterMs: () => 5 });
      expectObservable(result).toBe('12ms #', V, late);
    });
  });

  it('passes an error of the winner after its first token', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const primary = cold('-s-a 3ms #', V, boom);
      const result = hedge({ primary: sentAtOnce(primary), backup: () => NEVER, afterMs: () => 50 });
      expectObservable(result).toBe('---(sa)#', V, boom);
    });
  });

  it('unsubscribes both racers and the timer at once, and gives the budget place back', () => {
    const budget = countingBudget(1);
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const primary = cold('-s 30ms a|', V);
      const backup = cold('-S 30ms A|', V);
      const result = hedge({ primary: sentAtOnce(primary), backup: () => backup, afterMs: () => 5, budget });
      expectObservable(result, '^ 9ms !').toBe('', V);
      expectSubscriptions(primary.subscriptions).toBe('^ 9ms !');
      expectSubscriptions(backup.subscriptions).toBe('5ms ^ 4ms !');
    });
    expect(budget.granted).toBe(1);
    expect(budget.inUse).toBe(0);
  });

  it('lets one budget place serve one hedge at a time across many hedged requests', () => {
    const budget = countingBudget(1);
    testScheduler().run(({ cold, expectObservable }) => {
      const slow = () => cold('-s 20ms a 3ms |', V);
      const backups: Observable<VariantEvent>[] = [];
      const make = () =>
        hedge({
          primary: sentAtOnce(slow()),
          backup: () => {
            const b = cold('-S-A 5ms E|', V);
            backups.push(b);
            return b;
          },
          afterMs: () => 5,
          budget,
        });
      expectObservable(make()).toBe('8ms (SA) 2ms E|', V);
      // The second is hedged too late for a place (the first backup holds it until frame 8): no hedge.
      expectObservable(make()).toBe('22ms (sa) |', V);
    });
    expect(budget.granted).toBe(1);
  });

  it('never duplicates: the output is exactly one racer’s events, with one start (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 0, max: 8 }),
        (primaryTtft, backupTtft, afterMs, tail) => {
          testScheduler().run(({ cold, flush }) => {
            const primary = cold(`-s ${primaryTtft}ms a-a ${tail}ms e|`, V);
            const backup = cold(`-S ${backupTtft}ms A-A ${tail}ms E|`, V);
            const out: VariantEvent[] = [];
            let completed = false;
            hedge({ primary: sentAtOnce(primary), backup: () => backup, afterMs: () => afterMs }).subscribe({
              next: (e) => out.push(e),
              complete: () => {
                completed = true;
              },
            });
            flush();
            expect(completed).toBe(true);
            const sequences = [
              [V.s, V.a, V.a, V.e],
              [V.S, V.A, V.A, V.E],
            ];
            expect(sequences).toContainEqual(out);
            // The primary wins whenever its first token is not later than the backup's.
            const primaryFirst = primaryTtft + 2;
            const backupFirst = afterMs + backupTtft + 2;
            if (primaryFirst <= backupFirst) expect(out[0]).toBe(V.s);
            else expect(out[0]).toBe(V.S);
          });
        },
      ),
      { numRuns: 150 },
    );
  });
});
