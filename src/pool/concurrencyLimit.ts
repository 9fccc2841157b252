import { Observable } from 'rxjs';

/** A limit on how many sources run at once (a provider's `max_concurrency`). */
export interface ConcurrencyLimit {
  /**
   * `source`, subscribed once a slot is free (first come, first served). The slot is held until
   * the source completes, errors or is unsubscribed. Unsubscribing while waiting leaves the queue.
   */
  run<T>(source: Observable<T>): Observable<T>;
  /** Sources running now. */
  readonly active: number;
  /** Subscribers waiting for a slot. */
  readonly waiting: number;
}

/**
 * Creates a concurrency limit (a semaphore as an Observable wrapper).
 *
 * ```
 * max = 1
 * a:       --a--a--|
 * b:       (subscribed while a runs)
 * run(a):  --a--a--|
 * run(b):  --------b--b--|        b's source is subscribed when a's slot is freed
 * ```
 *
 * Cancellation: unsubscribing a waiting subscriber removes it from the queue (it never starts);
 * unsubscribing a running one unsubscribes its source and hands the slot to the next waiter.
 *
 * @param max - slots; a positive integer, or `undefined` for no limit (still counted).
 * @defaultValue `max`: `undefined` (no limit)
 * @example
 * ```ts
 * const limit = createConcurrencyLimit(4);
 * const request$ = limit.run(openaiStream(client, request));
 * ```
 */
export function createConcurrencyLimit(max?: number): ConcurrencyLimit {
  if (max !== undefined && !(Number.isInteger(max) && max >= 1)) {
    throw new TypeError(`\`max\` must be an integer >= 1 (or undefined for no limit), got ${String(max)}`);
  }
  const limit = max ?? Number.POSITIVE_INFINITY;
  const queue: (() => void)[] = [];
  let active = 0;

  const next = (): void => {
    while (active < limit && queue.length > 0) queue.shift()!();
  };

  return {
    run<T>(source: Observable<T>): Observable<T> {
      return new Observable<T>((subscriber) => {
        let holding = false;
        let inner: { unsubscribe(): void } | undefined;
        let closed = false;
        const free = (): void => {
          if (!holding) return;
          holding = false;
          active -= 1;
          next();
        };
        const start = (): void => {
          holding = true;
          active += 1;
          inner = source.subscribe({
            next: (value) => subscriber.next(value),
            // The slot is freed before the outcome is delivered, so a consumer that retries at
            // once finds it free.
            error: (error: unknown) => {
              free();
              subscriber.error(error);
            },
            complete: () => {
              free();
              subscriber.complete();
            },
          });
          // A source that settled synchronously has freed its slot already.
          if (closed) inner.unsubscribe();
        };
        if (active < limit && queue.length === 0) start();
        else queue.push(start);
        return () => {
          closed = true;
          const i = queue.indexOf(start);
          if (i !== -1) queue.splice(i, 1);
          inner?.unsubscribe();
          free();
        };
      });
    },
    get active() {
      return active;
    },
    get waiting() {
      return queue.length;
    },
  };
}
