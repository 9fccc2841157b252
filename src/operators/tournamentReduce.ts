import { Observable, type OperatorFunction, Subscription } from 'rxjs';
import { breakTie, judge, type TournamentCompare, validateTournament } from './tournamentInternals.js';

export type { CompareContext, CompareResult, TournamentCompare } from './tournamentInternals.js';

/** What `tournamentReduce` emits. */
export type TournamentEvent<T> =
  /**
   * A match was decided. `a` is the incumbent (the champion in king-of-the-hill, the earlier
   * arrival in a bracket), `b` the challenger; `result` > 0 means `a` won, < 0 `b`, 0 a tie (or,
   * with `onCompareError: 'keep-incumbent'`, a failed comparison: then `error` is set). With
   * `swap`, `result` is the mean of `compare(a, b)` and `-compare(b, a)`, or 0 if they disagree.
   * `winner` is who advanced (after the tie-break).
   */
  | {
      readonly type: 'match';
      readonly a: T;
      readonly b: T;
      readonly result: number;
      readonly winner: T;
      readonly error?: unknown;
    }
  /** The candidate currently ahead changed (the first candidate is announced as soon as it arrives). */
  | { readonly type: 'leader'; readonly leader: T }
  /** The source completed and every match settled; always the last event. */
  | { readonly type: 'champion'; readonly champion: T; readonly matches: number };

/** Who advances from a tie: a fixed side, or a function of the two. */
export type TieBreak<T> =
  | 'incumbent'
  | 'challenger'
  | ((incumbent: T, challenger: T) => 'incumbent' | 'challenger');

/** Options of `tournamentReduce`. */
export interface TournamentOptions<T> {
  /**
   * `'king-of-the-hill'`: the champion meets each newcomer in turn, one match at a time (n − 1
   * matches, the champion always well defined). `'bracket'`: candidates are paired as they arrive
   * and winners meet winners of the same round, so matches run concurrently; leftovers at
   * completion meet lowest rounds first. The leader in a bracket is the first to reach the highest
   * round so far.
   * @defaultValue 'king-of-the-hill'
   */
  readonly mode?: 'king-of-the-hill' | 'bracket';
  /**
   * Judge both `compare(a, b)` and `compare(b, a)` (concurrently) and count a disagreement as a
   * tie, so a judge's preference for a position cannot decide a match. Doubles the comparisons.
   * @defaultValue false
   */
  readonly swap?: boolean;
  /**
   * Who advances from a tie.
   * @defaultValue 'incumbent' (the reigning champion; in a bracket, the earlier arrival)
   */
  readonly tieBreak?: TieBreak<T>;
  /**
   * A comparator that throws, rejects, errors or produces no number: `'error'` fails the
   * tournament with that error; `'keep-incumbent'` lets the incumbent advance (the match event
   * carries the `error`).
   * @defaultValue 'error'
   */
  readonly onCompareError?: 'error' | 'keep-incumbent';
}

interface Entry<T> {
  readonly value: T;
  /** Arrival index: the incumbent of a bracket match is the earlier arrival. */
  readonly order: number;
}

/**
 * Picks the best of candidates that arrive over time (typically finished variants) by pairwise
 * comparison as they arrive, without waiting for all of them.
 *
 * ```
 * source:   -a----b-----c---|
 * tournamentReduce(judge)                (each judge call takes 2 frames; b beats a and c)
 * result:   -L------X-----m-(C|)
 *
 *   L = leader a; X = match a–b, then leader b; m = match b–c; C = champion b after 2 matches
 * ```
 *
 * `compare(a, b, { signal })` returns > 0 if `a` is better, < 0 if `b` is, 0 for a tie, as a number,
 * a Promise (e.g. an LLM judge call: pass `signal` on) or an Observable (its first value counts).
 * With a deterministic total order the champion is the maximum, whatever the arrival order.
 *
 * Ends: after the source completes and every match settles, it emits `champion` and completes. An
 * empty source completes without any event. A source error is passed on.
 *
 * Cancellation: unsubscribing (or an error) unsubscribes the source and every comparison in
 * flight: Observable comparators are unsubscribed and Promise comparators see `signal` aborted.
 *
 * @example
 * ```ts
 * finished$.pipe(tournamentReduce((a, b, { signal }) => llmJudge(a.text, b.text, { signal }), { swap: true }));
 * ```
 */
