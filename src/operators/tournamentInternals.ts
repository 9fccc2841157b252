/**
 * The judging half of `tournamentReduce`: turning one call of a user's comparator (synchronous,
 * Promise or Observable) into a cancellable Observable of one result, and combining the two orders
 * of a swapped match. Not public.
 */
import { forkJoin, from, map, Observable, type ObservableInput } from 'rxjs';
import type { TieBreak, TournamentOptions } from './tournamentReduce.js';

/** What a comparator may return: >0 `a` wins, <0 `b` wins, 0 a tie; now, later, or as a stream. */
export type CompareResult = number | PromiseLike<number> | Observable<number>;

/** The third argument of a comparator. */
export interface CompareContext {
  /**
   * Aborted when the comparison is no longer wanted (the tournament was torn down). Pass it to
   * `fetch` or an SDK call so that an LLM judge request is cancelled with it.
   */
  readonly signal: AbortSignal;
}

/** A comparator: `compare(a, b, { signal })`. */
export type TournamentCompare<T> = (a: T, b: T, context: CompareContext) => CompareResult;

/**
 * One call of `compare`, as an Observable that emits its (validated) result once and completes.
 * The `AbortController` is only created if the comparator reads `signal`, and is aborted only when
 * the comparison is torn down before it settled.
 */
export function comparison<T>(compare: TournamentCompare<T>, a: T, b: T): Observable<number> {
  return new Observable<number>((subscriber) => {
    let controller: AbortController | undefined;
    let settled = false;
    const context: CompareContext = {
      get signal() {
        controller ??= new AbortController();
        return controller.signal;
      },
    };
    const accept = (value: unknown): void => {
      settled = true;
      if (typeof value !== 'number' || Number.isNaN(value)) {
        subscriber.error(
          new TypeError(`tournamentReduce: \`compare\` must produce a number, got ${String(value)}`),
        );
        return;
      }
      subscriber.next(value);
      subscriber.complete();
    };

    let out: CompareResult;
    try {
      out = compare(a, b, context);
    } catch (error) {
      subscriber.error(error);
      return;
    }
    if (typeof out === 'number') {
      accept(out);
      return;
    }
    const inner = from(out as ObservableInput<number>).subscribe({
      next: (value) => {
        if (!settled) accept(value);
      },
      error: (error: unknown) => {
        settled = true;
        subscriber.error(error);
      },
      complete: () => {
        if (!settled) {
          settled = true;
          subscriber.error(new TypeError('tournamentReduce: `compare` completed without a result'));
        }
      },
    });
    return () => {
      // Also stops an Observable comparator that emitted and kept going (we only want its first).
      inner.unsubscribe();
      if (!settled) controller?.abort();
    };
  });
}

/**
 * A match's result. With `swap`, both orders are judged at once; they must agree on the winner,
 * else it is a tie (0): a comparator that favours a position then cannot decide a match alone.
 * When they agree the result is the mean of `compare(a, b)` and `-compare(b, a)`.
 */
export function judge<T>(compare: TournamentCompare<T>, a: T, b: T, swap: boolean): Observable<number> {
  if (!swap) return comparison(compare, a, b);
  return forkJoin([comparison(compare, a, b), comparison(compare, b, a)]).pipe(
    map(([ab, ba]) => (Math.sign(ab) === -Math.sign(ba) && ab !== 0 ? (ab - ba) / 2 : 0)),
  );
}

/** Who advances from a tie, by the `tieBreak` option; a function answering anything else throws. */
export function breakTie<T>(rule: TieBreak<T>, incumbent: T, challenger: T): 'incumbent' | 'challenger' {
  const side = typeof rule === 'function' ? rule(incumbent, challenger) : rule;
  if (side === 'incumbent' || side === 'challenger') return side;
  throw new TypeError(
    `tournamentReduce: \`tieBreak\` must return 'incumbent' or 'challenger', got ${String(side)}`,
  );
}

/** Throws the `TypeError` that `tournamentReduce` promises for a bad argument, naming it. */
export function validateTournament<T>(compare: TournamentCompare<T>, options: TournamentOptions<T>): void {
  if (typeof compare !== 'function') {
    throw new TypeError('tournamentReduce: `compare` must be a function (a, b, { signal }) => number');
  }
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`tournamentReduce: \`options\` must be an object, got ${String(options)}`);
  }
  const { mode, swap, tieBreak, onCompareError } = options;
  if (mode !== undefined && mode !== 'king-of-the-hill' && mode !== 'bracket') {
    throw new TypeError(
      `tournamentReduce: \`mode\` must be 'king-of-the-hill' or 'bracket', got ${String(mode)}`,
    );
  }
  if (swap !== undefined && typeof swap !== 'boolean') {
    throw new TypeError(`tournamentReduce: \`swap\` must be a boolean, got ${String(swap)}`);
  }
  if (
    tieBreak !== undefined &&
    tieBreak !== 'incumbent' &&
    tieBreak !== 'challenger' &&
    typeof tieBreak !== 'function'
  ) {
    throw new TypeError(
      `tournamentReduce: \`tieBreak\` must be 'incumbent', 'challenger' or a function, got ${String(tieBreak)}`,
    );
  }
  if (onCompareError !== undefined && onCompareError !== 'error' && onCompareError !== 'keep-incumbent') {
    throw new TypeError(
      `tournamentReduce: \`onCompareError\` must be 'error' or 'keep-incumbent', got ${String(onCompareError)}`,
    );
  }
}
