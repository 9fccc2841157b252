/**
 * Properties of tournamentReduce: with a deterministic total order the champion is the maximum
 * whatever the arrival order and whatever order asynchronous judges answer in (fc.scheduler());
 * with swap, a position-biased judge never decides a match by position; teardown cancels all.
 */
import fc from 'fast-check';
import { Observable, of, Subject, type Subscription } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import {
  type TournamentEvent,
  type TournamentOptions,
  tournamentReduce,
} from '../../src/operators/tournamentReduce.js';

type E = TournamentEvent<number>;
const modeArb = fc.constantFrom<TournamentOptions<number>['mode']>('king-of-the-hill', 'bracket');
const candidatesArb = fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 1, maxLength: 12 });

/** Subscribes and records; the record fills in as the events come (synchronously or not). */
function record(events$: Observable<E>) {
  const r = { events: [] as E[], completions: 0, afterEnd: 0 };
  events$.subscribe({
    next: (e) => {
      if (r.completions > 0) r.afterEnd += 1;
      r.events.push(e);
    },
    error: (e: unknown) => {
      throw e;
    },
    complete: () => {
      r.completions += 1;
    },
  });
  return r;
}

/** Checks the shape every finished tournament has, and returns its champion event. */
function checkFinished(events: E[], candidates: number[]) {
  const champions = events.filter((e) => e.type === 'champion');
  expect(champions).toHaveLength(1);
  expect(events.at(-1)).toBe(champions[0]);
  const champion = champions[0] as Extract<E, { type: 'champion' }>;
  // An elimination tournament: every candidate but one loses exactly one match.
  expect(champion.matches).toBe(candidates.length - 1);
  expect(events.filter((e) => e.type === 'match')).toHaveLength(candidates.length - 1);
  // The last leader announced is the champion.
  const leaders = events.filter((e) => e.type === 'leader');
  expect((leaders.at(-1) as Extract<E, { type: 'leader' }>).leader).toBe(champion.champion);
  return champion;
}

