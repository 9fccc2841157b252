/**
 * Tournament selection over a finished set of candidates: pairwise matches decided by a
 * comparator (scores, or an LLM judge), run through `tournamentReduce`.
 */
import { from, type Subscription } from 'rxjs';
import {
  type TournamentCompare,
  type TournamentEvent,
  tournamentReduce,
} from '../operators/tournamentReduce.js';
import type { Candidate } from './candidate.js';
import type { CandidateVerdict, Selection } from './selection.js';
import { emptySelection, sortCandidates } from './voteInternals.js';

/** Options of {@link tournament}. */
export interface TournamentSelectOptions {
  /**
   * Judge every match in both orders and count a disagreement as a tie (see `tournamentReduce`).
   * Leave it off when the comparator already swaps (`llmJudgeComparator` does by default).
   * @defaultValue false
   */
  readonly swap?: boolean;
  /** `'king-of-the-hill'` (n − 1 sequential matches) or `'bracket'` (concurrent rounds). @defaultValue 'king-of-the-hill' */
  readonly mode?: 'king-of-the-hill' | 'bracket';
  /** Aborts the tournament (and, through the comparator's `signal`, its judge calls). */
  readonly signal?: AbortSignal;
}

/**
 * Runs a tournament over the candidates and returns the champion as a selection. Candidates
 * enter in a fixed order, best `score` first then by id, so the input order never matters; a tie
 * keeps the better-scored (then smaller-id) side. With king-of-the-hill, the best-scored
 * candidate starts as champion and each match is one comparator call (two with `swap`).
 *
 * `confidence` is the champion's share of the matches it played that it won outright (ties count
 * half); `candidates[i].votes` is how many matches each won.
 *
 * @example
 * await tournament(candidates, scoreComparator());
 * await tournament(candidates, llmJudgeComparator({ question, judge }));
 */
export async function tournament(
  candidates: readonly Candidate[],
  compare: TournamentCompare<Candidate>,
  options: TournamentSelectOptions = {},
): Promise<Selection> {
  if (typeof compare !== 'function') {
    throw new TypeError('tournament: `compare` must be a function (a, b, { signal }) => number');
  }
  const sorted = sortCandidates(candidates, 'tournament');
  if (sorted.length === 0) return emptySelection('tournament', 'no candidates');
  const order = [...sorted].sort((a, b) => (b.score ?? -1) - (a.score ?? -1) || (a.id < b.id ? -1 : 1));
  const rank = new Map(order.map((c, i) => [c.id, i]));
  options.signal?.throwIfAborted();

  const { signal } = options;
  const events = await new Promise<TournamentEvent<Candidate>[]>((resolve, reject) => {
    const out: TournamentEvent<Candidate>[] = [];
    let subscription: Subscription | undefined;
    let done = false;
    const onAbort = (): void => {
      done = true;
      subscription?.unsubscribe(); // aborts judge calls in flight through their `signal`
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const finish = (): void => {
      done = true;
      signal?.removeEventListener('abort', onAbort);
    };
    subscription = from(order)
      .pipe(
        tournamentReduce(compare, {
          swap: options.swap ?? false,
          mode: options.mode ?? 'king-of-the-hill',
          tieBreak: (incumbent, challenger) =>
            rank.get(incumbent.id)! <= rank.get(challenger.id)! ? 'incumbent' : 'challenger',
        }),
      )
      .subscribe({
        next: (e) => out.push(e),
        error: (error: unknown) => {
          finish();
          reject(error);
        },
        complete: () => {
          finish();
          resolve(out);
        },
      });
    if (done) subscription.unsubscribe();
  });
  options.signal?.throwIfAborted();
  const last = events[events.length - 1];
  if (last?.type !== 'champion') throw new Error('tournament: the tournament ended without a champion');
  const champion = last.champion;

  const wins = new Map<string, number>();
  let played = 0;
  let won = 0;
  for (const e of events) {
    if (e.type !== 'match') continue;
    if (e.result !== 0) wins.set(e.winner.id, (wins.get(e.winner.id) ?? 0) + 1);
    if (e.a.id === champion.id || e.b.id === champion.id) {
      played++;
      won += e.result === 0 ? 0.5 : e.winner.id === champion.id ? 1 : 0;
    }
  }
  const verdicts = sorted.map(
    (c): CandidateVerdict => ({
      id: c.id,
      key: undefined,
      group: -1,
      votes: wins.get(c.id) ?? 0,
      weight: wins.get(c.id) ?? 0,
      score: c.score,
    }),
  );
  return {
    text: champion.text,
    winner: champion.id,
    method: 'tournament',
    confidence: played === 0 ? 1 : won / played,
    reason:
      played === 0
        ? 'only one candidate'
        : `won ${formatCount(won)} of ${played} matches (${options.mode ?? 'king-of-the-hill'}, ${last.matches} matches in all)`,
    candidates: verdicts,
    groups: [],
  };
}

function formatCount(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}
