import { mergeMap, NEVER, type Observable, type OperatorFunction, of, Subject } from 'rxjs';
import type { RunHelpers } from 'rxjs/testing';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  type TournamentCompare,
  type TournamentEvent,
  tournamentReduce,
} from '../../src/operators/tournamentReduce.js';
import { testScheduler } from './variantEventKit.js';

type E = TournamentEvent<number>;
const L = (leader: number): E => ({ type: 'leader', leader });
const M = (a: number, b: number, result: number, winner: number): E => ({
  type: 'match',
  a,
  b,
  result,
  winner,
});
const C = (champion: number, matches: number): E => ({ type: 'champion', champion, matches });
const byValue = (a: number, b: number) => a - b;
const N = { a: 1, b: 3, c: 2, d: 4 };

describe('tournamentReduce (king of the hill)', () => {
  it('crowns the best as candidates arrive, announcing each new leader', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('a 9ms b 9ms c 9ms |', N);
      expectObservable(source.pipe(tournamentReduce(byValue))).toBe('L 9ms (mM) 6ms n 9ms (C|)', {
        L: L(1),
        m: M(1, 3, -2, 3),
        M: L(3),
        n: M(3, 2, 1, 3),
        C: C(3, 2),
      });
      expectSubscriptions(source.subscriptions).toBe('^ 29ms !');
    });
  });

  it('serializes asynchronous comparisons: newcomers wait for the champion', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const { compare, logs } = coldJudges(cold, '-----r|');
      const source = cold('abc|', N);
      expectObservable(source.pipe(tournamentReduce(compare))).toBe('L-----(mM)-(nC|)', {
        L: L(1),
        m: M(1, 3, -2, 3),
        M: L(3),
        n: M(3, 2, 1, 3),
        C: C(3, 2),
      });
      expectSubscriptions(source.subscriptions).toBe('^--!');
      // Each judge is unsubscribed as soon as it has answered; the second starts when the first ends.
      expectSubscriptions(logs(0)).toBe('-^----!');
      expectSubscriptions(logs(1)).toBe('------^----!');
    });
  });

  it('completes an empty source without a champion, and crowns a lone candidate without a match', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold<number>('---|').pipe(tournamentReduce(byValue))).toBe('---|');
      expectObservable(cold('-a--|', N).pipe(tournamentReduce(byValue))).toBe('-L--(C|)', {
        L: L(1),
        C: C(1, 0),
      });
    });
  });

  it('handles a synchronous source with a synchronous comparator', () => {
    testScheduler().run(({ expectObservable }) => {
      expectObservable(of(1, 3, 2).pipe(tournamentReduce(byValue))).toBe('(LmMnC|)', {
        L: L(1),
        m: M(1, 3, -2, 3),
        M: L(3),
        n: M(3, 2, 1, 3),
        C: C(3, 2),
      });
    });
  });

  it('passes a source error on and cancels the comparison in flight', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const { compare, logs } = coldJudges(cold, '-----r|');
      const source = cold('ab-#', N, new Error('upstream'));
      expectObservable(source.pipe(tournamentReduce(compare))).toBe(
        'L--#',
        { L: L(1) },
        new Error('upstream'),
      );
      expectSubscriptions(source.subscriptions).toBe('^--!');
      expectSubscriptions(logs(0)).toBe('-^-!');
    });
  });

  it('cancels the source and the comparisons in flight when unsubscribed (unsub marble)', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const { compare, logs } = coldJudges(cold, '-----r|');
      const source = cold('ab-----c|', N);
      expectObservable(source.pipe(tournamentReduce(compare)), '---!').toBe('L', { L: L(1) });
      expectSubscriptions(source.subscriptions).toBe('^--!');
      expectSubscriptions(logs(0)).toBe('-^-!');
    });
  });

  it('does not break unsubscription chains', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-a-b---c-|', N);
      const result = source.pipe(
        mergeMap((x) => of(x)),
        tournamentReduce(byValue),
        mergeMap((x) => of(x)),
      );
      expectObservable(result, '^----!').toBe('-L-(mM)', { L: L(1), m: M(1, 3, -2, 3), M: L(3) });
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('keeps the incumbent on a tie by default; tieBreak can choose the challenger or decide', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const tie = () => 0;
      const source = cold('a-b----|', N);
      expectObservable(source.pipe(tournamentReduce(tie))).toBe('L-m----(C|)', {
        L: L(1),
        m: M(1, 3, 0, 1),
        C: C(1, 1),
      });
      expectObservable(source.pipe(tournamentReduce(tie, { tieBreak: 'challenger' }))).toBe('L-(mM)-(C|)', {
        L: L(1),
        m: M(1, 3, 0, 3),
        M: L(3),
        C: C(3, 1),
      });
      const higher = (i: number, c: number) => (i >= c ? 'incumbent' : 'challenger');
      expectObservable(source.pipe(tournamentReduce(tie, { tieBreak: higher }))).toBe('L-(mM)-(C|)', {
        L: L(1),
        m: M(1, 3, 0, 3),
        M: L(3),
        C: C(3, 1),
      });
    });
  });

  it('fails when a tieBreak function answers neither side', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const confused = () => 'both' as 'incumbent';
      expectObservable(cold('ab|', N).pipe(tournamentReduce(() => 0, { tieBreak: confused }))).toBe(
        'L#',
        { L: L(1) },
        new TypeError("tournamentReduce: `tieBreak` must return 'incumbent' or 'challenger', got both"),
      );
    });
  });

  it('with swap, a comparator that always favours one position cannot decide a match', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const source = cold('a 9ms b 9ms c 9ms |', N);
      const secondWins = () => -1;
      // Without swap the last arrival is crowned by position alone...
      expectObservable(source.pipe(tournamentReduce(secondWins))).toBe('L 9ms (mM) 6ms (nN) 6ms (C|)', {
        L: L(1),
        m: M(1, 3, -1, 3),
        M: L(3),
        n: M(3, 2, -1, 2),
        N: L(2),
        C: C(2, 2),
      });
      // ...with swap every match is a tie and the incumbent stays.
      expectObservable(source.pipe(tournamentReduce(secondWins, { swap: true }))).toBe(
        'L 9ms m 9ms n 9ms (C|)',
        {
          L: L(1),
          m: M(1, 3, 0, 1),
          n: M(1, 2, 0, 1),
          C: C(1, 2),
        },
      );
      // An unbiased judge still decides, with the mean of both orders as the result.
      expectObservable(source.pipe(tournamentReduce(byValue, { swap: true }))).toBe(
        'L 9ms (mM) 6ms n 9ms (C|)',
        {
          L: L(1),
          m: M(1, 3, -2, 3),
          M: L(3),
          n: M(3, 2, 1, 3),
          C: C(3, 2),
        },
      );
    });
  });

  it('with swap judges both orders concurrently and cancels both on teardown', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const { compare, logs } = coldJudges(cold, '----r|');
      const source = cold('ab---|', N);
      expectObservable(source.pipe(tournamentReduce(compare, { swap: true })), '--!').toBe('L', { L: L(1) });
      expectSubscriptions(logs(0)).toBe('-^!');
      expectSubscriptions(logs(1)).toBe('-^!');
    });
  });

  it('fails on a comparator error by default, unsubscribing the source in that frame', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const broken = new Error('judge unavailable');
      const compare = () => cold<number>('--#', {}, broken);
      const source = cold('ab-----c|', N);
      expectObservable(source.pipe(tournamentReduce(compare))).toBe('L--#', { L: L(1) }, broken);
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it("with onCompareError 'keep-incumbent' lets the incumbent advance and reports the error", () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const broken = new Error('judge unavailable');
      const compare: TournamentCompare<number> = (a, b) => {
        if (b === 3) throw broken;
        return a - b;
      };
      const source = cold('a 9ms b 9ms d 9ms |', N);
      expectObservable(source.pipe(tournamentReduce(compare, { onCompareError: 'keep-incumbent' }))).toBe(
        'L 9ms m 9ms (nN) 6ms (C|)',
        { L: L(1), m: { ...M(1, 3, 0, 1), error: broken }, n: M(1, 4, -3, 4), N: L(4), C: C(4, 2) },
      );
    });
  });

  it('rejects a comparator that produces no number', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const source = cold('ab|', N);
      const nan = () => Number.NaN;
      const silent = () => cold<number>('--|');
      expectObservable(source.pipe(tournamentReduce(nan))).toBe(
        'L#',
        { L: L(1) },
        new TypeError('tournamentReduce: `compare` must produce a number, got NaN'),
      );
      expectObservable(source.pipe(tournamentReduce(silent))).toBe(
        'L--#',
        { L: L(1) },
        new TypeError('tournamentReduce: `compare` completed without a result'),
      );
    });
  });

  it('takes the first value of an Observable comparator and unsubscribes it', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const { compare, logs } = coldJudges(cold, '-xyz|', (a, b) => ({ x: a - b, y: b - a, z: 0 }));
      expectObservable(cold('ab|', N).pipe(tournamentReduce(compare))).toBe('L-(mMC|)', {
        L: L(1),
        m: M(1, 3, -2, 3),
        M: L(3),
        C: C(3, 1),
      });
      expectSubscriptions(logs(0)).toBe('-^!');
    });
  });
});