export function tournamentReduce<T>(
  compare: TournamentCompare<T>,
  options: TournamentOptions<T> = {},
): OperatorFunction<T, TournamentEvent<T>> {
  validateTournament(compare, options);
  const {
    mode = 'king-of-the-hill',
    swap = false,
    tieBreak = 'incumbent',
    onCompareError = 'error',
  } = options;

  return (source) =>
    new Observable<TournamentEvent<T>>((subscriber) => {
      const live = new Set<Subscription>();
      let arrivals = 0;
      let matches = 0;
      let sourceDone = false;
      let leader: Entry<T> | undefined;

      const announce = (entry: Entry<T>): void => {
        if (leader === entry) return;
        leader = entry;
        subscriber.next({ type: 'leader', leader: entry.value });
      };

      /** Runs one match; `advance` gets the winner, synchronously if the comparator is. */
      const play = (a: Entry<T>, b: Entry<T>, advance: (winner: Entry<T>) => void): void => {
        if (subscriber.closed) return;
        const match = new Subscription();
        live.add(match);
        const decide = (result: number, error?: unknown): void => {
          live.delete(match);
          let winner: Entry<T>;
          try {
            winner =
              result > 0 ? a : result < 0 ? b : breakTie(tieBreak, a.value, b.value) === 'incumbent' ? a : b;
          } catch (thrown) {
            subscriber.error(thrown);
            return;
          }
          matches += 1;
          const event = { type: 'match', a: a.value, b: b.value, result, winner: winner.value } as const;
          subscriber.next(error === undefined ? event : { ...event, error });
          advance(winner);
        };
        match.add(
          judge(compare, a.value, b.value, swap).subscribe({
            next: (result) => decide(result),
            error: (error: unknown) => {
              if (onCompareError === 'error') subscriber.error(error);
              else decide(0, error ?? new Error('compare failed'));
            },
          }),
        );
      };

      // King of the hill: one match at a time, so the champion is always well defined.
      let king: Entry<T> | undefined;
      let kingBusy = false;
      const queue: Entry<T>[] = [];
      // Bracket: idle winners by round; matches run concurrently.
      const rounds = new Map<number, Entry<T>>();
      let bracketBusy = 0;
      let topRound = -1;

      const place = (entry: Entry<T>, round: number): void => {
        if (round > topRound) {
          topRound = round;
          announce(entry);
        }
        const waiting = rounds.get(round);
        if (waiting === undefined) {
          rounds.set(round, entry);
          return;
        }
        rounds.delete(round);
        bracketBusy += 1;
        play(waiting, entry, (winner) => {
          bracketBusy -= 1;
          place(winner, round + 1);
          pump();
        });
      };

      let pumping = false;
      /** Starts what can start and finishes when all is settled; re-entrant calls fold into one. */
      const pump = (): void => {
        if (pumping) return;
        pumping = true;
        if (mode === 'king-of-the-hill') {
          while (!kingBusy && king !== undefined && queue.length > 0 && !subscriber.closed) {
            kingBusy = true;
            play(king, queue.shift()!, (winner) => {
              kingBusy = false;
              king = winner;
              announce(winner);
              pump();
            });
          }
        } else {
          while (sourceDone && rounds.size >= 2 && !subscriber.closed) {
            // Lowest rounds first: the candidates that have played least meet first.
            const [r1, r2] = [...rounds.keys()].sort((x, y) => x - y);
            const a = rounds.get(r1!)!;
            const b = rounds.get(r2!)!;
            rounds.delete(r1!);
            rounds.delete(r2!);
            const [first, second] = a.order < b.order ? [a, b] : [b, a];
            bracketBusy += 1;
            play(first, second, (winner) => {
              bracketBusy -= 1;
              place(winner, r2! + 1);
              pump();
            });
          }
        }
        pumping = false;
        finishIfSettled();
      };

      const finishIfSettled = (): void => {
        if (!sourceDone || subscriber.closed) return;
        let champion: Entry<T> | undefined;
        if (mode === 'king-of-the-hill') {
          if (kingBusy || queue.length > 0) return;
          champion = king;
        } else {
          if (bracketBusy > 0 || rounds.size > 1) return;
          champion = rounds.values().next().value;
        }
        if (champion !== undefined) {
          announce(champion);
          subscriber.next({ type: 'champion', champion: champion.value, matches });
        }
        subscriber.complete();
      };

      const upstream = source.subscribe({
        next: (value) => {
          if (subscriber.closed) return;
          const entry: Entry<T> = { value, order: arrivals++ };
          if (mode === 'bracket') place(entry, 0);
          else if (king === undefined) {
            king = entry;
            announce(entry);
          } else queue.push(entry);
          pump();
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          sourceDone = true;
          pump();
        },
      });
      return () => {
        upstream.unsubscribe();
        for (const match of live) match.unsubscribe();
        live.clear();
      };
    });
}
