import { asyncScheduler, defer, Observable, type SchedulerLike, type Subscription } from 'rxjs';
import type { VariantEvent } from '../events.js';

/** A budget of extra requests shared by many hedges (the pool's `hedging.max_extra`). */
export interface HedgeBudget {
  /** Takes a place; false when none is left (the hedge is then skipped, not postponed). */
  tryAcquire(): boolean;
  /** Gives a place back; called exactly once per successful `tryAcquire`. */
  release(): void;
}

/** Options of {@link hedge}. */
export interface HedgeOptions {
  /**
   * Makes the primary stream. It must call `sent()` when its first request goes out: the hedge
   * clock starts then, not at subscription, so time spent waiting for a rate limiter or a
   * concurrency slot (which a backup would wait for as well) does not trigger a hedge.
   */
  readonly primary: (sent: () => void) => Observable<VariantEvent>;
  /** Makes the backup stream, when the hedge fires. */
  readonly backup: () => Observable<VariantEvent>;
  /**
   * The wait for a first token before hedging, read when the clock starts (e.g. the provider's
   * observed 95th-percentile TTFT); `undefined` means no hedge for this subscription.
   */
  readonly afterMs: () => number | undefined;
  /** @defaultValue no budget: every hedge may fire */
  readonly budget?: HedgeBudget;
  /** Called when the backup is launched. @defaultValue none */
  readonly onHedge?: (afterMs: number) => void;
  /** Where the hedge timer runs. @defaultValue `asyncScheduler` */
  readonly scheduler?: SchedulerLike;
}

interface Racer {
  readonly backup: boolean;
  held: VariantEvent[];
  alive: boolean;
  sub?: Subscription;
}

const commits = (event: VariantEvent): boolean => event.type === 'delta' || event.type === 'end';

/**
 * A hedged request: the primary runs; if it has no first token `afterMs()` after its request went
 * out, a backup of the same request is launched (within `budget`), and whichever yields its first
 * token first wins. The loser is unsubscribed (its HTTP request aborted) at that moment.
 *
 * ```
 * primary:  -s(sent)----------------d--d--e|        (slow to start)
 * backup:              ^-s----d--d--e|               launched at sent + afterMs
 * result:   ----------------S-d--d--e|               S = the backup's start, held until its first delta;
 *                                                    the primary is unsubscribed at that delta
 *
 * primary:  -s(sent)-d--d--e|                         (a first token before afterMs: no hedge)
 * result:   ---------S-d--d--e|
 * ```
 *
 * Nothing is ever duplicated downstream: each racer's `start` and `usage` events are held until its
 * first `delta` or `end`, and only the winner's are released; after that only the winner's events
 * pass. A racer that fails before the race is decided drops out and the other carries on alone (a
 * backup is not launched after the primary failed: the error passes, e.g. to a fallback chain); if
 * none is left, its error passes. A failure after winning passes as is. A racer that completes
 * without any event wins (its completion passes).
 *
 * Cancellation: unsubscribing cancels the hedge timer and unsubscribes every racer at once; the
 * budget place, if one was taken, is released when the race is decided, when the backup fails, or
 * at unsubscription, whichever comes first.
 *
 * @example
 * ```ts
 * hedge({
 *   primary: (sent) => request$({ onSent: sent }),
 *   backup: () => request$({}),
 *   afterMs: () => ttft.count >= 20 ? ttft.percentile(0.95) : undefined,
 * });
 * ```
 */
export function hedge(options: HedgeOptions): Observable<VariantEvent> {
  const { primary, backup, afterMs, budget, onHedge, scheduler = asyncScheduler } = options ?? {};
  if (typeof primary !== 'function' || typeof backup !== 'function' || typeof afterMs !== 'function') {
    throw new TypeError('hedge: `primary`, `backup` and `afterMs` must be functions');
  }
  return new Observable<VariantEvent>((subscriber) => {
    const racers: Racer[] = [];
    let winner: Racer | undefined;
    let timer: Subscription | undefined;
    let clockStarted = false;
    let reserved = false;
    let closed = false;

    const cancelTimer = (): void => {
      timer?.unsubscribe();
      timer = undefined;
    };
    const releaseBudget = (): void => {
      if (!reserved) return;
      reserved = false;
      budget?.release();
    };
    const drop = (racer: Racer): void => {
      racer.alive = false;
      racer.held = [];
      racer.sub?.unsubscribe();
    };

    const win = (racer: Racer): void => {
      winner = racer;
      cancelTimer();
      for (const other of racers) if (other !== racer && other.alive) drop(other);
      releaseBudget();
      const held = racer.held;
      racer.held = [];
      for (const event of held) subscriber.next(event);
    };

    const launch = (source: Observable<VariantEvent>, isBackup: boolean): void => {
      const racer: Racer = { backup: isBackup, held: [], alive: true };
      racers.push(racer);
      const sub = source.subscribe({
        next: (event) => {
          if (!racer.alive) return;
          if (winner === racer) subscriber.next(event);
          else if (winner === undefined && commits(event)) {
            win(racer);
            subscriber.next(event);
          } else racer.held.push(event);
        },
        error: (error: unknown) => {
          if (!racer.alive) return;
          racer.alive = false;
          if (winner === racer) {
            subscriber.error(error);
            return;
          }
          racer.held = [];
          if (racer.backup) releaseBudget();
          if (!racers.some((r) => r.alive)) {
            cancelTimer();
            subscriber.error(error);
          }
        },
        complete: () => {
          if (!racer.alive) return;
          racer.alive = false;
          if (winner === undefined) win(racer);
          subscriber.complete();
        },
      });
      racer.sub = sub;
      // It lost (or everything closed) while it was being subscribed.
      if (!racer.alive || closed) sub.unsubscribe();
    };

    const sent = (): void => {
      if (clockStarted || winner !== undefined || closed) return;
      clockStarted = true;
      const ms = afterMs();
      if (ms === undefined || !Number.isFinite(ms) || ms < 0) return;
      timer = scheduler.schedule(() => {
        timer = undefined;
        if (winner !== undefined || closed || !racers[0]?.alive) return;
        if (budget && !budget.tryAcquire()) return;
        reserved = budget !== undefined;
        onHedge?.(ms);
        launch(
          defer(() => backup()),
          true,
        );
      }, ms);
    };

    launch(
      defer(() => primary(sent)),
      false,
    );
    return () => {
      closed = true;
      cancelTimer();
      for (const racer of racers) if (racer.alive) drop(racer);
      releaseBudget();
    };
  });
}