describe('tournamentReduce (bracket)', () => {
  it('pairs candidates as they arrive and lets winners meet winners', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const source = cold('a 9ms b 9ms c 9ms d 9ms |', N);
      expectObservable(source.pipe(tournamentReduce(byValue, { mode: 'bracket' }))).toBe(
        'L 9ms (mM) 16ms (noP) 5ms (C|)',
        {
          L: L(1),
          m: M(1, 3, -2, 3), // round 0: a vs b
          M: L(3),
          n: M(2, 4, -2, 4), // round 0: c vs d
          o: M(3, 4, -1, 4), // round 1: the winners
          P: L(4),
          C: C(4, 3),
        },
      );
    });
  });

  it('runs matches of different pairs concurrently', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const { compare, logs } = coldJudges(cold, '10ms r|');
      const source = cold('ab-----cd|', N);
      expectObservable(source.pipe(tournamentReduce(compare, { mode: 'bracket' }))).toBe(
        'L 10ms (mM) 3ms n 9ms (oPC|)',
        { L: L(1), m: M(1, 3, -2, 3), M: L(3), n: M(2, 4, -2, 4), o: M(3, 4, -1, 4), P: L(4), C: C(4, 3) },
      );
      // The second match starts (frame 8) while the first (frames 1 to 11) is still being judged.
      expectSubscriptions(logs(0)).toBe('-^ 9ms !');
      expectSubscriptions(logs(1)).toBe('8ms ^ 9ms !');
      expectSubscriptions(logs(2)).toBe('18ms ^ 9ms !');
    });
  });

  it('plays leftovers at completion, lowest rounds first, the earlier arrival as incumbent', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      // Three candidates: a and b meet in round 0; c is left over and meets the winner at the end.
      const source = cold('a-b-c-|', { a: 5, b: 3, c: 9 });
      expectObservable(source.pipe(tournamentReduce(byValue, { mode: 'bracket' }))).toBe('L-m---(nNC|)', {
        L: L(5),
        m: M(5, 3, 2, 5),
        n: M(5, 9, -4, 9),
        N: L(9),
        C: C(9, 2),
      });
    });
  });
});

