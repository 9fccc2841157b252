/**
 * Shared machinery of `firstTokenTimeout`, `idleTimeout` and `totalTimeout`: one watchdog operator
 * parameterised by a rule that says when the clock starts, restarts and stops. Not public.
 */
import {
  asyncScheduler,
  type MonoTypeOperatorFunction,
  Observable,
  type SchedulerLike,
  type Subscription,
} from 'rxjs';
import { ProviderError, type TimeoutKind } from '../errors.js';
import type { VariantEvent, VariantId } from '../events.js';

/** Options shared by the three timeout operators. */
export interface TimeoutOptions {
  /**
   * Variant named in the error when no event has named one yet.
   * @defaultValue the `variant` of the latest event seen, else none
   */
  readonly variant?: VariantId;
  /**
   * Provider named in the error when no `start` event has named one.
   * @defaultValue the `provider` of the `start` event, else `'unknown'`
   */
  readonly provider?: string;
  /**
   * Where the timers run; tests pass a `TestScheduler` to run on virtual time.
   * @defaultValue `asyncScheduler`
   */
  readonly scheduler?: SchedulerLike;
}

/** What the watchdog does with its clock after an event. */
export type WatchdogStep = 'restart' | 'stop' | 'none';

/** When a timeout's clock runs. */
export interface WatchdogRule {
  readonly kind: TimeoutKind;
  /** Start the clock when the operator is subscribed (before the source is). */
  readonly armAtSubscribe: boolean;
  /** What to do with the clock on `event`; `sawDelta` is whether a delta arrived *before* it. */
  step(event: VariantEvent, sawDelta: boolean): WatchdogStep;
  /** The error message, naming the limit. */
  describe(ms: number): string;
}

/** Throws the `TypeError` the timeout operators promise for bad arguments. */
export function validateTimeoutArgs(name: string, ms: unknown, options: TimeoutOptions | undefined): void {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms <= 0) {
    throw new TypeError(
      `${name}: \`ms\` must be a finite number of milliseconds greater than 0, got ${String(ms)}`,
    );
  }
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${name}: \`options\` must be an object, got ${String(options)}`);
  }
  for (const key of ['variant', 'provider'] as const) {
    if (options[key] !== undefined && typeof options[key] !== 'string') {
      throw new TypeError(`${name}: \`${key}\` must be a string when given, got ${typeof options[key]}`);
    }
  }
  const s = options.scheduler;
  if (s !== undefined && (typeof s?.schedule !== 'function' || typeof s?.now !== 'function')) {
    throw new TypeError(
      `${name}: \`scheduler\` must be an RxJS SchedulerLike (with \`schedule\` and \`now\`)`,
    );
  }
}

/**
 * A restartable deadline that keeps at most one scheduled action. Restarting only moves the
 * deadline; when the action fires early it re-schedules itself for the remainder. This keeps the
 * cost per token to two number writes instead of cancelling and creating a timer per delta.
 */
function createDeadline(scheduler: SchedulerLike, ms: number, onExpire: () => void) {
  let deadline = Number.POSITIVE_INFINITY;
  let action: Subscription | undefined;
  const check = (): void => {
    action = undefined;
    const now = scheduler.now();
    if (now >= deadline) onExpire();
    else action = scheduler.schedule(check, deadline - now);
  };
  let stopped = false;
  return {
    /** (Re)starts the clock: the deadline becomes now + ms. No-op once stopped. */
    restart(): void {
      if (stopped) return;
      deadline = scheduler.now() + ms;
      action ??= scheduler.schedule(check, ms);
    },
    /** Stops the clock for good: a variant that has ended cannot stall any more. */
    stop(): void {
      stopped = true;
      deadline = Number.POSITIVE_INFINITY;
      action?.unsubscribe();
      action = undefined;
    },
  };
}

/**
 * The watchdog operator. On expiry it unsubscribes the source first (aborting the HTTP request)
 * and only then errors downstream, so no consumer reacting to the error can observe a request
 * that is still open.
 */
export function watchdog(
  rule: WatchdogRule,
  ms: number,
  options: TimeoutOptions | undefined,
): MonoTypeOperatorFunction<VariantEvent> {
  const scheduler = options?.scheduler ?? asyncScheduler;
  return (source) =>
    new Observable<VariantEvent>((subscriber) => {
      let provider: string | undefined;
      let variant: VariantId | undefined;
      let sawDelta = false;
      let upstream: Subscription | undefined;

      const clock = createDeadline(scheduler, ms, () => {
        upstream?.unsubscribe();
        const v = variant ?? options?.variant;
        subscriber.error(
          new ProviderError({
            type: 'timeout',
            timeout: rule.kind,
            provider: provider ?? options?.provider ?? 'unknown',
            ...(v !== undefined && { variant: v }),
            message: rule.describe(ms),
          }),
        );
      });

      // Armed before subscribing, so a synchronous source is timed from the same instant.
      if (rule.armAtSubscribe) clock.restart();
      upstream = source.subscribe({
        next: (event) => {
          variant = event.variant;
          if (event.type === 'start' && event.provider !== undefined) provider = event.provider;
          const step = rule.step(event, sawDelta);
          if (event.type === 'delta') sawDelta = true;
          if (step === 'restart') clock.restart();
          else if (step === 'stop') clock.stop();
          subscriber.next(event);
        },
        error: (error: unknown) => {
          clock.stop();
          subscriber.error(error);
        },
        complete: () => {
          clock.stop();
          subscriber.complete();
        },
      });
      return () => {
        clock.stop();
        upstream?.unsubscribe();
      };
    });
}