describe('tournamentReduce (properties)', () => {
  it('crowns the maximum of a total order whatever the arrival order and timing', () => {
    fc.assert(
      fc.property(
        candidatesArb,
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 12, maxLength: 12 }),
        fc.integer({ min: 0, max: 4 }),
        modeArb,
        fc.boolean(),
        (candidates, gaps, judgeDelay, mode, swap) => {
          const scheduler = new TestScheduler(() => {});
          let at = 0;
          const source = new Observable<number>((subscriber) => {
            const actions = candidates.map((c, i) => {
              at += gaps[i]!;
              return scheduler.schedule(() => subscriber.next(c), at);
            });
            actions.push(scheduler.schedule(() => subscriber.complete(), at));
            return () => {
              for (const a of actions) a.unsubscribe();
            };
          });
          // Judges that answer after a delay on virtual time, so matches overlap arrivals.
          const compare = (a: number, b: number) =>
            new Observable<number>((s) => {
              const action = scheduler.schedule(() => {
                s.next(a - b);
                s.complete();
              }, judgeDelay);
              return () => action.unsubscribe();
            });
          const result = record(source.pipe(tournamentReduce(compare, { mode, swap })));
          scheduler.flush();
          expect(result.completions).toBe(1);
          expect(result.afterEnd).toBe(0);
          expect(checkFinished(result.events, candidates).champion).toBe(Math.max(...candidates));
          expect(scheduler.actions).toHaveLength(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('crowns the maximum when asynchronous judges and arrivals resolve in any order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        candidatesArb,
        modeArb,
        fc.boolean(),
        async (s, candidates, mode, swap) => {
          const source = new Subject<number>();
          const compare = (a: number, b: number) => s.schedule(Promise.resolve(a - b), `${a} vs ${b}`);
          const events: E[] = [];
          let completions = 0;
          let afterEnd = 0;
          source.pipe(tournamentReduce(compare, { mode, swap })).subscribe({
            next: (e) => {
              if (completions > 0) afterEnd += 1;
              events.push(e);
            },
            error: (e: unknown) => {
              throw e;
            },
            complete: () => {
              completions += 1;
            },
          });
          const arrivals = candidates.map((c) =>
            s.schedule(Promise.resolve(c), `arrive ${c}`).then((v) => source.next(v)),
          );
          void Promise.all(arrivals).then(() => source.complete());
          await settle(s);
          expect(completions).toBe(1);
          expect(afterEnd).toBe(0);
          expect(checkFinished(events, candidates).champion).toBe(Math.max(...candidates));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('with swap, a position-biased judge decides a match only when both orders agree on merit', () => {
    fc.assert(
      fc.property(
        candidatesArb,
        fc.integer({ min: 1, max: 30 }),
        fc.boolean(),
        modeArb,
        (candidates, bias, favoursFirst, mode) => {
          // The judge adds `bias` in favour of one position to the true difference.
          const compare = (a: number, b: number) => a - b + (favoursFirst ? bias : -bias);
          const { events } = record(of(...candidates).pipe(tournamentReduce(compare, { mode, swap: true })));
          const champion = checkFinished(events, candidates);
          for (const e of events) {
            if (e.type !== 'match' || e.result === 0) continue;
            // A decided match went to the truly better candidate, by more than the bias.
            const [winner, loser] = e.result > 0 ? [e.a, e.b] : [e.b, e.a];
            expect(winner - loser).toBeGreaterThan(bias);
          }
          if (mode === 'king-of-the-hill') {
            // The king changes only for someone better by more than the bias, so the best
            // candidate can only have been kept out by someone within the bias of it.
            expect(champion.champion).toBeGreaterThanOrEqual(Math.max(...candidates) - bias);
          }
          // A judge that sees only positions never decides anything: the first arrival stays.
          const blind = () => (favoursFirst ? 1 : -1);
          const blindRun = record(of(...candidates).pipe(tournamentReduce(blind, { mode, swap: true })));
          const blindChampion = checkFinished(blindRun.events, candidates);
          expect(blindRun.events.filter((e) => e.type === 'match' && e.result !== 0)).toEqual([]);
          expect(blindChampion.champion).toBe(candidates[0]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('closes the source and every comparison, and aborts pending judges, when torn down', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        candidatesArb,
        modeArb,
        fc.boolean(),
        fc.integer({ min: 0, max: 30 }),
        async (s, candidates, mode, swap, unsubAfter) => {
          const subject = new Subject<number>();
          let sourceOpen = 0;
          const source = new Observable<number>((subscriber) => {
            sourceOpen += 1;
            const inner = subject.subscribe(subscriber);
            return () => {
              sourceOpen -= 1;
              inner.unsubscribe();
            };
          });
          let tornDown = false;
          const openJudges = new Set<number>();
          const promiseJudges: { signal: AbortSignal; resolvedInTime: boolean }[] = [];
          let ids = 0;
          // Some judges are Observables (tracked open/closed), the others Promises (tracked signals).
          const compare = (a: number, b: number, { signal }: { signal: AbortSignal }) => {
            if ((a + b) % 2 === 0) {
              return new Observable<number>((sub) => {
                const id = ids++;
                openJudges.add(id);
                void s.schedule(Promise.resolve(a - b)).then((r) => sub.next(r));
                return () => openJudges.delete(id);
              });
            }
            const judge = { signal, resolvedInTime: false };
            promiseJudges.push(judge);
            return s.schedule(Promise.resolve(a - b)).then((r) => {
              judge.resolvedInTime = !tornDown;
              return r;
            });
          };
          let steps = 0;
          let completed = false;
          const sub: Subscription = source.pipe(tournamentReduce(compare, { mode, swap })).subscribe({
            next: () => {
              steps += 1;
              if (steps > unsubAfter) {
                tornDown = true;
                sub.unsubscribe();
              }
            },
            complete: () => {
              completed = true;
            },
          });
          const arrivals = candidates.map((c) => s.schedule(Promise.resolve(c)).then((v) => subject.next(v)));
          void Promise.all(arrivals).then(() => subject.complete());
          await settle(s);
          tornDown = true;
          sub.unsubscribe();
          await settle(s);
          // Whether it completed or was torn down, nothing it started is still running...
          expect(sourceOpen).toBe(0);
          expect(openJudges.size).toBe(0);
          // ...and every Promise judge it stopped waiting for was told so through its signal.
          for (const judge of promiseJudges) expect(judge.signal.aborted || judge.resolvedInTime).toBe(true);
          if (completed) expect(promiseJudges.every((j) => !j.signal.aborted)).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });
});

/** Lets the fast-check scheduler run every task, including those scheduled by earlier ones. */
async function settle(s: fc.Scheduler): Promise<void> {
  for (;;) {
    await s.waitAll();
    await new Promise((resolve) => setTimeout(resolve, 0));
    if (s.count() === 0) return;
  }
}