describe('tournamentReduce with Promise comparators', () => {
  it('aborts the signal of comparisons in flight on teardown, and only those', async () => {
    const signals: AbortSignal[] = [];
    const pending = new Subject<void>();
    const compare = (a: number, b: number, { signal }: { signal: AbortSignal }) => {
      signals.push(signal);
      if (signals.length === 1) return Promise.resolve(a - b);
      return new Promise<number>((_, reject) => {
        pending.next();
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    };
    const source = new Subject<number>();
    const seen: E[] = [];
    const errors: unknown[] = [];
    const sub = source.pipe(tournamentReduce(compare)).subscribe({
      next: (e) => seen.push(e),
      error: (e) => errors.push(e),
    });
    source.next(1);
    source.next(3);
    await new Promise((r) => setTimeout(r, 0)); // the first judge answers
    const started = new Promise<void>((resolve) => pending.subscribe(() => resolve()));
    source.next(2);
    await started;
    sub.unsubscribe();
    expect(signals.map((s) => s.aborted)).toEqual([false, true]);
    await new Promise((r) => setTimeout(r, 0));
    // The rejection caused by the abort is silence, not an error.
    expect(errors).toEqual([]);
    expect(seen).toEqual([L(1), M(1, 3, -2, 3), L(3)]);
  });

  it('resolves with Promise results in order', async () => {
    const events = await collect(of(4, 9, 1).pipe(tournamentReduce(async (a, b) => a - b)));
    expect(events.at(-1)).toEqual(C(9, 2));
  });

  it('never completes while a comparison is pending', async () => {
    const events: E[] = [];
    let done = false;
    const sub = of(1, 2)
      .pipe(tournamentReduce(() => NEVER))
      .subscribe({ next: (e) => events.push(e), complete: () => (done = true) });
    await new Promise((r) => setTimeout(r, 5));
    expect(done).toBe(false);
    expect(events).toEqual([L(1)]);
    sub.unsubscribe();
  });
});

describe('tournamentReduce options and types', () => {
  it.each([
    [{ mode: 'swiss' }, '`mode`'],
    [{ swap: 'yes' }, '`swap`'],
    [{ tieBreak: 'random' }, '`tieBreak`'],
    [{ onCompareError: 'ignore' }, '`onCompareError`'],
  ])('rejects %o at creation, naming the option', (options, name) => {
    expect(() => tournamentReduce(byValue, options as never)).toThrow(TypeError);
    expect(() => tournamentReduce(byValue, options as never)).toThrow(name);
  });

  it('rejects a missing comparator', () => {
    expect(() => tournamentReduce(undefined as never)).toThrow(/`compare`/);
  });

  it('has the documented types', () => {
    expectTypeOf(tournamentReduce(byValue)).toEqualTypeOf<
      OperatorFunction<number, TournamentEvent<number>>
    >();
    // T is inferred from the pipe.
    const piped = of('a', 'bb').pipe(tournamentReduce((a, b) => a.length - b.length));
    expectTypeOf(piped).toEqualTypeOf<Observable<TournamentEvent<string>>>();
    expectTypeOf<
      Extract<TournamentEvent<string>, { type: 'champion' }>['champion']
    >().toEqualTypeOf<string>();
    expectTypeOf<TournamentEvent<string>['type']>().toEqualTypeOf<'match' | 'leader' | 'champion'>();
    // A comparator may answer now, later, or as a stream.
    expectTypeOf(tournamentReduce<number>(async () => 1)).toBeFunction();
    expectTypeOf(tournamentReduce<number>(() => of(1))).toBeFunction();
  });
});

type SubscriptionLogs = Parameters<RunHelpers['expectSubscriptions']>[0];

/**
 * A comparator whose every call returns a new cold Observable of `marble` (values from `values`),
 * with `logs(i)` the subscription log of the i-th call. The logs exist before the calls do, so
 * `expectSubscriptions(logs(i))` can be set up before the run flushes.
 */
function coldJudges(
  cold: RunHelpers['cold'],
  marble: string,
  values: (a: number, b: number) => Record<string, number> = (a, b) => ({ r: a - b }),
) {
  const all: SubscriptionLogs[] = [];
  const logs = (i: number): SubscriptionLogs => {
    all[i] ??= [];
    return all[i];
  };
  let calls = 0;
  const compare = (a: number, b: number) => {
    const judge = cold(marble, values(a, b));
    judge.subscriptions = logs(calls++);
    return judge;
  };
  return { compare, logs };
}

function collect<T>(source: Observable<T>): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const out: T[] = [];
    source.subscribe({ next: (x) => out.push(x), error: reject, complete: () => resolve(out) });
  });
}
